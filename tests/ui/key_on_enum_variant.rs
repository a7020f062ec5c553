use graph_odata::graph_enum;

#[graph_enum]
pub enum Importance {
    #[graph(key)]
    Low,
    #[graph(other)]
    Other(String),
}

fn main() {}
