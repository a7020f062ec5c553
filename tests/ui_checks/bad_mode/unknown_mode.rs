// GRAPH_ODATA_CHECKS takes `on`, `off` or `strict`; anything else is reported where it matters.
use graph_odata::graph_entity;

#[graph_entity]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
