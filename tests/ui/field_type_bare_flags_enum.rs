// A flags enumeration holds several members: the property is `Flags<…>`.
use graph_odata::{graph_complex, graph_enum};

#[graph_enum(flags)]
#[derive(Debug, PartialEq)]
pub enum Access {
    Read,
    Write,
    #[graph(other)]
    Other(String),
}

#[graph_complex]
pub struct Grant {
    pub access: Option<Access>,
}

fn main() {}
