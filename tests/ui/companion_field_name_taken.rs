use graph_odata::graph_entity;

pub enum TodoTaskField {
    Title,
}

#[graph_entity]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

fn main() {}
