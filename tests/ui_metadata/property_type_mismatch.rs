use graph_odata::graph_entity;

#[graph_entity]
pub struct DriveItem {
    pub name: Option<String>,
    pub size: Option<String>,
}

fn main() {}
