use graph_odata::graph_entity;

#[graph_entity]
pub struct ConnectedOrganization {
    pub state: Option<String>,
}

fn main() {}
