use graph_odata::graph_complex;

#[graph_complex("microsoft.graph.linkedResource")]
pub struct LinkedResource {
    pub web_url: Option<String>,
}

fn main() {}
