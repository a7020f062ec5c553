// The PATCH companion is `{Name}Patch`: a type of that name already exists here.
use graph_odata::graph_entity;

pub struct TodoTaskPatch;

#[graph_entity]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

fn main() {}
