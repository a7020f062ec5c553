use graph_odata::graph_complex;

#[graph_complex]
pub struct Page<T> {
    pub value: Vec<T>,
}

fn main() {}
