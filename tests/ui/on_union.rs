use graph_odata::graph_complex;

#[graph_complex]
pub union Number {
    pub int: i32,
    pub float: f32,
}

fn main() {}
