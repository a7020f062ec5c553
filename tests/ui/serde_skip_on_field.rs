use graph_odata::graph_complex;

#[graph_complex]
pub struct ItemBody {
    pub content: Option<String>,
    #[serde(skip)]
    pub cache: Option<String>,
}

fn main() {}
