use graph_odata::graph_complex;

#[graph_complex]
pub struct ItemBody {
    #[graph(odata_type)]
    pub kind: Option<i32>,
    pub content: Option<String>,
}

fn main() {}
