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

/// The quickstart's manifest: the five declarations' `PERMISSIONS`.
fn manifest() -> Manifest {
    run::manifest(true)
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

/// The `scp` claim of the token of the emulator's last request, as a sorted list.
fn last_token_scopes(emu: &Emulator) -> Vec<String> {
    use base64::Engine;
    let logged = emu.last_request().unwrap();
    let header = logged.header("authorization").unwrap().to_owned();
    let jwt = header.strip_prefix("Bearer ").unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(jwt.split('.').nth(1).unwrap())
        .unwrap();
    let claims: Value = serde_json::from_slice(&raw).unwrap();
    let mut scopes: Vec<String> = claims["scp"]
        .as_str()
        .unwrap()
        .split(' ')
        .map(str::to_owned)
        .collect();
    scopes.sort();
    scopes
}

#[tokio::test]
async fn the_quickstart_signs_in_on_the_emulator_with_exactly_the_manifest() {
    let (client, emu) = run::connect_emulator().await.unwrap();
    run::sharing_link(&client, Some(&emu)).await.unwrap();
    let mut names: Vec<String> = manifest()
        .names(graph_odata::permissions::Scheme::DelegatedWork)
        .into_iter()
        .map(str::to_owned)
        .collect();
    names.sort();
    assert_eq!(last_token_scopes(&emu), names);
    // Without admin consent the quickstart leaves out the two admin steps and their scopes.
    assert_eq!(
        run::manifest(false).scopes(),
        [
            "https://graph.microsoft.com/Files.ReadWrite",
            "https://graph.microsoft.com/Tasks.Read",
            "https://graph.microsoft.com/Tasks.ReadWrite"
        ]
    );
    assert!(names.contains(&"ExternalConnection.ReadWrite.OwnedBy".to_owned()));
    assert!(names.contains(&"EntitlementManagement.ReadWrite.All".to_owned()));
}
