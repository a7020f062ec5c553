use graph_odata::graph_action;

/// A path of the 2021 beta createLink page declared for v1.0, where `joinedGroups` is gone.
#[graph_action(paths = ["POST /me/joinedGroups/{groupId}/drive/root/createLink"])]
pub struct CreateLink {
    pub r#type: String,
}

fn main() {}
