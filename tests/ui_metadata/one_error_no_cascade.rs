// One schema mistake gives one error: the methods and companions are still generated, so the
// call sites below compile and say nothing.
use graph_odata::prelude::*;

#[graph_entity(
    create = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
    get = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources/{linkedResourceId}",
)]
#[derive(Debug, Default)]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub web_ur: Option<String>,
}

fn main() {
    let _create: Request<LinkedResource> = LinkedResource::create("l", "t", &LinkedResource::default());
    let _get: Request<LinkedResource> = LinkedResource::get("l", "t", "r");
    let _field = LinkedResourceField::WebUr;
    let _patch = LinkedResourcePatch::default();
}
