use graph_odata::graph_complex;

#[graph_complex(abstract)]
pub struct IdentitySource {
    pub display_name: Option<String>,
}

fn main() {}
