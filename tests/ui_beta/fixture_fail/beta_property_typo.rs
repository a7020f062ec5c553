// A `version = "beta"` declaration is checked against GRAPH_ODATA_METADATA_BETA, not the v1.0 file.
use graph_odata::graph_entity;

#[graph_entity(version = "beta")]
pub struct LinkedResource {
    pub web_ur: Option<String>,
}

fn main() {}
