use graph_odata::graph_entity;

#[graph_entity(
    create = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
    update = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources/{linkedResourceId}",
    delete_all = "PATCH /me/todo/lists/{todoTaskListId}",
)]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
