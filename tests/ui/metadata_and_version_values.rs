use graph_odata::{graph_complex, graph_entity};

#[graph_entity(version = "v2")]
pub struct User {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_complex(metadata = 5)]
pub struct ItemBody {
    pub content: Option<String>,
}

fn main() {}
