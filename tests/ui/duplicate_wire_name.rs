use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    pub web_url: Option<String>,
    #[graph(rename = "webUrl")]
    pub deep_link: Option<String>,
}

fn main() {}
