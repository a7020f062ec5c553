// Graph v1.0 has no operation imports: an unbound function at the service root is refused.
use graph_odata::graph_function;

#[graph_function("microsoft.graph.ping", returns = String, paths = ["GET /ping(text='{text}')"])]
pub struct Ping;

fn main() {}
