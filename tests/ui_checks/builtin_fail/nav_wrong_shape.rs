// `manager` is one directoryObject; `memberOf` and `members` are collections.
use graph_odata::graph_entity;

#[graph_entity]
pub struct DirectoryObject {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_entity]
pub struct User {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub manager: Option<Vec<DirectoryObject>>,
    pub member_of: Option<DirectoryObject>,
}

#[graph_entity]
pub struct Group {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub members: Vec<DirectoryObject>,
}

fn main() {}
