use graph_odata::graph_entity;

// The field enum named like the entity.
#[graph_entity(field_enum = "TodoTask")]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

mod lists {
    use graph_odata::graph_entity;

    // The PATCH companion named like the default field enum.
    #[graph_entity(patch_type = "TodoTaskListField")]
    pub struct TodoTaskList {
        #[graph(key, read_only)]
        pub id: Option<String>,
        pub display_name: Option<String>,
    }
}

mod items {
    use graph_odata::graph_entity;

    // Both renamed, to one name.
    #[graph_entity(patch_type = "ItemChanges", field_enum = "ItemChanges")]
    pub struct ChecklistItem {
        #[graph(key, read_only)]
        pub id: Option<String>,
        pub display_name: Option<String>,
    }
}

mod raw {
    use graph_odata::graph_entity;

    // A raw identifier is a name like any other.
    #[graph_entity(patch_type = "r#Changes", field_enum = "r#Property")]
    pub struct LinkedResource {
        #[graph(key, read_only)]
        pub id: Option<String>,
        pub web_url: Option<String>,
    }

    pub fn fine() -> (Changes, Property) {
        (LinkedResource::patch(), Property::WebUrl)
    }
}

fn main() {}
