use graph_odata::graph_entity;

#[graph_entity("microsoft.graph.todoTsk")]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
