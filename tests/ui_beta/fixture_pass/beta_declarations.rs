// Correct beta declarations build while the beta file is the fixture.
use graph_odata::graph_entity;

#[graph_entity(
    version = "beta",
    create = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
)]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub web_url: Option<String>,
    pub display_name: Option<String>,
}

fn main() {
    let _ = LinkedResource::create("l", "t", &LinkedResource { id: None, web_url: None, display_name: None });
}
