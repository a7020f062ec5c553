use graph_odata::graph_entity;

#[graph_entity("microsoft.graph.linkedResourse")]
pub struct LinkedResource {
    pub web_url: Option<String>,
}

fn main() {}
