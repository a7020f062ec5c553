use graph_odata::graph_complex;

#[graph_complex]
pub struct OpenThing {
    pub name: Option<String>,
    #[graph(extra)]
    pub rest: Vec<String>,
}

fn main() {}
