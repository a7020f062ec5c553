// `linkedResources` holds linkedResource entities, not permissions.
use graph_odata::graph_entity;

#[graph_entity]
pub struct Permission {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_entity]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub linked_resources: Option<Vec<Permission>>,
}

fn main() {}
