use graph_odata::graph_complex;

#[graph_complex]
pub struct Configuration {
    pub authorized_app_ids: Option<Vec<String>>,
    #[graph(extra, rename = "more")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn main() {}
