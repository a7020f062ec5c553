// GRAPH_ODATA_CHECKS=strict: a declaration that nothing checks is an error, once, at its name.
use graph_odata::{graph_entity, graph_function};

// Beta, and no beta schema named.
#[graph_function("microsoft.graph.getBetaOnlyThing", version = "beta", returns = String, paths = ["GET /me/getBetaOnlyThing()"])]
pub struct BetaOnly;

// Another service's namespace, and no file of its own.
#[graph_entity("contoso.shop.order", list = "GET /orders", get = "GET /orders/{id}")]
pub struct Order {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

// A v1.0 type with a line written as a beta URL.
#[graph_entity(create_beta = "POST https://graph.microsoft.com/beta/me/todo/lists")]
pub struct TodoTaskList {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
