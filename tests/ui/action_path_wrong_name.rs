use graph_odata::{graph_action, graph_entity};

#[graph_entity]
pub struct Permission {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_action(
    returns = Permission,
    paths = [
        "POST /drives/{driveId}/items/{itemId}/invite",
        "GET /drives/{driveId}/root/createLink",
    ],
)]
pub struct CreateLink {
    pub r#type: String,
}

fn main() {}
