use graph_odata::graph_enum;

#[graph_enum]
pub enum ConnectedOrganizationState {
    Configured,
    Proposed,
    UnknownFutureValue,
}

fn main() {}
