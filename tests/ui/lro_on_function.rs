use graph_odata::graph_function;

#[graph_function("microsoft.graph.recent", returns = Lro<String>, paths = ["GET /me/drive/recent()"])]
pub struct Recent;

fn main() {}
