use graph_odata::graph_action;

#[graph_action(paths = ["POST /me/drive/root/createLink", "POST /users/{userId}/createLink"])]
pub struct CreateLink {
    pub r#type: String,
}

fn main() {}
