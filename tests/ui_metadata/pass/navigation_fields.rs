// Navigation properties as fields, as `$expand` fills them: single as `Option<T>`, collections as
// `Option<Vec<T>>`, contained or not; the element a model of the target (or of a related type).
use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub web_url: Option<String>,
}

#[graph_entity]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
    pub linked_resources: Option<Vec<LinkedResource>>,
}

#[graph_entity]
pub struct Drive {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_entity]
pub struct Todo {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_entity]
pub struct User {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub drive: Option<Drive>,
    pub todo: Option<Box<Todo>>,
}

fn main() {}
