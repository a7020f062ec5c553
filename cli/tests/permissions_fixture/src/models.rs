// A fixture read by cli/tests/permissions.rs (not compiled): a crate's declarations.
use graph_odata::prelude::*;

#[graph_entity(
    create = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
    list = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
)]
pub struct LinkedResource {
    #[graph(key)] pub id: Option<String>,
}

#[graph_entity(
    "microsoft.graph.externalConnectors.externalConnection",
    create = "POST /external/connections",
    create_top_level = "POST /connections",
)]
pub struct ExternalConnection { pub id: Option<String> }

#[graph_entity(metadata = "trippin.csdl.xml", list = "GET /People")]
pub struct Person { pub user_name: Option<String> }
