use graph_odata::graph_entity;

#[graph_entity]
pub fn linked_resource() {}

fn main() {}
