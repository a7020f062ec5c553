use graph_odata::{graph_complex, graph_entity};

// Turning the checks off while naming a file to check against: one of them is a mistake.
#[graph_entity(unchecked, metadata = "graph/v1.0.csdl.xml")]
pub struct User {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

// Only the beta parts can be excused by version.
#[graph_complex(unchecked = "v1.0")]
pub struct IdentitySet {
    pub user: Option<String>,
}

fn main() {}
