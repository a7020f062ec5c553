use graph_odata::graph_action;

#[graph_action(paths = ["POST /me/drive/root/createLink"])]
pub struct CreateLink {
    pub r#type: String,
    #[graph(secret)]
    pub pasword: Option<String>,
}

fn main() {}
