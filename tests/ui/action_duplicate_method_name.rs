use graph_odata::graph_action;

#[graph_action(
    paths = [
        "POST /drives/{drivesId}/items/{driveItemId}/createLink",
        "POST /drives/{driveId}/items/{itemId}/createLink",
    ],
)]
pub struct CreateLink {
    pub r#type: String,
}

fn main() {}
