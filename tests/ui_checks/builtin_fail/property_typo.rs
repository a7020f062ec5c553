// No variable, no file: a Graph v1.0 declaration is checked against the built-in schema.
use graph_odata::graph_entity;

#[graph_entity]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub titel: Option<String>,
}

fn main() {}
