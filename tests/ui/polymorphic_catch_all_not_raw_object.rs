use graph_odata::graph_complex;

#[graph_complex(base = IdentitySource)]
pub struct DomainIdentitySource {
    pub domain_name: Option<String>,
}

#[graph_complex(abstract)]
pub enum IdentitySource {
    Domain(DomainIdentitySource),
    #[graph(other)]
    Other(String),
}

fn main() {}
