//! Continuous Access Evaluation against the emulator: a claims challenge gets one new token
//! asked with those claims and one retry; a second challenge is an `Auth` error naming the
//! claims.

use graph_odata::auth::signin::{Authority, ClientSecretCredential};
use graph_odata::prelude::*;
use graph_odata_emulator::{App, Emulator};
use serde_json::{Value, json};

const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
const SECRET: &str = "cae-test-secret";

async fn setup() -> (Emulator, Client) {
    let emu = Emulator::start().await.unwrap();
    emu.register_app(App::new(CLIENT_ID).secret(SECRET).roles(["User.Read.All"]));
    emu.insert("/users", json!({"displayName": "Adele"}));
    emu.require_signed_tokens(true);
    let authority = Authority::at(emu.base_url(), "common").unwrap();
    let credential = ClientSecretCredential::new(authority, CLIENT_ID, SECRET).unwrap();
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(credential)
        .scopes(["https://graph.microsoft.com/.default"])
        .build()
        .unwrap();
    (emu, client)
}

fn token_requests(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
        .count()
}

#[tokio::test]
async fn a_claims_challenge_gets_one_new_token_with_the_claims_and_one_retry() {
    let (emu, client) = setup().await;
    let _: Value = client.send(Request::get("/users")).await.unwrap();
    assert_eq!(token_requests(&emu), 1);
    let claims = emu.challenge_claims(false);
    let users: Value = client.send(Request::get("/users")).await.unwrap();
    assert_eq!(users["value"][0]["displayName"], "Adele");
    assert_eq!(token_requests(&emu), 2, "one new token");
    let graph_calls = emu
        .requests()
        .iter()
        .filter(|r| r.path == "/v1.0/users")
        .count();
    assert_eq!(
        graph_calls, 3,
        "the first call, the challenged one, its retry"
    );
    // The new token was asked with the challenge's claims and cp1; it stays in use.
    let _: Value = client.send(Request::get("/users")).await.unwrap();
    assert_eq!(token_requests(&emu), 2);
    let nbf: Value = serde_json::from_str(&claims).unwrap();
    assert!(nbf["access_token"]["nbf"]["value"].is_string());
}

#[tokio::test]
async fn a_second_challenge_is_an_auth_error_naming_the_claims() {
    let (emu, client) = setup().await;
    emu.challenge_claims(true);
    let e = client
        .send::<Value>(Request::get("/users"))
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("challenged the token again"), "{text}");
    assert!(
        text.contains(r#""essential":true"#) && text.contains("nbf"),
        "{text}"
    );
    assert!(!text.contains("eyJ"), "no token in the error: {text}");
    assert_eq!(
        token_requests(&emu),
        2,
        "the first token and exactly one with the claims"
    );
    // Cleared, the next call signs in again and passes.
    emu.clear_claims_challenge();
    let _: Value = client.send(Request::get("/users")).await.unwrap();
}
