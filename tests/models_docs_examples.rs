//! Every JSON body and response on the five operations' documentation pages decodes into the models and re-encodes
//! to the same JSON (modulo key order and the `#` of `@odata.type`).

#[path = "../examples/graph_models/mod.rs"]
mod graph_models;

use graph_odata::wire::Lossless;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use graph_models::*;

/// `@odata.type` values without `#`, recursively, so `microsoft.graph.x` and `#microsoft.graph.x` compare equal.
fn normalise(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("@odata.type", Value::String(s)) => {
                            Value::String(s.trim_start_matches('#').to_owned())
                        }
                        _ => normalise(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
        other => other.clone(),
    }
}

/// Decodes `text` into `T`, re-encodes it losslessly and compares with the original.
fn round_trip<T>(text: &str) -> T
where
    T: DeserializeOwned + serde::Serialize + graph_odata::wire::ODataStruct,
{
    let decoded: T = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("decoding into {}: {e}\n{text}", std::any::type_name::<T>()),
    };
    let original: Value = serde_json::from_str(text).expect("the vector is JSON");
    let again = serde_json::to_value(Lossless(&decoded)).expect("encodes");
    assert_eq!(normalise(&again), normalise(&original));
    decoded
}

// Beta `POST /linkedResources`: the request repeats `webUrl`.
const LINKED_RESOURCE_REQUEST_000: &str = r##"{
  "@odata.type": "#microsoft.graph.linkedResource",
  "webUrl": "String",
  "webUrl": "http:://microsoft.com",
  "applicationName": "Microsoft",
  "displayName": "Microsoft",
  "externalId": "dk9cddce2-dce2-f9dd-e2dc-cdf9e2dccdf9"
}"##;

const LINKED_RESOURCE_RESPONSE_000: &str = r##"{
  "@odata.type": "#microsoft.graph.linkedResource",
  "id": "f9cddce2-dce2-f9cd-e2dc-cdf9e2dccdf9",
  "webUrl": "http:://microsoft.com",
  "applicationName": "Microsoft",
  "displayName": "Microsoft",
  "externalId": "dk9cddce2-dce2-f9dd-e2dc-cdf9e2dccdf9"
}"##;

#[test]
fn beta_linked_resource_duplicate_key_last_wins() {
    // Graph (like most JSON readers) keeps the last of repeated members; so does graph-odata.
    let r: LinkedResource = serde_json::from_str(LINKED_RESOURCE_REQUEST_000).unwrap();
    assert_eq!(r.web_url.as_deref(), Some("http:://microsoft.com"));
    assert_eq!(
        r.odata_type.as_deref(),
        Some("microsoft.graph.linkedResource")
    );
    let again = serde_json::to_value(Lossless(&r)).unwrap();
    assert_eq!(again["webUrl"], "http:://microsoft.com");
    assert_eq!(again["@odata.type"], "#microsoft.graph.linkedResource");

    let created: LinkedResource = round_trip(LINKED_RESOURCE_RESPONSE_000);
    assert_eq!(
        created.id.as_deref(),
        Some("f9cddce2-dce2-f9cd-e2dc-cdf9e2dccdf9")
    );
}

#[test]
fn linked_resource_v1() {
    // The v1.0 page's example bodies (its braces were lost in the page's conversion).
    let request: LinkedResource = round_trip(
        r#"{"webUrl": "", "applicationName": "Microsoft", "displayName": "Microsoft",
            "externalId": "dk9cddce2-dce2-f9dd-e2dc-cdf9e2dccdf9"}"#,
    );
    // A create body: no id, no @odata.type for a plain base type, in declaration order.
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"applicationName":"Microsoft","displayName":"Microsoft","externalId":"dk9cddce2-dce2-f9dd-e2dc-cdf9e2dccdf9","webUrl":""}"#
    );
    let response: LinkedResource = round_trip(
        r##"{"@odata.type": "#microsoft.graph.linkedResource", "id": "f9cddce2-dce2-f9cd-e2dc-cdf9e2dccdf9",
            "webUrl": "http:://", "applicationName": "Microsoft", "displayName": "Microsoft",
            "externalId": "dk9cddce2-dce2-f9dd-e2dc-cdf9e2dccdf9"}"##,
    );
    // Read-only `id` is read, but a request body never carries it.
    assert!(response.id.is_some());
    assert!(serde_json::to_value(&response).unwrap().get("id").is_none());
}

const CREATE_LINK_REQUEST_002: &str = r#"{
  "type": "Type value",
  "scope": "Scope value",
  "expirationDateTime": "2017-01-01T00:03:08.7291689+03:00",
  "password": "Password value",
  "message": "Message value",
  "recipients": [
    {
      "@odata.type": "microsoft.graph.driveRecipient",
      "alias": "Alias value",
      "objectId": "Object Id value"
    }
  ]
}"#;

const CREATE_LINK_RESPONSE_002: &str = r##"{
  "value": {
    "@odata.type": "#microsoft.graph.permission",
    "id": "3646b6e2-b6e2-3646-e2b6-4636e2b64636",
    "expirationDateTime": "2017-01-01T00:03:08.7291689+03:00",
    "grantedTo": { "@odata.type": "microsoft.graph.identitySet" },
    "grantedToIdentities": [ { "@odata.type": "microsoft.graph.identitySet" } ],
    "hasPassword": true,
    "inheritedFrom": { "@odata.type": "microsoft.graph.itemReference" },
    "invitation": { "@odata.type": "microsoft.graph.sharingInvitation" },
    "link": { "@odata.type": "microsoft.graph.sharingLink" },
    "roles": [ "Roles value" ],
    "shareId": "Share Id value"
  }
}"##;

