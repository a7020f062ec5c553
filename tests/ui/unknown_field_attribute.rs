use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    #[graph(key, raed_only)]
    pub id: Option<String>,
    #[graph(skip_serializing)]
    pub web_url: Option<String>,
}

fn main() {}
