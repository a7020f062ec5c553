// GRAPH_ODATA_CHECKS=strict accepts what is checked and what is explicitly unchecked.
use graph_odata::{graph_entity, graph_function};

#[graph_function("microsoft.graph.getBetaOnlyThing", version = "beta", unchecked = "beta", returns = String, paths = ["GET /me/getBetaOnlyThing()"])]
pub struct BetaOnly;

#[graph_entity("contoso.shop.order", unchecked, list = "GET /orders")]
pub struct Order {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_entity(unchecked = "beta", list = "GET /me/todo/lists", create_beta = "POST https://graph.microsoft.com/beta/me/todo/lists")]
pub struct TodoTaskList {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
}

fn main() {}
