use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    pub web_url: String,
}

fn main() {}
