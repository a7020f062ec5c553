use graph_odata::graph_enum;

#[graph_enum]
pub enum ConnectionState {
    Draft,
    Ready { since: String },
    #[graph(other)]
    Other(String),
}

fn main() {}
