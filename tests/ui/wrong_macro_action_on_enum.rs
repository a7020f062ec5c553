use graph_odata::graph_action;

#[graph_action(paths = ["POST /me/todo/lists/{id}/tasks/{taskId}/complete"])]
pub enum Complete {
    Now,
}

fn main() {}
