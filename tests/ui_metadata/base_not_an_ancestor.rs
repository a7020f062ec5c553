use graph_odata::graph_complex;

#[graph_complex(base = "microsoft.graph.entity")]
pub struct DomainIdentitySource {
    pub domain_name: Option<String>,
}

fn main() {}
