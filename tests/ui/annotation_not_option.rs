use graph_odata::graph_entity;

#[graph_entity("microsoft.graph.todoTaskList")]
pub struct TodoTaskList {
    #[graph(odata_etag)]
    pub etag: String,
    pub display_name: Option<String>,
}

fn main() {}
