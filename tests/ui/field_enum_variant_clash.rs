use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub web_url: Option<String>,
    // Another wire name, but the same variant `WebUrl` of the field enum.
    #[graph(rename = "displayName")]
    pub web_url_: Option<String>,
}

fn main() {}
