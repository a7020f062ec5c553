use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_entity]
pub struct Drive {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_entity]
pub struct Permission {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_entity]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub linked_resources: Vec<LinkedResource>,
}

#[graph_entity]
pub struct User {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub drive: Option<Vec<Drive>>,
    pub todo: Option<Permission>,
}

fn main() {}
