use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    pub web_url: Option<String>,
    pub created: std::time::Instant,
}

fn main() {}
