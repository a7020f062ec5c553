//! The sign-in flows against the emulator's identity endpoint over loopback: client secret
//! (right and wrong), client certificate (an assertion the emulator verifies, and one signed by
//! another key), the device code poll (pending, slow_down, success) and refresh-token rotation,
//! and a token asking for exactly the manifest of the README's five declarations.

mod support;

use std::sync::{Arc, Mutex};

use graph_odata::auth::TokenCredential;
use graph_odata::auth::signin::{
    Authority, ClientCertificateCredential, ClientSecretCredential, DeviceCodeCredential,
};
use graph_odata::prelude::*;
use graph_odata_emulator::{App, Emulator};
use serde_json::{Value, json};

const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
const SECRET: &str = "signin-test-secret";
const APP_CERT: &str = include_str!("../emulator/tests/fixtures/app-cert.pem");
const APP_KEY: &str = include_str!("../emulator/tests/fixtures/app-cert-key.pem");
const FORGER_KEY: &str = include_str!("../emulator/tests/fixtures/forger-key.pem");

async fn emulator() -> Emulator {
    let emu = support::emulator().await;
    let app = App::new(CLIENT_ID)
        .secret(SECRET)
        .roles(["User.Read.All"])
        .certificate_pem(APP_CERT)
        .unwrap();
    emu.register_app(app);
    emu.insert("/users", json!({"displayName": "Adele"}));
    emu.require_signed_tokens(true);
    emu
}

fn authority(emu: &Emulator) -> Authority {
    Authority::at(emu.base_url(), "common").unwrap()
}

fn client(
    emu: &Emulator,
    credential: impl TokenCredential + 'static,
    scopes: Vec<String>,
) -> Client {
    Client::builder()
        .service_root(emu.v1_url())
        .retry(support::fast_retry())
        .credential(credential)
        .scopes(scopes)
        .build()
        .unwrap()
}

fn app_scope() -> Vec<String> {
    vec!["https://graph.microsoft.com/.default".to_owned()]
}

/// The claims of the `Authorization` token of the emulator's last request.
fn last_token_claims(emu: &Emulator) -> Value {
    use base64::Engine;
    let logged = emu.last_request().unwrap();
    let header = logged.headers["authorization"].to_str().unwrap().to_owned();
    let jwt = header.strip_prefix("Bearer ").unwrap();
    let part = jwt.split('.').nth(1).unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

#[tokio::test]
async fn a_client_secret_signs_in_and_a_wrong_one_is_an_auth_error() {
    let emu = emulator().await;
    let good = ClientSecretCredential::new(authority(&emu), CLIENT_ID, SECRET).unwrap();
    let users: Value = client(&emu, good, app_scope())
        .send(Request::get("/users"))
        .await
        .unwrap();
    assert_eq!(users["value"][0]["displayName"], "Adele");
    let claims = last_token_claims(&emu);
    assert_eq!(claims["roles"], json!(["User.Read.All"]));
    assert_eq!(
        claims["xms_cc"],
        json!(["cp1"]),
        "the client advertises cp1"
    );
    let bad = ClientSecretCredential::new(authority(&emu), CLIENT_ID, "wrong-secret").unwrap();
    let e = client(&emu, bad, app_scope())
        .send::<Value>(Request::get("/users"))
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e}");
    let text = format!("{e} {e:?}");
    assert!(
        text.contains("invalid_client") && text.contains("AADSTS7000215"),
        "{text}"
    );
    assert!(!text.contains("wrong-secret"), "{text}");
}

