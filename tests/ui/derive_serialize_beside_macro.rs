// The macro implements Serialize and Deserialize itself, with OData's rules.
use graph_odata::graph_entity;

#[graph_entity]
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
