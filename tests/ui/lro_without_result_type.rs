use graph_odata::graph_action;

#[graph_action("microsoft.graph.copy", returns = Lro, paths = ["POST /me/drive/items/{itemId}/copy"])]
pub struct Copy {
    pub name: Option<String>,
}

fn main() {}
