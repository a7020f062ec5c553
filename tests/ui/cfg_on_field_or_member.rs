use graph_odata::{graph_entity, graph_enum};

// A field behind a feature: the macro cannot see which way `cfg` goes.
#[graph_entity]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    #[cfg(feature = "descriptions")]
    pub description: Option<String>,
    // `cfg_attr` that carries a graph attribute: read before it applies.
    #[cfg_attr(not(test), graph(rename = "webUrl"))]
    pub url: Option<String>,
    // Other `cfg_attr`s are fine.
    #[cfg_attr(test, allow(dead_code))]
    pub display_name: Option<String>,
}

#[graph_enum(unchecked)]
pub enum Importance {
    Low,
    #[cfg(any())]
    Normal,
    High,
    // Another library's name for the catch-all: one error, with the right name (no "cannot hold
    // data", no "needs a catch-all" on top).
    #[graph(catch_all)]
    Other(String),
}

fn main() {}
