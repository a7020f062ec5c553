use graph_odata::graph_complex;

#[graph_complex]
pub enum Importance {
    Low,
    High,
}

fn main() {}
