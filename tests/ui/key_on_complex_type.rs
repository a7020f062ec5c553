use graph_odata::graph_complex;

#[graph_complex]
pub struct DriveRecipient {
    #[graph(key)]
    pub object_id: Option<String>,
    pub email: Option<String>,
}

fn main() {}
