use graph_odata::graph_enum;

#[graph_enum(write_type)]
pub enum Importance {
    Low,
    #[graph(other)]
    Other(String),
}

fn main() {}
