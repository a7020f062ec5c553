use graph_odata::graph_complex;

#[graph_complex(flags)]
pub struct ItemBody {
    pub content: Option<String>,
}

fn main() {}
