// Against a real beta schema (the US Nat cloud's), a misspelled segment is an error.
use graph_odata::graph_entity;

#[graph_entity(
    version = "beta",
    create = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResource",
)]
pub struct LinkedResource {
    pub web_url: Option<String>,
}

fn main() {}