#[test]
fn create_link_body_and_wrapped_permission() {
    let body: CreateLinkBody = round_trip(CREATE_LINK_REQUEST_002);
    let when = body.expiration_date_time.as_ref().unwrap();
    assert_eq!(when.offset_minutes(), 180);
    // Offset and all seven fraction digits survive the round trip.
    assert_eq!(
        serde_json::to_value(&body).unwrap()["expirationDateTime"],
        "2017-01-01T00:03:08.7291689+03:00"
    );
    let recipient = &body.recipients.as_ref().unwrap()[0];
    assert_eq!(
        recipient.odata_type.as_deref(),
        Some("microsoft.graph.driveRecipient"),
        "read without `#`"
    );

    let wrapped: Value = serde_json::from_str(CREATE_LINK_RESPONSE_002).unwrap();
    let inner = serde_json::to_string(&wrapped["value"]).unwrap();
    let permission: Permission = round_trip(&inner);
    assert_eq!(permission.has_password, Some(true));
    assert_eq!(
        permission.roles.as_deref(),
        Some(&["Roles value".to_owned()][..])
    );
    assert!(permission.granted_to.unwrap().user.is_none());
}

const EXTERNAL_CONNECTION_REQUEST_003: &str = r##"{
  "@odata.type": "#microsoft.graph.externalConnection",
  "name": "Name value",
  "description": "Description value",
  "configuration": {
    "@odata.type": "microsoft.graph.configuration",
    "authorizedApps": [ "Authorized Apps value" ]
  }
}"##;

#[test]
fn external_connection_keeps_the_retired_authorized_apps() {
    let request: ExternalConnection = round_trip(EXTERNAL_CONNECTION_REQUEST_003);
    let config = request.configuration.as_ref().unwrap();
    assert_eq!(
        config.authorized_app_ids, None,
        "v1.0 calls it authorizedAppIds"
    );
    assert_eq!(
        config.extra["authorizedApps"],
        json!(["Authorized Apps value"])
    );
    let response: ExternalConnection = round_trip(
        r##"{"@odata.type": "#microsoft.graph.externalConnection", "id": "1cc90bb3-0bb3-1cc9-b30b-c91cb30bc91c",
            "name": "Name value", "description": "Description value",
            "configuration": {"@odata.type": "microsoft.graph.configuration", "authorizedApps": ["Authorized Apps value"]}}"##,
    );
    // The client chooses the id of a connection, so it is written in a create body.
    assert_eq!(
        serde_json::to_value(&response).unwrap()["id"],
        "1cc90bb3-0bb3-1cc9-b30b-c91cb30bc91c"
    );
}

const CONNECTED_ORGANIZATION_REQUEST_004: &str = r##"{
  "@odata.type": "#microsoft.graph.connectedOrganization",
  "displayName": "String",
  "description": "String",
  "createdBy": "String",
  "modifiedBy": "String",
  "identitySources": [ { "@odata.type": "microsoft.graph.azureActiveDirectoryTenant" } ]
}"##;

const CONNECTED_ORGANIZATION_RESPONSE_004: &str = r##"{
  "@odata.type": "#microsoft.graph.connectedOrganization",
  "id": "1bf2c3e0-c3e0-1bf2-e0c3-f21be0c3f21b",
  "displayName": "String",
  "description": "String",
  "createdBy": "String",
  "createdDateTime": "String (timestamp)",
  "modifiedBy": "String",
  "modifiedDateTime": "String (timestamp)",
  "identitySources": [ { "@odata.type": "microsoft.graph.azureActiveDirectoryTenant" } ]
}"##;

#[test]
fn connected_organization_in_the_beta_form() {
    let request: ConnectedOrganizationBetaForm = round_trip(CONNECTED_ORGANIZATION_REQUEST_004);
    let sources = request.identity_sources.as_ref().unwrap();
    assert_eq!(
        sources[0],
        IdentitySource::AzureActiveDirectoryTenant(AzureActiveDirectoryTenant::default())
    );
    // Every identitySources element carries its derived type first, with `#`.
    assert_eq!(
        serde_json::to_string(&request.identity_sources).unwrap(),
        r##"[{"@odata.type":"#microsoft.graph.azureActiveDirectoryTenant"}]"##
    );
    let response: ConnectedOrganizationBetaForm = round_trip(CONNECTED_ORGANIZATION_RESPONSE_004);
    assert_eq!(
        response.created_date_time.as_deref(),
        Some("String (timestamp)")
    );
}

#[test]
fn connected_organization_against_the_v1_model() {
    // v1.0 has no createdBy/modifiedBy: they are tolerated and dropped.
    let request: ConnectedOrganization =
        serde_json::from_str(CONNECTED_ORGANIZATION_REQUEST_004).unwrap();
    let body = serde_json::to_value(&request).unwrap();
    assert!(body.get("createdBy").is_none());
    assert_eq!(
        body["identitySources"],
        json!([{"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant"}])
    );
    // The page's placeholder is not an Edm.DateTimeOffset, and the error says where.
    let err = serde_json::from_str::<ConnectedOrganization>(CONNECTED_ORGANIZATION_RESPONSE_004)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`String (timestamp)` is not a valid Edm.DateTimeOffset"),
        "{err}"
    );
}
