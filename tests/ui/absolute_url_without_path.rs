use graph_odata::graph_entity;

#[graph_entity(list = "GET https://graph.microsoft.com/v1.0", get = "GET https://graph.microsoft.com/v1.0/")]
pub struct User {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
