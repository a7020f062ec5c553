//! Wire behaviour of the model macros: `@odata.type`, polymorphism, evolvable enums, flags, PATCH,
//! unknown members and annotations.

#[path = "../examples/graph_models/mod.rs"]
mod graph_models;
mod support;

use graph_odata::prelude::*;
use graph_odata::wire::{GraphEnum, Lossless, ODataType, RawObject, TypeKind};
use serde_json::{Value, json};

use graph_models::*;

fn to_string<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

#[test]
fn odata_facts_are_carried_by_the_types() {
    assert_eq!(
        LinkedResource::QUALIFIED_NAME,
        "microsoft.graph.linkedResource"
    );
    assert_eq!(
        LinkedResource::TYPE_ANNOTATION,
        "#microsoft.graph.linkedResource"
    );
    assert_eq!(LinkedResource::KIND, TypeKind::Entity);
    assert_eq!(LinkedResource::KEY, Some("id"));
    assert_eq!(
        ExternalConnection::QUALIFIED_NAME,
        "microsoft.graph.externalConnectors.externalConnection"
    );
    assert_eq!(
        Configuration::QUALIFIED_NAME,
        "microsoft.graph.externalConnectors.configuration"
    );
    assert_eq!(
        IdentitySource::QUALIFIED_NAME,
        "microsoft.graph.identitySource"
    );
    const { assert!(IdentitySource::ABSTRACT) };
    assert_eq!(
        AzureActiveDirectoryTenant::BASE,
        Some("microsoft.graph.identitySource")
    );
    assert_eq!(SharePointIdentity::BASE, Some("microsoft.graph.identity"));
    assert_eq!(SharingLink::KIND, TypeKind::Complex);
    assert_eq!(SharingLink::KEY, None);
    assert_eq!(ConnectionState::KIND, TypeKind::Enum);
}

#[test]
fn derived_values_write_their_type_first() {
    let org = ConnectedOrganization {
        display_name: Some("Contoso".into()),
        identity_sources: Some(vec![
            IdentitySource::DomainIdentitySource(DomainIdentitySource {
                display_name: Some("Fabrikam".into()),
                domain_name: Some("fabrikam.com".into()),
            }),
            IdentitySource::AzureActiveDirectoryTenant(AzureActiveDirectoryTenant {
                display_name: None,
                tenant_id: Some("2a1b".into()),
            }),
        ]),
        state: Some(ConnectedOrganizationState::Proposed),
        ..Default::default()
    };
    assert_eq!(
        to_string(&org),
        concat!(
            r#"{"displayName":"Contoso","identitySources":["#,
            r##"{"@odata.type":"#microsoft.graph.domainIdentitySource","displayName":"Fabrikam","domainName":"fabrikam.com"},"##,
            r##"{"@odata.type":"#microsoft.graph.azureActiveDirectoryTenant","tenantId":"2a1b"}],"##,
            r#""state":"proposed"}"#
        )
    );
    // A plain base type carries no @odata.type unless asked.
    assert!(!to_string(&LinkedResource::default()).contains("@odata.type"));
}

#[test]
fn polymorphic_reads_dispatch_on_the_type_wherever_it_is() {
    let first: IdentitySource = serde_json::from_value(json!(
        {"@odata.type": "#microsoft.graph.externalDomainFederation", "domainName": "a.com", "issuerUri": "https://a"}
    ))
    .unwrap();
    let last: IdentitySource = serde_json::from_str(
        r#"{"domainName": "a.com", "issuerUri": "https://a", "@odata.type": "microsoft.graph.externalDomainFederation"}"#,
    )
    .unwrap();
    assert_eq!(first, last);
    let IdentitySource::ExternalDomainFederation(f) = first else {
        panic!("dispatched to the wrong variant: {first:?}")
    };
    assert_eq!(f.domain_name.as_deref(), Some("a.com"));
}

