use graph_odata::graph_entity;

#[graph_entity(list = "GET /me/todo/list/{todoTaskListId}/tasks")]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

fn main() {}
