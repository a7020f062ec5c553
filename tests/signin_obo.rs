//! On-behalf-of against the emulator: a user signs in to a desktop app for the middle-tier
//! API's scope (`api://{api}/access_as_user`, through the browser sign-in over a real loopback
//! redirect), the API trades that token for a Graph token for the same user and its Graph call
//! passes permission enforcement; forged and other-audience assertions are `Auth` errors.

use std::time::Duration;

use graph_odata::auth::TokenCredential;
use graph_odata::auth::signin::{Authority, InteractiveBrowserCredential, OnBehalfOfCredential};
use graph_odata::prelude::*;
use graph_odata_emulator::{App, Emulator};
use serde_json::{Value, json};

const API_ID: &str = "11111111-2222-3333-4444-555555555555";
const API_SECRET: &str = "obo-test-secret";
const DESKTOP_ID: &str = "22222222-3333-4444-5555-666666666666";
const USER: &str = "7e1f0c2d-0000-4000-8000-0000000000bb";
const APP_CERT: &str = include_str!("../emulator/tests/fixtures/app-cert.pem");
const APP_KEY: &str = include_str!("../emulator/tests/fixtures/app-cert-key.pem");

async fn emulator() -> Emulator {
    let emu = Emulator::start().await.unwrap();
    emu.register_app(
        App::new(API_ID)
            .secret(API_SECRET)
            .certificate_pem(APP_CERT)
            .unwrap(),
    );
    emu.register_app(App::new(DESKTOP_ID));
    emu.insert("/users", json!({"displayName": "Adele"}));
    emu.require_signed_tokens(true);
    emu.enforce_permissions(true);
    emu.approve_sign_ins_as(USER);
    emu
}

fn authority(emu: &Emulator) -> Authority {
    Authority::at(emu.base_url(), "organizations").unwrap()
}

/// The user's token for `scope`, signed in through the desktop app: the "browser" follows
/// the authorize redirect to the credential's loopback listener.
async fn user_token(emu: &Emulator, scope: &str) -> String {
    let browser = |url: &reqwest::Url| {
        let url = url.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let r = http.get(url).send().await.unwrap();
            let mut back = reqwest::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
            back.set_host(Some("127.0.0.1")).unwrap();
            http.get(back).send().await.unwrap();
        });
    };
    let desktop = InteractiveBrowserCredential::new(authority(emu), DESKTOP_ID, browser)
        .unwrap()
        .wait(Duration::from_secs(30));
    let token = desktop.get_token(&[scope.to_owned()]).await.unwrap();
    token.token.expose().to_owned()
}

fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let part = jwt.split('.').nth(1).unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

fn token_requests(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
        .count()
}

