// A collection cannot be a literal in a URL: a function's collection parameter needs `aliases`
// (`f(ids=@ids)?@ids=[…]`).
use graph_odata::graph_function;

#[graph_function(returns = Vec<String>, paths = ["GET /directoryObjects/getByIds"])]
pub struct GetByIds {
    pub ids: Vec<String>,
}

fn main() {}
