use graph_odata::graph_enum;

#[graph_enum]
pub enum Importance {
    Low,
    #[graph(other)]
    Other(String),
    #[graph(other)]
    Unknown(String),
}

fn main() {}
