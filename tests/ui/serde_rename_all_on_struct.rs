use graph_odata::graph_complex;

#[graph_complex]
#[serde(rename_all = "camelCase")]
pub struct ItemBody {
    pub content_type: Option<String>,
}

fn main() {}
