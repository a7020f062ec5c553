use graph_odata::graph_enum;

#[graph_enum]
pub enum ConnectionState {
    Draft,
    #[graph(rename = "draft")]
    Preliminary,
    #[graph(other)]
    Other(String),
}

fn main() {}
