// `{userId}` and `{user_id}` become the same Rust parameter.
use graph_odata::graph_entity;

#[graph_entity(get = "GET /users/{userId}/todo/lists/{user_id}")]
pub struct TodoTaskList {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
