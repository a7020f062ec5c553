use graph_odata::prelude::*;

// A misspelt import, and a parameter the import's function does not have.
#[graph_function("microsoft.graph.ping", returns = String, paths = [ping = "GET /pnig(text='{text}')"])]
pub struct Ping;

#[graph_action("microsoft.graph.resetDemo", paths = [reset = "POST /resetDemo"])]
#[derive(Default)]
pub struct ResetDemo {
    pub sed: Option<i32>,
}

fn main() {}
