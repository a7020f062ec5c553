use graph_odata::{graph_entity, graph_function};

#[graph_entity]
pub struct DriveItem {
    pub name: Option<String>,
}

#[graph_function(returns = DriveItem, paths = ["GET /drives/{driveId}/items/delta()"])]
pub struct Delta;

fn main() {}
