// A fixture read by cli/tests/permissions.rs (not compiled), in a subdirectory.
mod inner {
    #[graph_action(returns = Permission, bound = "microsoft.graph.driveItem",
        paths = ["POST /drives/{driveId}/items/{itemId}/createLink"])]
    pub struct CreateLink { pub r#type: String }
}