#[tokio::test]
async fn a_client_certificate_assertion_is_verified_and_a_forged_one_refused() {
    let emu = emulator().await;
    let good =
        ClientCertificateCredential::new(authority(&emu), CLIENT_ID, APP_CERT, APP_KEY).unwrap();
    let users: Value = client(&emu, good, app_scope())
        .send(Request::get("/users"))
        .await
        .unwrap();
    assert_eq!(users["value"][0]["displayName"], "Adele");
    let forged =
        ClientCertificateCredential::new(authority(&emu), CLIENT_ID, APP_CERT, FORGER_KEY).unwrap();
    let e = client(&emu, forged, app_scope())
        .send::<Value>(Request::get("/users"))
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e}");
    assert!(format!("{e:?}").contains("invalid signature"), "{e:?}");
    // Malformed input is a build error that quotes neither the certificate nor the key.
    let e = ClientCertificateCredential::new(authority(&emu), CLIENT_ID, "garbage", APP_KEY)
        .unwrap_err();
    assert!(e.to_string().contains("certificate"), "{e}");
    let e = ClientCertificateCredential::new(
        authority(&emu),
        CLIENT_ID,
        APP_CERT,
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("private key") && !e.to_string().contains("AAAA"),
        "{e}"
    );
}

#[tokio::test]
async fn the_device_code_poll_honours_pending_and_slow_down_then_refreshes_with_rotation() {
    let emu = emulator().await;
    emu.set_device_code_timing(
        std::time::Duration::ZERO,
        std::time::Duration::from_secs(60),
    );
    // Poll 1: pending; poll 2: slow_down (the client waits 5 s more); poll 3: approved.
    emu.demand_slower_polling(1);
    emu.approve_device_codes_on_poll(Some(3));
    let prompts = Arc::new(Mutex::new(Vec::new()));
    let seen = prompts.clone();
    let credential = DeviceCodeCredential::new(authority(&emu), CLIENT_ID, move |p| {
        seen.lock().unwrap().push(p.to_string());
    })
    .unwrap();
    let scopes = vec!["https://graph.microsoft.com/User.Read.All".to_owned()];
    // The emulator refuses a poll sooner than the interval (5 s longer after the slow_down),
    // so three polls prove the client waited as told.
    let token = credential.get_token(&scopes).await.unwrap();
    assert_eq!(
        token_requests(&emu),
        3,
        "pending, slow_down, then signed in"
    );
    assert_eq!(prompts.lock().unwrap().len(), 1);
    assert!(prompts.lock().unwrap()[0].contains(emu.base_url()));
    let claims = jwt_claims(token.token.expose());
    assert_eq!(claims["scp"], "User.Read.All");
    // The next token comes from the refresh token, which rotates: no new prompt.
    let again = credential.get_token(&scopes).await.unwrap();
    assert_ne!(again.token.expose(), token.token.expose());
    assert_eq!(prompts.lock().unwrap().len(), 1);
    assert_eq!(token_requests(&emu), 4);
    // The rotated refresh token was kept (the emulator refuses the used one).
    let third = credential.get_token(&scopes).await.unwrap();
    assert_ne!(third.token.expose(), again.token.expose());
    assert_eq!(
        (token_requests(&emu), prompts.lock().unwrap().len()),
        (5, 1)
    );
    assert!(!format!("{credential:?}").contains("rt."), "{credential:?}");
}

fn token_requests(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
        .count()
}

fn jwt_claims(jwt: &str) -> Value {
    use base64::Engine;
    let part = jwt.split('.').nth(1).unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

#[tokio::test]
async fn an_expired_device_code_is_an_auth_error_and_an_unknown_client_too() {
    let emu = emulator().await;
    emu.set_device_code_timing(std::time::Duration::ZERO, std::time::Duration::ZERO);
    let credential = DeviceCodeCredential::new(authority(&emu), CLIENT_ID, |_| {}).unwrap();
    let scopes = vec!["https://graph.microsoft.com/User.Read".to_owned()];
    let e = credential.get_token(&scopes).await.unwrap_err();
    assert!(e.is_auth(), "{e}");
    assert!(e.to_string().contains("expired"), "{e}");
    let stranger = DeviceCodeCredential::new(authority(&emu), "nobody", |_| {}).unwrap();
    let e = stranger.get_token(&scopes).await.unwrap_err();
    assert!(
        e.is_auth() && e.to_string().contains("unauthorized_client"),
        "{e}"
    );
}
