// A struct with serde derives is not a model: `#[graph_complex]` makes it one.
use graph_odata::graph_entity;

#[derive(serde::Serialize, serde::Deserialize)]
pub struct ItemBody {
    pub content: Option<String>,
}

#[graph_entity]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub body: Option<ItemBody>,
}

fn main() {}
