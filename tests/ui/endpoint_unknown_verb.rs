use graph_odata::graph_entity;

#[graph_entity(creat = "POST /me/todo/lists", fetch = "GET /me/todo/lists")]
pub struct TodoTaskList {
    #[graph(key, read_only)]
    pub id: Option<String>,
}

fn main() {}
