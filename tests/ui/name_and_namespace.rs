use graph_odata::graph_entity;

#[graph_entity("microsoft.graph.externalConnectors.externalConnection", namespace = "microsoft.graph")]
pub struct ExternalConnection {
    pub name: Option<String>,
}

fn main() {}
