use graph_odata::graph_entity;

/// The create-externalConnection page's example URL has `docs\api` in it.
#[graph_entity(
    "microsoft.graph.externalConnectors.externalConnection",
    create = "POST https://graph.microsoft.com/docs\\api/connections",
)]
pub struct ExternalConnection {
    #[graph(key)]
    pub id: Option<String>,
}

fn main() {}
