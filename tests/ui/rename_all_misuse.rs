use graph_odata::{graph_complex, graph_entity};

// serde's spelling is `PascalCase`.
#[graph_complex(unchecked, namespace = "Trippin", rename_all = "pascalcase")]
pub struct Location {
    pub address: Option<String>,
}

// Not a case at all.
#[graph_complex(unchecked, namespace = "Trippin", rename_all = "kebab-case")]
pub struct City {
    pub name: Option<String>,
}

#[graph_complex(unchecked, namespace = "Trippin")]
pub struct Airport {
    pub name: Option<String>,
}

// A polymorphic enum's variants are named by their types.
#[graph_entity(unchecked, namespace = "Trippin", rename_all = "PascalCase")]
pub enum Place {
    Airport(Airport),
    #[graph(other)]
    Other(graph_odata::wire::RawObject),
}

fn main() {}
