// An action implements Debug itself (secrets are redacted).
use graph_odata::graph_action;

#[graph_action(returns = serde_json::Value, paths = ["POST /me/drive/items/{itemId}/createLink"])]
#[derive(Debug)]
pub struct CreateLink {
    pub r#type: String,
    #[graph(secret)]
    pub password: Option<String>,
}

fn main() {}
