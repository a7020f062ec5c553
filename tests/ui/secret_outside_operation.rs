use graph_odata::graph_complex;

#[graph_complex]
pub struct SharingLink {
    #[graph(secret)]
    pub web_url: Option<String>,
}

fn main() {}
