use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub __: Option<String>,
}

fn main() {}
