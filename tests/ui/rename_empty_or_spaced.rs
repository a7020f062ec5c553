use graph_odata::graph_complex;

#[graph_complex]
pub struct ItemBody {
    #[graph(rename = "")]
    pub content: Option<String>,
    #[graph(rename = "content type")]
    pub content_type: Option<String>,
}

fn main() {}
