use graph_odata::graph_action;

#[graph_action(returns = serde_json::Value, paths = ["POST /me/drive/items/{itemId}/createLink"])]
pub struct CreateLink {
    pub r#type: String,
    #[graph(secret = "yes")]
    pub password: Option<String>,
}

fn main() {}
