use graph_odata::graph_action;

#[graph_action(bound = "driveItem", returns = serde_json::Value, paths = ["POST /me/drive/items/{itemId}/createLink"])]
pub struct CreateLink {
    pub r#type: String,
}

fn main() {}
