use graph_odata::graph_enum;
use serde::Deserialize;

#[graph_enum]
#[derive(Deserialize, PartialEq)]
pub enum Importance {
    Low,
    #[graph(other)]
    Other(String),
}

fn main() {}
