// Correct declarations build when checked against a real beta schema (the US Nat cloud's).
use graph_odata::{graph_entity, graph_complex, graph_enum};

#[graph_entity(
    version = "beta",
    create = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
    get = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources/{linkedResourceId}",
)]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub web_url: Option<String>,
    pub application_name: Option<String>,
    pub display_name: Option<String>,
    pub external_id: Option<String>,
}

#[graph_entity(
    version = "beta",
    create = "POST /identityGovernance/entitlementManagement/connectedOrganizations",
)]
pub struct ConnectedOrganization {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub identity_sources: Option<Vec<IdentitySource>>,
    pub state: Option<ConnectedOrganizationState>,
}

#[graph_complex(abstract, version = "beta")]
pub enum IdentitySource {
    DomainIdentitySource(DomainIdentitySource),
    #[graph(other)]
    Other(graph_odata::wire::RawObject),
}

#[graph_complex(base = IdentitySource, version = "beta")]
pub struct DomainIdentitySource {
    pub display_name: Option<String>,
    pub domain_name: Option<String>,
}

#[graph_enum(version = "beta")]
pub enum ConnectedOrganizationState {
    Configured,
    Proposed,
    #[graph(other)]
    Other(String),
}

fn main() {}
