use graph_odata::graph_action;

#[graph_action(returns = String)]
pub struct CreateLink {
    #[graph(secret, key)]
    pub password: Option<String>,
}

fn main() {}
