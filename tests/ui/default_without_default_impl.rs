// `#[graph(default)]` fills a missing member with `Default::default()`: the type needs one.
use graph_odata::graph_complex;

#[graph_complex]
pub struct Tint {
    pub red: i32,
}

#[graph_complex]
pub struct ItemBody {
    #[graph(default)]
    pub content: String,
    #[graph(default)]
    pub tint: Tint,
}

fn main() {}
