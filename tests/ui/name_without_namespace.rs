use graph_odata::graph_enum;

#[graph_enum("connectedOrganizationState")]
pub enum ConnectedOrganizationState {
    Configured,
    Proposed,
    #[graph(other)]
    Other(String),
}

fn main() {}
