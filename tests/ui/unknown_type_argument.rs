use graph_odata::graph_entity;

#[graph_entity(namepsace = "microsoft.graph")]
pub struct LinkedResource {
    pub web_url: Option<String>,
}

fn main() {}
