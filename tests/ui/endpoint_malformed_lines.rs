use graph_odata::graph_entity;

#[graph_entity(
    create = "FETCH /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
    get = "GET me/todo/lists/{todoTaskListId}",
    list = "GET /me//todo/lists",
    get_one = "GET /me/todo/lists/{todoTaskListId?$select=id",
    get_two = "GET /me/todo/lists/{}",
    get_three = "GET /me/todo/lists/{list-id}",
    get_four = "GET /drives/{id}/items/{id}",
    get_five = "GET /me/todo/lists?$top=5",
    get_six = "GET /me/todo/lists#top",
)]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
