// An enumeration of names is `#[graph_enum]`, not an entity.
use graph_odata::graph_entity;

#[graph_entity]
pub enum Importance {
    Low,
    Normal,
    High,
}

fn main() {}
