use graph_odata::graph_complex;
use graph_odata::wire::RawObject;

#[graph_complex]
pub struct AzureActiveDirectoryTenant {
    pub tenant_id: Option<String>,
}

#[graph_complex(abstract)]
pub enum IdentitySource {
    AzureActiveDirectoryTenant(AzureActiveDirectoryTenant),
    DomainIdentitySource,
    #[graph(other)]
    Other(RawObject),
}

fn main() {}
