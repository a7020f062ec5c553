use graph_odata::prelude::*;

/// A `${NAME}` in `metadata = "…"` that the environment does not set is one error naming it.
#[graph_entity(namespace = "microsoft.graph", metadata = "${GRAPH_ODATA_NO_SUCH_VARIABLE}/fixture.csdl.xml")]
pub struct Thing {
    pub id: String,
}

fn main() {}
