use graph_odata::graph_entity;

#[graph_entity]
pub struct TodoTask {
    #[graph(key)]
    pub id: Option<String>,
    pub title: Option<String>,
}

fn main() {
    let _ = TodoTask::patch().id("AAMk").title("Milk");
}
