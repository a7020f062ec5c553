use graph_odata::graph_entity;

#[graph_entity(
    create = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
)]
#[derive(Default)]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {
    // The list id is missing: the placeholders are parameters, checked by rustc.
    let _ = LinkedResource::create("task-1", &LinkedResource::default());
}
