use graph_odata::{graph_complex, graph_entity};

#[graph_entity]
#[graph_complex]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
