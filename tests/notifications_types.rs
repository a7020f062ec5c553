//! The change-notification payload types: wire names checked against the built-in Graph v1.0
//! schema, `resourceData` typed by a declared model, unknown values kept, secrets hidden.

use std::collections::BTreeSet;

use graph_odata::notify::{
    ChangeNotification, ChangeNotificationCollection, ChangeType, EncryptedContent, LifecycleEvent,
    Subscription,
};
use graph_odata::prelude::*;
use graph_odata_metadata::Metadata;
use serde_json::{Value, json};

#[graph_entity(get = "GET /me/todo/lists/{todoTaskListId}/tasks/{todoTaskId}")]
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .filter(|k| !k.starts_with('@'))
        .cloned()
        .collect()
}

fn schema_properties(type_name: &str) -> BTreeSet<String> {
    let metadata = Metadata::graph_v1_0().expect("the built-in index loads");
    assert!(
        metadata.type_def(type_name).is_some(),
        "`{type_name}` is in the built-in schema"
    );
    metadata
        .property_names(type_name)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn content() -> EncryptedContent {
    EncryptedContent {
        data: "ZGF0YQ==".into(),
        data_signature: "c2ln".into(),
        data_key: "a2V5".into(),
        encryption_certificate_id: "cert-1".into(),
        encryption_certificate_thumbprint: "AB12".into(),
    }
}

fn full_notification() -> ChangeNotification<Value> {
    let mut n = ChangeNotification::new("7f1b");
    n.id = Some("n1".into());
    n.subscription_expiration_date_time = Some("2026-12-08T10:00:00Z".into());
    n.client_state = Some("s3cret".into());
    n.change_type = Some(ChangeType::Created);
    n.resource = Some("me/todo/lists/L/tasks/T".into());
    n.tenant_id = Some("84bd8158-6d4d-4958-8b9f-9d6445542f95".into());
    n.resource_data = Some(json!({"id": "T"}));
    n.encrypted_content = Some(content());
    n.lifecycle_event = Some(LifecycleEvent::Missed);
    n
}

#[test]
fn change_notification_names_are_the_schemas_exactly() {
    let ours = keys(&serde_json::to_value(full_notification()).expect("serialises"));
    assert_eq!(
        ours,
        schema_properties("microsoft.graph.changeNotification")
    );
}

#[test]
fn collection_and_encrypted_content_names_are_the_schemas_exactly() {
    let batch = ChangeNotificationCollection {
        value: vec![full_notification()],
        validation_tokens: Some(vec!["eyJ".into()]),
    };
    let ours = keys(&serde_json::to_value(&batch).expect("serialises"));
    assert_eq!(
        ours,
        schema_properties("microsoft.graph.changeNotificationCollection")
    );
    let ours = keys(&serde_json::to_value(content()).expect("serialises"));
    assert_eq!(
        ours,
        schema_properties("microsoft.graph.changeNotificationEncryptedContent")
    );
}

#[test]
fn resource_data_is_an_open_type_our_model_fills() {
    let metadata = Metadata::graph_v1_0().expect("the built-in index loads");
    let def = metadata
        .type_def("microsoft.graph.resourceData")
        .expect("resourceData is in the schema");
    assert!(def.open, "resourceData is open: the user's model types it");
}

#[test]
fn lifecycle_events_and_subscription_members_are_the_schemas() {
    let metadata = Metadata::graph_v1_0().expect("the built-in index loads");
    let members: BTreeSet<String> = metadata
        .type_def("microsoft.graph.lifecycleEventType")
        .expect("lifecycleEventType is in the schema")
        .members
        .iter()
        .filter(|m| m.as_str() != "unknownFutureValue")
        .cloned()
        .collect();
    let ours: BTreeSet<String> = [
        LifecycleEvent::Missed,
        LifecycleEvent::SubscriptionRemoved,
        LifecycleEvent::ReauthorizationRequired,
    ]
    .iter()
    .map(|e| {
        serde_json::to_value(e)
            .expect("serialises")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    })
    .collect();
    assert_eq!(ours, members);

    let sub = Subscription {
        id: Some("s".into()),
        lifecycle_notification_url: Some("https://x".into()),
        expiration_date_time: Some("2026-12-08T10:00:00Z".into()),
        client_state: Some("c".into()),
        include_resource_data: Some(true),
        encryption_certificate: Some("MII".into()),
        encryption_certificate_id: Some("cert-1".into()),
        latest_supported_tls_version: Some("v1_2".into()),
        ..Subscription::default()
    };
    let schema = schema_properties("microsoft.graph.subscription");
    for name in keys(&serde_json::to_value(&sub).expect("serialises")) {
        assert!(
            schema.contains(&name),
            "`{name}` is a subscription property"
        );
    }
}

#[test]
fn resource_data_decodes_into_the_declared_model() {
    let body = json!({"value": [{
        "subscriptionId": "7f1b", "clientState": "s3cret", "changeType": "updated",
        "resource": "me/todo/lists/L/tasks/T", "tenantId": "84bd",
        "resourceData": {"@odata.type": "#microsoft.graph.todoTask", "@odata.id": "x", "@odata.etag": "W/\"1\"", "id": "T"}
    }]});
    let batch: ChangeNotificationCollection<TodoTask> =
        serde_json::from_value(body).expect("decodes into the model");
    let n = &batch.value[0];
    assert_eq!(n.change_type, Some(ChangeType::Updated));
    assert_eq!(
        n.resource_data,
        Some(TodoTask {
            id: Some("T".into()),
            title: None
        })
    );
    assert_eq!(batch.validation_tokens, None);
}

#[test]
fn unknown_change_types_and_lifecycle_events_are_kept() {
    let n: ChangeNotification<Value> = serde_json::from_value(json!({
        "subscriptionId": "s", "changeType": "archived", "lifecycleEvent": "somethingNew"
    }))
    .expect("decodes");
    assert_eq!(n.change_type, Some(ChangeType::Other("archived".into())));
    assert_eq!(
        n.lifecycle_event,
        Some(LifecycleEvent::Other("somethingNew".into()))
    );
    let lifecycle: ChangeNotification<Value> = serde_json::from_value(json!({
        "subscriptionId": "s", "lifecycleEvent": "reauthorizationRequired"
    }))
    .expect("decodes");
    assert_eq!(
        lifecycle.lifecycle_event,
        Some(LifecycleEvent::ReauthorizationRequired)
    );
}

#[test]
fn debug_hides_the_client_state_and_the_encrypted_members() {
    let text = format!("{:?}", full_notification());
    assert!(!text.contains("s3cret"), "{text}");
    assert!(text.contains("** redacted **"), "{text}");
    assert!(!text.contains("ZGF0YQ"), "{text}");
    let sub = Subscription {
        client_state: Some("hush-hush".into()),
        encryption_certificate: Some("MIIcertificate".into()),
        ..Subscription::default()
    };
    let text = format!("{sub:?}");
    assert!(
        !text.contains("hush-hush") && !text.contains("MIIcert"),
        "{text}"
    );
}
