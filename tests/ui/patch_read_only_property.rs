use graph_odata::graph_entity;

#[graph_entity]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    #[graph(read_only)]
    pub created_date_time: Option<String>,
    pub web_url: Option<String>,
    pub application_name: String,
}

fn main() {
    // `createdDateTime` is read-only and `applicationName` is not nullable: neither can be set/cleared.
    let _ = LinkedResource::patch().created_date_time("2026-11-24T10:00:00Z");
    let _ = LinkedResource::patch().clear_application_name();
}
