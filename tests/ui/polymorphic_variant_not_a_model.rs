use graph_odata::graph_complex;
use graph_odata::wire::RawObject;

pub struct PlainStruct {
    pub tenant_id: Option<String>,
}

#[graph_complex(abstract)]
pub enum IdentitySource {
    Plain(PlainStruct),
    #[graph(other)]
    Other(RawObject),
}

fn main() {}
