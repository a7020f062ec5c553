use graph_odata::prelude::*;

#[graph_entity(namespace = "microsoft.graph", metadata = "no/such/file.csdl.xml")]
pub struct TodoTask {
    pub id: Option<String>,
}

fn main() {}
