// FunctionImport and ActionImport resolve at the service root; parameters and return types are
// checked like those of bound operations.
use graph_odata::prelude::*;

#[graph_function("microsoft.graph.ping", returns = String, paths = [ping = "GET /ping(text='{text}')"])]
pub struct Ping;

#[graph_action("microsoft.graph.resetDemo", paths = [reset = "POST /resetDemo"])]
#[derive(Default)]
pub struct ResetDemo {
    pub seed: Option<i32>,
}

fn main() {
    let _ping: Request<String> = Ping.ping("hello");
    let _reset = ResetDemo::default().reset();
}
