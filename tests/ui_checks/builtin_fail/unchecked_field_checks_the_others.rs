// `#[graph(unchecked)]` excuses one field (a property newer than the schema), not its neighbours.
use graph_odata::graph_entity;

#[graph_entity]
pub struct User {
    #[graph(key, read_only)]
    pub id: Option<String>,
    #[graph(unchecked)]
    pub favourite_colour: Option<String>,
    pub dispaly_name: Option<String>,
}

fn main() {}
