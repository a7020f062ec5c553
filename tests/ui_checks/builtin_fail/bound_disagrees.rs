// `bound` is checked: createLink is bound to driveItem (and listItem), not to user.
use graph_odata::graph_action;

#[graph_action(bound = "microsoft.graph.user", returns = serde_json::Value, paths = ["POST /me/drive/items/{itemId}/createLink"])]
pub struct CreateLink {
    pub r#type: String,
}

fn main() {}
