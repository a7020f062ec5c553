use graph_odata::graph_complex;

#[graph_complex("microsoft.graph.sharing Link")]
pub struct SharingLink {
    pub web_url: Option<String>,
}

fn main() {}
