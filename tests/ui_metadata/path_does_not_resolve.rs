use graph_odata::graph_entity;

#[graph_entity(create = "POST /me/todo/list/{todoTaskListId}/tasks/{taskId}/linkedResources")]
pub struct LinkedResource {
    pub web_url: Option<String>,
}

fn main() {}
