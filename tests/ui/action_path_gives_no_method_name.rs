use graph_odata::graph_action;

// A service whose path before the action is `self`: the method cannot be called `self`.
#[graph_action(namespace = "Contoso", unchecked, paths = ["POST /self/refresh"])]
pub struct Refresh {
    pub force: bool,
}

// As the message says: the same path, the method named.
mod named {
    use graph_odata::graph_action;

    #[graph_action(namespace = "Contoso", unchecked, paths = [refresh = "POST /self/refresh"])]
    pub struct Refresh {
        pub force: bool,
    }
}

fn main() {}
