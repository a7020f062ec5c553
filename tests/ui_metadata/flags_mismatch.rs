use graph_odata::graph_enum;

#[graph_enum]
#[derive(PartialEq)]
pub enum AccessLevel {
    Read,
    Write,
    #[graph(other)]
    Other(String),
}

fn main() {}
