use graph_odata::graph_entity;

#[graph_entity]
pub struct Permission {
    pub roles: Option<String>,
}

fn main() {}
