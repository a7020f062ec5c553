// A map is an open type's `#[graph(extra)]`, not a property.
use graph_odata::graph_complex;
use std::collections::HashMap;

#[graph_complex]
pub struct PhysicalAddress {
    pub street: Option<String>,
    pub lines: HashMap<String, String>,
}

fn main() {}
