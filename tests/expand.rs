//! Navigation properties as fields, filled by a typed `$expand`: the field enum names them, the
//! emulator embeds contained collections, and the model decodes them. The declarations are checked
//! against Graph v1.0 like any other (navigation fields included).

mod support;

use graph_odata::prelude::*;
use serde_json::json;
use support::{client_for, emulator};

#[graph_entity]
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub web_url: Option<String>,
}

#[graph_entity(
    get = "GET /me/todo/lists/{todoTaskListId}/tasks/{todoTaskId}",
    list = "GET /me/todo/lists/{todoTaskListId}/tasks"
)]
#[derive(Debug, Clone, PartialEq)]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
    pub linked_resources: Option<Vec<LinkedResource>>,
}

#[tokio::test]
async fn a_typed_expand_fills_the_navigation_field() {
    let emu = emulator().await;
    let list = emu.insert("/me/todo/lists", json!({"id": "L"}));
    let task = emu.insert(
        &format!("/me/todo/lists/{list}/tasks"),
        json!({"id": "T", "title": "Book flights"}),
    );
    emu.insert(
        &format!("/me/todo/lists/{list}/tasks/{task}/linkedResources"),
        json!({"id": "R", "displayName": "Itinerary", "webUrl": "https://contoso.example/i"}),
    );
    emu.insert(
        &format!("/me/todo/lists/{list}/tasks"),
        json!({"id": "U", "title": "Pack"}),
    );
    let client = client_for(&emu);

    // Without `$expand` the navigation property is absent: `None`, not an empty list.
    let plain = client.send(TodoTask::get(&list, &task)).await.unwrap();
    assert_eq!(plain.linked_resources, None);

    let one = client
        .send(TodoTask::get(&list, &task).expand([TodoTaskField::LinkedResources]))
        .await
        .unwrap();
    assert_eq!(
        emu.last_request()
            .unwrap()
            .query_param("$expand")
            .as_deref(),
        Some("linkedResources")
    );
    let resources = one.linked_resources.unwrap();
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0].display_name.as_deref(), Some("Itinerary"));

    // On a collection, with `$select`: every item carries its (possibly empty) expansion.
    let page = client
        .send(
            TodoTask::list(&list)
                .select([TodoTaskField::Title])
                .expand([TodoTaskField::LinkedResources]),
        )
        .await
        .unwrap();
    let expanded: Vec<(Option<String>, usize)> = page
        .value
        .iter()
        .map(|t| {
            (
                t.title.clone(),
                t.linked_resources.as_ref().map_or(99, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        expanded,
        [
            (Some("Book flights".to_owned()), 1),
            (Some("Pack".to_owned()), 0)
        ]
    );

    // What the emulator cannot evaluate is a 400 that names it.
    let err = client
        .send(
            Request::<serde_json::Value>::get(format!("/me/todo/lists/{list}/tasks/{task}"))
                .query("$expand", "linkedResources($select=webUrl)"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::BAD_REQUEST));
    assert!(err.to_string().contains("by name only"), "{err}");
}

/// Query options built in steps reach the service once each (OData refuses a repeated system
/// query option): lists joined, filters combined with `and`, the last `$top` kept; an empty list
/// adds nothing.
#[tokio::test]
async fn query_options_built_in_steps_are_sent_once_each() {
    let emu = emulator().await;
    let list = emu.insert("/me/todo/lists", json!({"id": "L"}));
    emu.insert(
        &format!("/me/todo/lists/{list}/tasks"),
        json!({"id": "T", "title": "Book flights", "status": "notStarted"}),
    );
    emu.insert(
        &format!("/me/todo/lists/{list}/tasks"),
        json!({"id": "U", "title": "Pack", "status": "completed"}),
    );
    let client = client_for(&emu);
    let no_fields: [TodoTaskField; 0] = [];
    let page = client
        .send(
            TodoTask::list(&list)
                .select([TodoTaskField::Id])
                .filter(
                    Filter::eq(TodoTaskField::Title, "Pack")
                        .or(Filter::eq(TodoTaskField::Title, "Book flights")),
                )
                .top(10)
                .select([TodoTaskField::Title])
                .expand(no_fields)
                .filter(Filter::eq(TodoTaskField::Id, "U"))
                .top(1),
        )
        .await
        .unwrap();
    let seen = emu.last_request().unwrap();
    assert_eq!(
        seen.query.as_deref(),
        Some(
            "$select=id,title&$filter=(title%20eq%20%27Pack%27%20or%20title%20eq%20%27Book%20flights%27)%20and%20(id%20eq%20%27U%27)&$top=1"
        )
    );
    let titles: Vec<_> = page.value.iter().map(|t| t.title.clone()).collect();
    assert_eq!(titles, [Some("Pack".to_owned())]);
}
