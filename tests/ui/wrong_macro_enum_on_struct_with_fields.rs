use graph_odata::graph_enum;

#[graph_enum]
pub struct Importance {
    pub level: String,
}

fn main() {}
