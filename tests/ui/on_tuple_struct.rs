use graph_odata::graph_complex;

#[graph_complex]
pub struct ItemReference(String, String);

fn main() {}
