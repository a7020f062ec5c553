// Qualified names in the middle of a path (a type cast, a namespace), misspelled: the did-you-mean
// names the qualified form.
use graph_odata::graph_entity;

#[graph_entity(
    list = "GET /users/{userId}/memberOf/microsoft.graph.grop",
    list_roles = "GET /users/{userId}/memberOf/microsoft.grph.directoryRole",
)]
pub struct Group {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
