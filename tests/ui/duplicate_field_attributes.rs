use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    #[graph(rename = "webUrl", rename = "deepLink")]
    pub web_url: Option<String>,
    #[graph(read_only)]
    #[graph(read_only)]
    pub id: Option<String>,
}

fn main() {}
