// The macro writes the wire format: `#[serde(…)]` does not apply to its fields.
use graph_odata::graph_entity;

#[graph_entity]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    #[serde(rename = "title")]
    pub name: Option<String>,
}

fn main() {}
