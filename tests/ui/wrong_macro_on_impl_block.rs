use graph_odata::graph_entity;

pub struct User {
    pub id: Option<String>,
}

#[graph_entity]
impl User {}

fn main() {}
