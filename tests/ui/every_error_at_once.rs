use graph_odata::graph_entity;

#[graph_entity("microsoft.graph.", abstrct)]
pub struct LinkedResource {
    #[graph(key)]
    pub id: Option<String>,
    #[graph(key, rename = "")]
    pub web_url: Option<String>,
    #[graph(rename = "id")]
    pub other_id: Option<String>,
}

fn main() {}
