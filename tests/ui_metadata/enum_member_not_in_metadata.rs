use graph_odata::graph_enum;

#[graph_enum]
pub enum ConnectionState {
    Draft,
    Readdy,
    #[graph(other)]
    Other(String),
}

fn main() {}
