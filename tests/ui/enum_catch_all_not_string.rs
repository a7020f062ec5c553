use graph_odata::graph_enum;

#[graph_enum]
pub enum Importance {
    Low,
    High,
    #[graph(other)]
    Other(i32),
}

fn main() {}