#[test]
fn unknown_derived_types_are_kept_whole() {
    let text = r##"{"@odata.type": "#microsoft.graph.futureIdentitySource", "displayName": "x", "weight": 3}"##;
    let v: IdentitySource = serde_json::from_str(text).unwrap();
    let IdentitySource::Other(raw) = &v else {
        panic!("expected Other: {v:?}")
    };
    assert_eq!(
        raw.odata_type(),
        Some("microsoft.graph.futureIdentitySource")
    );
    assert_eq!(raw.0["weight"], 3);
    // …and written back unchanged.
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        serde_json::from_str::<Value>(text).unwrap()
    );
    // Also when the type comes last (buffered path).
    let v: IdentitySource =
        serde_json::from_str(r#"{"a": 1, "@odata.type": "microsoft.graph.other"}"#).unwrap();
    assert!(matches!(v, IdentitySource::Other(RawObject(ref o)) if o["a"] == 1));
}

#[test]
fn a_missing_type_on_an_abstract_base_is_a_clear_error() {
    let err = serde_json::from_str::<IdentitySource>(r#"{"displayName": "x"}"#).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "missing `@odata.type`: microsoft.graph.identitySource is abstract, so every value must name its derived type"
        ),
        "{err}"
    );
    let err = serde_json::from_str::<ConnectedOrganization>(
        r##"{"identitySources": [{"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant"}, {}]}"##,
    )
    .unwrap_err();
    assert!(err.to_string().contains("abstract"), "{err}");
}

/// A non-abstract base with a derived type: values without `@odata.type` are the base itself.
#[graph_complex("microsoft.graph.identitySet", write_type)]
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
enum AnyIdentitySet {
    IdentitySet(IdentitySet),
    SharePointIdentitySet(SharePointIdentitySet),
    #[graph(other)]
    Other(RawObject),
}

