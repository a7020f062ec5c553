use graph_odata::graph_entity;

#[graph_entity(get = "GET /me/todo/lists/{todoTaskListId/tasks")]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
