// Correct Graph v1.0 declarations with navigation properties build under the built-in checks, and
// the escape hatches let through what the snapshot cannot know.
use graph_odata::{graph_entity, graph_function};

#[graph_entity]
pub struct DirectoryObject {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

#[graph_entity(get = "GET /users/{userId}", list = "GET /users")]
pub struct User {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub manager: Option<DirectoryObject>,
    pub member_of: Option<Vec<DirectoryObject>>,
    // A property Graph added after the built-in snapshot.
    #[graph(unchecked)]
    pub favourite_colour: Option<String>,
}

#[graph_entity(list = "GET /groups")]
pub struct Group {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub members: Option<Vec<DirectoryObject>>,
    // A derived type of the target: `owners` holds directoryObjects, users among them.
    pub owners: Option<Vec<User>>,
}

#[graph_entity]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub web_url: Option<String>,
}

#[graph_entity(list = "GET /me/todo/lists/{todoTaskListId}/tasks")]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
    pub linked_resources: Option<Vec<LinkedResource>>,
}

// A whole declaration the schema does not know (a preview API), explicitly unchecked.
#[graph_entity("microsoft.graph.previewGadget", unchecked, list = "GET /previewGadgets")]
pub struct PreviewGadget {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub sparkle: Option<i32>,
}

// Beta declarations stay unchecked when no beta schema is named.
#[graph_function("microsoft.graph.getBetaOnlyThing", version = "beta", returns = String, paths = ["GET /me/getBetaOnlyThing()"])]
pub struct BetaOnly;

fn main() {}
