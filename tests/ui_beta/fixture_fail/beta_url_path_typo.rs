// A line written as an absolute beta URL is checked against the beta file.
use graph_odata::graph_entity;

#[graph_entity(create = "POST https://graph.microsoft.com/beta/me/todo/lists/{todoTaskListId}/task/{taskId}/linkedResources")]
pub struct LinkedResource {
    pub web_url: Option<String>,
}

fn main() {}
