use graph_odata::graph_enum;

#[graph_enum]
pub struct ConnectionState {
    pub value: String,
}

fn main() {}