#[test]
fn a_concrete_base_reads_untyped_values_as_itself() {
    let v: AnyIdentitySet =
        serde_json::from_value(json!({"user": {"displayName": "Ada"}})).unwrap();
    let AnyIdentitySet::IdentitySet(set) = &v else {
        panic!("{v:?}")
    };
    assert_eq!(
        set.user.as_ref().unwrap().display_name.as_deref(),
        Some("Ada")
    );
    // `write_type` on the enum asks for the base's @odata.type too.
    assert!(to_string(&v).starts_with(r##"{"@odata.type":"#microsoft.graph.identitySet""##));
    let sp: AnyIdentitySet = serde_json::from_value(json!(
        {"@odata.type": "#microsoft.graph.sharePointIdentitySet", "siteUser": {"loginName": "i:0#.f|membership|ada"}}
    ))
    .unwrap();
    assert!(matches!(sp, AnyIdentitySet::SharePointIdentitySet(ref s) if s.site_user.is_some()));
    // Written once, first, even though the derived struct writes its own type.
    let text = to_string(&sp);
    assert_eq!(text.matches("@odata.type").count(), 2, "{text}"); // set + nested siteUser (derived)
    assert!(text.starts_with(r##"{"@odata.type":"#microsoft.graph.sharePointIdentitySet""##));
}

#[test]
fn evolvable_enums_keep_unknown_members() {
    let s: ConnectionState = serde_json::from_value(json!("limitExceeded")).unwrap();
    assert_eq!(s, ConnectionState::LimitExceeded);
    assert_eq!(s.to_string(), "limitExceeded");
    let s: ConnectionState = serde_json::from_value(json!("paused")).unwrap();
    assert_eq!(s, ConnectionState::Other("paused".into()));
    assert_eq!(to_string(&s), r#""paused""#);
    assert_eq!(RuleOperation::from_wire("null"), RuleOperation::Null);
    assert_eq!(RuleOperation::StartsWith.as_wire(), "startsWith");
    let err = serde_json::from_value::<ConnectionState>(json!(3)).unwrap_err();
    assert!(
        err.to_string()
            .contains("a member name of microsoft.graph.externalConnectors.connectionState"),
        "{err}"
    );
}

/// A flags enum, e.g. `microsoft.graph.plannerPreviewType`-style sets.
#[graph_enum(
    "contoso.test.access",
    flags,
    metadata = "tests/fixtures/contoso.csdl.xml"
)]
#[derive(Debug, Clone, PartialEq)]
enum Access {
    Read,
    Write,
    #[graph(rename = "fullControl")]
    Full,
    #[graph(other)]
    Other(String),
}

#[graph_complex("contoso.test.grant", metadata = "tests/fixtures/contoso.csdl.xml")]
#[derive(Debug, PartialEq)]
struct Grant {
    access: Flags<Access>,
}

#[test]
fn flags_enums_are_comma_separated_names() {
    let g = Grant {
        access: Flags(vec![Access::Read, Access::Full]),
    };
    assert_eq!(to_string(&g), r#"{"access":"read,fullControl"}"#);
    let back: Grant = serde_json::from_str(r#"{"access":"write, read,admin"}"#).unwrap();
    assert_eq!(
        back.access.0,
        [Access::Write, Access::Read, Access::Other("admin".into())]
    );
}

#[test]
fn patch_bodies_are_tri_state() {
    let patch = LinkedResource::patch()
        .display_name("Contoso ticket 42")
        .clear_web_url();
    assert_eq!(
        to_string(&patch),
        r#"{"displayName":"Contoso ticket 42","webUrl":null}"#
    );
    assert!(LinkedResource::patch().is_empty());
    assert_eq!(to_string(&LinkedResource::patch()), "{}");
    assert!(!patch.is_empty());
    // Complex and enum values, and the value wins over an earlier clear.
    let org = ConnectedOrganization::patch()
        .clear_state()
        .state(ConnectedOrganizationState::Configured)
        .identity_sources(vec![IdentitySource::DomainIdentitySource(
            DomainIdentitySource {
                display_name: None,
                domain_name: Some("b.com".into()),
            },
        )]);
    assert_eq!(
        to_string(&org),
        r##"{"identitySources":[{"@odata.type":"#microsoft.graph.domainIdentitySource","domainName":"b.com"}],"state":"configured"}"##
    );
}

#[test]
fn unknown_members_and_annotations_are_tolerated_or_kept() {
    let v: SharingLink = serde_json::from_value(json!({
        "type": "view",
        "webUrl@odata.type": "#String",
        "@microsoft.graph.tips": "a tip",
        "futureProperty": {"nested": true},
        "webUrl": "https://1drv.ms/x"
    }))
    .unwrap();
    assert_eq!(v.r#type.as_deref(), Some("view"));
    assert_eq!(v.web_url.as_deref(), Some("https://1drv.ms/x"));

    let id: Identity = serde_json::from_value(json!({
        "displayName": "Ada", "@odata.etag": "W/\"1\"", "tenantId": "t1"
    }))
    .unwrap();
    assert_eq!(id.extra.len(), 1, "annotations never land in `extra`");
    assert_eq!(id.extra["tenantId"], "t1");
    assert_eq!(
        serde_json::to_value(&id).unwrap(),
        json!({"displayName": "Ada", "tenantId": "t1"})
    );
}

/// An entity that asks for the response annotations.
#[graph_entity("microsoft.graph.todoTaskList")]
#[derive(Debug, Default)]
struct TodoTaskList {
    #[graph(odata_context)]
    context: Option<String>,
    #[graph(odata_etag)]
    etag: Option<String>,
    #[graph(odata_id)]
    odata_id: Option<String>,
    #[graph(key, read_only)]
    id: Option<String>,
    display_name: Option<String>,
    #[graph(rename = "isOwner", read_only)]
    owner: Option<bool>,
    #[graph(default)]
    is_shared: bool,
}

#[test]
fn annotations_are_readable_and_written_only_losslessly() {
    let text = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#me/todo/lists/$entity",
        "@odata.etag":"W/\"m1fdwWoFiE2YS9yegTKoYwAA/ZGlTQ==\"","@odata.id":"https://x/lists('a')",
        "id":"a","displayName":"Tasks","isOwner":true}"#;
    let list: TodoTaskList = serde_json::from_str(text).unwrap();
    assert_eq!(
        list.etag.as_deref(),
        Some("W/\"m1fdwWoFiE2YS9yegTKoYwAA/ZGlTQ==\"")
    );
    assert!(list.context.as_deref().unwrap().ends_with("$entity"));
    assert_eq!(list.odata_id.as_deref(), Some("https://x/lists('a')"));
    assert_eq!(list.owner, Some(true));
    assert!(!list.is_shared, "missing `default` field");
    assert_eq!(
        to_string(&list),
        r#"{"displayName":"Tasks","isShared":false}"#
    );
    let lossless = to_string(&Lossless(&list));
    assert!(lossless.starts_with(r#"{"@odata.context":"#), "{lossless}");
    assert!(lossless.contains(r#""isOwner":true"#));
    assert!(lossless.contains(r#""@odata.etag""#));
}

#[test]
fn required_properties_must_be_present() {
    let err = serde_json::from_value::<ItemIdResolver>(json!({"priority": 1})).unwrap_err();
    assert_eq!(err.to_string(), "missing field `itemId`");
    let err = serde_json::from_value::<DisplayTemplate>(
        json!({"id": "t", "layout": {}, "priority": "high"}),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid type: string \"high\", expected i32"),
        "{err}"
    );
    let err = serde_json::from_value::<LinkedResource>(json!([1])).unwrap_err();
    assert!(
        err.to_string()
            .contains("a JSON object of type microsoft.graph.linkedResource"),
        "{err}"
    );
}

#[test]
fn untyped_properties_hold_any_json() {
    let t: DisplayTemplate = serde_json::from_value(json!({
        "id": "contosoTickets", "priority": 1,
        "layout": {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "${title}"}]}
    }))
    .unwrap();
    assert_eq!(t.layout["body"][0]["text"], "${title}");
}

#[tokio::test]
async fn models_travel_through_the_client_and_the_emulator() {
    let emu = support::emulator().await;
    let client = support::client_for(&emu);
    emu.create_collection("/identityGovernance/entitlementManagement/connectedOrganizations");
    let body = ConnectedOrganization {
        display_name: Some("Fabrikam".into()),
        identity_sources: Some(vec![IdentitySource::AzureActiveDirectoryTenant(
            AzureActiveDirectoryTenant {
                display_name: None,
                tenant_id: Some("t-1".into()),
            },
        )]),
        ..Default::default()
    };
    let created: ConnectedOrganization = client
        .send(Request::post(
            "/identityGovernance/entitlementManagement/connectedOrganizations",
            &body,
        ))
        .await
        .unwrap();
    assert!(created.id.is_some());
    assert_eq!(created.identity_sources, body.identity_sources);
    let sent = emu.last_request().unwrap().body.unwrap();
    assert_eq!(
        sent["identitySources"][0]["@odata.type"],
        "#microsoft.graph.azureActiveDirectoryTenant"
    );
    let id = created.id.unwrap();
    let path = format!("/identityGovernance/entitlementManagement/connectedOrganizations/{id}");
    client
        .send(
            Request::<()>::patch(&path, &ConnectedOrganization::patch().clear_display_name())
                .no_content(),
        )
        .await
        .unwrap();
    let after: ConnectedOrganization = client.send(Request::get(&path)).await.unwrap();
    assert_eq!(after.display_name, None);
    assert_eq!(emu.get(&path).unwrap()["displayName"], Value::Null);
}

/// A key that is not an `Option` (the client may choose it, as for external connections) is sent
/// when it has a value and left out when blank, so a create never sends `"id": ""`.
#[graph_entity(namespace = "microsoft.graph.externalConnectors")]
#[derive(Debug, Default)]
struct ExternalConnection {
    #[graph(key)]
    id: String,
    name: Option<String>,
}

#[test]
fn a_blank_non_option_key_is_never_sent() {
    let blank = ExternalConnection {
        name: Some("Contoso HR".into()),
        ..Default::default()
    };
    assert_eq!(to_string(&blank), r#"{"name":"Contoso HR"}"#);
    let chosen = ExternalConnection {
        id: "contosohr".into(),
        name: None,
    };
    assert_eq!(to_string(&chosen), r#"{"id":"contosohr"}"#);
    // Read back, the key is there as the service sent it.
    let read: ExternalConnection = serde_json::from_str(r#"{"id":"x","name":null}"#).unwrap();
    assert_eq!(read.id, "x");
}

/// A user type named like a companion: the companions take other names.
pub struct TodoTaskPatch;
pub enum TodoTaskField {}

#[graph_entity(patch_type = "TaskChanges", field_enum = "TaskProperty")]
#[derive(Debug, Default)]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

#[test]
fn companions_can_be_renamed() {
    let changes: TaskChanges = TodoTask::patch().title("Milk");
    assert_eq!(to_string(&changes), r#"{"title":"Milk"}"#);
    let r: Request<Page<TodoTask>> =
        Request::get("/me/todo/lists/L/tasks").select([TaskProperty::Title]);
    assert_eq!(r.url_path(), "/me/todo/lists/L/tasks?$select=title");
    let _unused: Option<(TodoTaskPatch, TodoTaskField)> = None;
}

/// The field enum is a companion in a module of its own, imported under its name: its variants
/// glob-import, it is as visible as its model (private, `pub(super)`, in a function body), and
/// `Selectable::Field` is that enum.
#[test]
fn field_enums_import_like_hand_written_enums() {
    use graph_odata::query::{FieldName, Selectable};

    mod lists {
        use graph_odata::graph_entity;

        #[graph_entity]
        pub(super) struct TodoTaskList {
            #[graph(key, read_only)]
            pub id: Option<String>,
            pub display_name: Option<String>,
        }
    }

    #[graph_entity]
    struct ChecklistItem {
        #[graph(key, read_only)]
        id: Option<String>,
        display_name: Option<String>,
        is_checked: Option<bool>,
    }

    fn wire_of<T: Selectable>(field: T::Field) -> &'static str {
        field.wire()
    }

    use ChecklistItemField::*;
    let names: Vec<_> = [Id, DisplayName, IsChecked]
        .into_iter()
        .map(wire_of::<ChecklistItem>)
        .collect();
    assert_eq!(names, ["id", "displayName", "isChecked"]);
    assert_eq!(
        wire_of::<lists::TodoTaskList>(lists::TodoTaskListField::DisplayName),
        "displayName"
    );
    let _unused = ChecklistItem {
        id: None,
        display_name: None,
        is_checked: None,
    };
    let _unused = lists::TodoTaskList {
        id: None,
        display_name: None,
    };
}

/// `Option<Option<T>>` keeps a member sent as `null` apart from one left out, both ways.
#[test]
fn double_options_tell_null_from_absent() {
    #[graph_complex]
    struct DateTimeTimeZone {
        date_time: Option<String>,
        time_zone: Option<String>,
    }

    #[graph_entity]
    struct TodoTask {
        #[graph(key, read_only)]
        id: Option<String>,
        due_date_time: Option<Option<DateTimeTimeZone>>,
        title: Option<String>,
    }

    let absent: TodoTask = serde_json::from_str(r#"{"id":"1"}"#).expect("decodes");
    assert!(absent.due_date_time.is_none());
    let null: TodoTask =
        serde_json::from_str(r#"{"id":"1","dueDateTime":null,"title":null}"#).expect("decodes");
    assert!(matches!(null.due_date_time, Some(None)));
    assert_eq!(null.title, None, "a single Option reads null as None");
    let set: TodoTask = serde_json::from_str(
        r#"{"dueDateTime":{"dateTime":"2026-12-01T00:00:00.0000000","timeZone":"UTC"}}"#,
    )
    .expect("decodes");
    assert!(matches!(set.due_date_time, Some(Some(_))));

    // Written back as read: left out, `null`, the value.
    assert_eq!(to_string(&absent), r#"{}"#);
    assert_eq!(to_string(&null), r#"{"dueDateTime":null}"#);
    assert_eq!(
        to_string(&set),
        r#"{"dueDateTime":{"dateTime":"2026-12-01T00:00:00.0000000","timeZone":"UTC"}}"#
    );
}

/// `rename_all` names fields and members for services that do not use Graph's camelCase, checked
/// against their schema; `rename` still wins.
#[test]
fn rename_all_follows_the_service_s_case() {
    use graph_odata::query::FieldName;

    #[graph_enum(
        "Trippin.PersonGender",
        metadata = "tests/fixtures/trippin.csdl.xml",
        rename_all = "PascalCase"
    )]
    enum PersonGender {
        Male,
        Female,
        Unknown,
        #[graph(other)]
        Other(String),
    }

    #[graph_entity(
        "Trippin.Person",
        metadata = "tests/fixtures/trippin.csdl.xml",
        rename_all = "PascalCase"
    )]
    struct Person {
        #[graph(key)]
        user_name: String,
        first_name: String,
        gender: PersonGender,
        emails: Option<Vec<String>>,
    }

    let person = Person {
        user_name: "russellwhyte".into(),
        first_name: "Russell".into(),
        gender: PersonGender::Male,
        emails: Some(vec!["Russell@example.com".into()]),
    };
    let wire = r#"{"UserName":"russellwhyte","FirstName":"Russell","Gender":"Male","Emails":["Russell@example.com"]}"#;
    assert_eq!(to_string(&person), wire);
    let back: Person =
        serde_json::from_str(r#"{"UserName":"u","FirstName":"F","Gender":"Female"}"#)
            .expect("decodes");
    assert!(matches!(back.gender, PersonGender::Female));
    assert_eq!(
        PersonField::FirstName.wire(),
        "FirstName",
        "the field enum names the wire name"
    );
    assert_eq!(
        serde_json::to_string(&Person::patch().first_name("R")).expect("serialises"),
        r#"{"FirstName":"R"}"#
    );

    #[graph_complex(unchecked, namespace = "Sap", rename_all = "SCREAMING_SNAKE_CASE")]
    struct Customer {
        customer_id: Option<String>,
        #[graph(rename = "Name1")]
        name: Option<String>,
    }
    assert_eq!(
        to_string(&Customer {
            customer_id: Some("42".into()),
            name: Some("Contoso".into()),
        }),
        r#"{"CUSTOMER_ID":"42","Name1":"Contoso"}"#
    );
}

/// `microsoft.graph.geoCoordinates`: three `Edm.Double` properties.
#[graph_complex]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GeoCoordinates {
    pub altitude: Option<f64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[test]
fn special_doubles_travel_as_odata_strings_not_null() {
    let at = GeoCoordinates {
        altitude: Some(f64::INFINITY),
        latitude: Some(f64::NEG_INFINITY),
        longitude: Some(f64::NAN),
    };
    let text = to_string(&at);
    assert_eq!(
        text,
        r#"{"altitude":"INF","latitude":"-INF","longitude":"NaN"}"#
    );
    let back: GeoCoordinates = serde_json::from_str(&text).expect("reads the strings back");
    assert_eq!(back.altitude, Some(f64::INFINITY));
    assert_eq!(back.latitude, Some(f64::NEG_INFINITY));
    assert!(back.longitude.is_some_and(f64::is_nan));
    let plain: GeoCoordinates =
        serde_json::from_str(r#"{"altitude":12.5,"latitude":3,"longitude":null}"#).expect("reads");
    assert_eq!(
        (plain.altitude, plain.latitude, plain.longitude),
        (Some(12.5), Some(3.0), None)
    );
    let err = serde_json::from_str::<GeoCoordinates>(r#"{"altitude":"Infinity"}"#).unwrap_err();
    assert!(err.to_string().contains("INF"), "{err}");
}