#[tokio::test]
async fn the_api_calls_graph_as_the_user_who_called_it() {
    let emu = emulator().await;
    let incoming = user_token(&emu, &format!("api://{API_ID}/access_as_user")).await;
    assert_eq!(claims(&incoming)["aud"], format!("api://{API_ID}"));
    let credential =
        OnBehalfOfCredential::with_secret(authority(&emu), API_ID, API_SECRET, incoming.as_str())
            .unwrap();
    let debug = format!("{credential:?}");
    assert!(
        !debug.contains(API_SECRET) && !debug.contains(&incoming),
        "{debug}"
    );
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(credential)
        .scopes(["https://graph.microsoft.com/User.Read.All"])
        .build()
        .unwrap();
    let before = token_requests(&emu);
    let users: Value = client.send(Request::get("/users")).await.unwrap();
    assert_eq!(users["value"][0]["displayName"], "Adele");
    // The token Graph got is the user's, for Graph, with the scope asked.
    let logged = emu.last_request().unwrap();
    let header = logged.headers["authorization"].to_str().unwrap().to_owned();
    let graph = claims(header.strip_prefix("Bearer ").unwrap());
    assert_eq!(
        (
            graph["oid"].as_str(),
            graph["aud"].as_str(),
            graph["scp"].as_str()
        ),
        (
            Some(USER),
            Some("https://graph.microsoft.com"),
            Some("User.Read.All")
        )
    );
    assert_eq!(token_requests(&emu), before + 1);
    // A call User.Read.All does not grant is Graph's 403.
    let e = client
        .send::<Value>(Request::get("/groups"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("Authorization_RequestDenied"), "{e}");
}

#[tokio::test]
async fn the_answer_is_kept_and_its_refresh_token_used_for_claims() {
    let emu = emulator().await;
    let incoming = user_token(&emu, &format!("api://{API_ID}/access_as_user")).await;
    let credential = OnBehalfOfCredential::with_certificate(
        authority(&emu),
        API_ID,
        APP_CERT,
        APP_KEY,
        incoming.as_str(),
    )
    .unwrap();
    let scopes = vec![
        "https://graph.microsoft.com/User.Read".to_owned(),
        "offline_access".to_owned(),
    ];
    let before = token_requests(&emu);
    let first = credential.get_token(&scopes).await.unwrap();
    assert_eq!(claims(first.token.expose())["oid"], USER);
    let again = credential.get_token(&scopes).await.unwrap();
    assert_eq!(again.token.expose(), first.token.expose(), "kept in memory");
    assert_eq!(token_requests(&emu), before + 1);
    let debug = format!("{credential:?}");
    assert!(debug.contains("refresh_token: Some"), "{debug}");
    assert!(
        !debug.contains("rt.") && !debug.contains(&incoming),
        "{debug}"
    );
    // Claims skip the kept token; the refresh token (rotating) gets the new one.
    let claimed = credential
        .get_token_with_claims(
            &scopes,
            r#"{"access_token":{"nbf":{"essential":true,"value":"1"}}}"#,
        )
        .await
        .unwrap();
    assert_ne!(claimed.token.expose(), first.token.expose());
    assert_eq!(claims(claimed.token.expose())["xms_cae_nbf"], "1");
    assert_eq!(token_requests(&emu), before + 2);
}

#[tokio::test]
async fn forged_and_other_audience_assertions_are_auth_errors() {
    let emu = emulator().await;
    let incoming = user_token(&emu, &format!("api://{API_ID}/access_as_user")).await;
    let graph_token = user_token(&emu, "https://graph.microsoft.com/User.Read").await;
    // The user's token with another user's oid, the signature kept.
    let forged = {
        use base64::Engine;
        let mut payload = claims(&incoming);
        payload["oid"] = json!("someone-else");
        let parts: Vec<&str> = incoming.split('.').collect();
        let body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload.to_string());
        format!("{}.{body}.{}", parts[0], parts[2])
    };
    let scopes = vec!["https://graph.microsoft.com/User.Read".to_owned()];
    for (name, assertion) in [("forged", &forged), ("for Graph", &graph_token)] {
        let credential = OnBehalfOfCredential::with_secret(
            authority(&emu),
            API_ID,
            API_SECRET,
            assertion.as_str(),
        )
        .unwrap();
        let e = credential.get_token(&scopes).await.unwrap_err();
        assert!(e.is_auth(), "{name}: {e}");
        let text = format!("{e} {e:?}");
        assert!(
            text.contains("invalid_grant") && text.contains("AADSTS50013"),
            "{name}: {text}"
        );
        assert!(
            !text.contains(assertion.as_str()) && !text.contains(API_SECRET),
            "{name}: {text}"
        );
    }
    // A wrong API secret is the API's own error.
    let credential =
        OnBehalfOfCredential::with_secret(authority(&emu), API_ID, "wrong", incoming.as_str())
            .unwrap();
    let e = credential.get_token(&scopes).await.unwrap_err();
    assert!(
        e.is_auth() && e.to_string().contains("invalid_client"),
        "{e}"
    );
}
