use graph_odata::graph_complex;
use graph_odata::wire::RawObject;

#[graph_complex(base = IdentitySource)]
pub struct DomainIdentitySource {
    pub domain_name: Option<String>,
}

#[graph_complex]
pub enum IdentitySource {
    DomainIdentitySource(DomainIdentitySource),
    #[graph(other)]
    Other(RawObject),
}

fn main() {}
