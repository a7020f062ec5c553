use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    #[graph(key)]
    pub id: Option<String>,
    #[graph(key)]
    pub external_id: Option<String>,
}

fn main() {}
