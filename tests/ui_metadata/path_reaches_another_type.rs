use graph_odata::graph_entity;

#[graph_entity(
    get = "GET /me/todo/lists/{todoTaskListId}",
    list = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
)]
pub struct LinkedResource {
    pub web_url: Option<String>,
}

fn main() {}
