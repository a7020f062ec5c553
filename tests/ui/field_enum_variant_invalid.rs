use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    // `_2` has no letter: the field enum could not name its variant.
    #[graph(rename = "webUrl")]
    pub _2: Option<String>,
}

fn main() {}
