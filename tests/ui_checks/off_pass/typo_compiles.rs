// GRAPH_ODATA_CHECKS=off: nothing is checked, a misspelled property builds (it is sent as written).
use graph_odata::graph_entity;

#[graph_entity(list = "GET /me/todo/list/{todoTaskListId}/tasks")]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub titel: Option<String>,
}

fn main() {}
