//! The manifest is enough, and one permission less is not: a user signs in (device code, on the
//! emulator's identity endpoint) asking for exactly the delegated manifest of the README's five
//! declarations, and the emulator, enforcing permissions with the permissions index, lets the
//! five operations through; without `Tasks.ReadWrite` the To Do calls get Graph's 403.

#[path = "../examples/graph_models/mod.rs"]
mod graph_models;

/// The examples' programs (left out of `graph_models` in tests), over its types.
#[allow(dead_code)]
#[path = "../examples/graph_models/run.rs"]
mod run;

#[allow(unused_imports)]
use graph_models::*;
use graph_odata::auth::signin::{Authority, DeviceCodeCredential};
use graph_odata::permissions::Manifest;
use graph_odata::prelude::*;
use graph_odata_emulator::{App, Emulator};
use serde_json::Value;

const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";

/// A To Do list, as the README's "Calling Graph" section declares it.
#[graph_entity(
    create = "POST /me/todo/lists",
    list = "GET /me/todo/lists",
    get = "GET /me/todo/lists/{todoTaskListId}"
)]
pub struct TodoTaskList {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
}

fn manifest() -> Manifest {
    Manifest::of(&[
        LinkedResource::PERMISSIONS,
        CreateLink::PERMISSIONS,
        ExternalConnection::PERMISSIONS,
        ConnectedOrganization::PERMISSIONS,
        TodoTaskList::PERMISSIONS,
    ])
}

async fn enforcing() -> Emulator {
    let emu = Emulator::start().await.unwrap();
    emu.register_app(App::new(CLIENT_ID));
    emu.require_signed_tokens(true);
    emu.enforce_permissions(true);
    emu.set_device_code_timing(
        std::time::Duration::ZERO,
        std::time::Duration::from_secs(60),
    );
    emu.approve_device_codes_on_poll(Some(1));
    emu
}

fn signed_in(emu: &Emulator, scopes: Vec<String>) -> Client {
    let authority = Authority::at(emu.base_url(), "organizations").unwrap();
    let credential = DeviceCodeCredential::new(authority, CLIENT_ID, |_| {}).unwrap();
    Client::builder()
        .service_root(emu.v1_url())
        .credential(credential)
        .scopes(scopes)
        .build()
        .unwrap()
}

#[tokio::test]
async fn exactly_the_manifest_runs_the_five_operations() {
    let emu = enforcing().await;
    let client = signed_in(&emu, manifest().scopes());
    run::linked_resources(&client, Some(&emu)).await.unwrap();
    run::sharing_link(&client, Some(&emu)).await.unwrap();
    run::external_connection(&client).await.unwrap();
    run::connected_organization(&client).await.unwrap();
    let lists: Value = client.send(Request::get("/me/todo/lists")).await.unwrap();
    assert!(lists["value"].is_array());
    // Every Graph call was made with the signed-in token and none was refused.
    let calls: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1.0"))
        .collect();
    assert!(calls.len() >= 5, "{}", calls.len());
    assert!(calls.iter().all(|r| r.header("authorization").is_some()));
}

#[tokio::test]
async fn one_permission_less_is_graphs_403() {
    let emu = enforcing().await;
    let scopes: Vec<String> = manifest()
        .scopes()
        .into_iter()
        .filter(|s| !s.ends_with("/Tasks.ReadWrite"))
        .collect();
    assert_eq!(scopes.len() + 1, manifest().scopes().len());
    let client = signed_in(&emu, scopes);
    let e = run::linked_resources(&client, Some(&emu))
        .await
        .unwrap_err();
    let e = e.downcast::<graph_odata::Error>().unwrap();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(403), "{e}");
    assert_eq!(e.code(), Some("Authorization_RequestDenied"), "{e}");
    // The rest of the manifest still works.
    run::sharing_link(&client, Some(&emu)).await.unwrap();
}

#[tokio::test]
async fn a_batch_cannot_smuggle_a_call_the_token_does_not_grant() {
    let emu = enforcing().await;
    let client = signed_in(&emu, manifest().scopes());
    // The manifest reads and writes To Do lists; it reads no users.
    let mut batch = graph_odata::batch::Batch::new();
    let lists = batch.add(Request::<Value>::post(
        "/me/todo/lists",
        &serde_json::json!({"displayName": "Groceries"}),
    ));
    let users = batch.add(Request::<Value>::get("/users"));
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.get(&lists).unwrap()["displayName"], "Groceries");
    let e = results.get(&users).unwrap_err();
    assert_eq!(results.status(&users).map(|s| s.as_u16()), Some(403));
    assert_eq!(e.code(), Some("Authorization_RequestDenied"), "{e}");
}
