use graph_odata::graph_complex;

#[graph_complex(base = IdentitySource)]
pub struct AzureActiveDirectoryTenant {
    pub tenant_id: Option<String>,
}

#[graph_complex(abstract)]
pub enum IdentitySource {
    AzureActiveDirectoryTenant(AzureActiveDirectoryTenant),
}

fn main() {}
