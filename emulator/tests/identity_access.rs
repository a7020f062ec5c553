//! What the bearer check does with the identity endpoint's tokens: takes them when identity is
//! on, refuses tampered or foreign ones, enforces permissions per call with the permissions
//! index, and plays Continuous Access Evaluation challenges.

mod identity_support;

use base64::Engine;
use identity_support::*;
use serde_json::{Value, json};

fn users(emu: &graph_odata_emulator::Emulator) -> String {
    format!("{}/users", emu.v1_url())
}

#[tokio::test]
async fn signed_tokens_pass_only_when_identity_is_on_and_untampered() {
    let emu = with_app().await;
    let token = app_token(&emu).await;
    emu.require_signed_tokens(true);
    let (status, challenge, _) = get_with(&users(&emu), None).await;
    assert_eq!(status, 401);
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    let (status, _, body) = get_with(&users(&emu), Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    // The same claims signed by another key.
    let forged = sign(FORGER_KEY, None, &payload(&token));
    let (status, _, body) = get_with(&users(&emu), Some(&forged)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("InvalidAuthenticationToken"))
    );
    // An expired token, and one for another audience, signed by a key the emulator does not trust.
    let mut claims = payload(&token);
    claims["exp"] = json!(now() - 10);
    let (status, _, _) = get_with(&users(&emu), Some(&sign(APP_KEY, None, &claims))).await;
    assert_eq!(status, 401);
    let (status, _, _) = get_with(&users(&emu), Some("garbage")).await;
    assert_eq!(status, 401);
    // The static token still works beside them.
    emu.require_bearer(Some("static"));
    let (status, _, _) = get_with(&users(&emu), Some("static")).await;
    assert_eq!(status, 200);
    let (status, _, _) = get_with(&users(&emu), Some(&token)).await;
    assert_eq!(status, 200);
    // Off, the static check alone decides.
    emu.require_signed_tokens(false);
    let (status, _, _) = get_with(&users(&emu), Some(&token)).await;
    assert_eq!(status, 401);
    emu.require_bearer(None);
    let (status, _, _) = get_with(&users(&emu), None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn permission_enforcement_refuses_a_token_without_a_granting_permission() {
    let emu = with_app().await;
    emu.require_signed_tokens(true);
    emu.enforce_permissions(true);
    let token = app_token(&emu).await; // roles: User.Read.All
    let (status, _, body) = get_with(&users(&emu), Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    // An app that holds only an unrelated role.
    emu.register_app(
        graph_odata_emulator::App::new(CLIENT_ID)
            .secret(SECRET)
            .roles(["Mail.Read"]),
    );
    let weak = app_token(&emu).await;
    let (status, _, body) = get_with(&users(&emu), Some(&weak)).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("GET /users") && message.contains("User.ReadBasic.All"),
        "{message}"
    );
    // A call the index does not list passes.
    let (status, _, _) = get_with(
        &format!("{}/_emulator/nothing", emu.base_url()),
        Some(&weak),
    )
    .await;
    assert_eq!(status, 404);
    // Off again: the weak token passes.
    emu.enforce_permissions(false);
    let (status, _, _) = get_with(&users(&emu), Some(&weak)).await;
    assert_eq!(status, 200);
}

/// The claims of a challenge header, decoded.
fn challenge_claims(header: &str) -> Value {
    assert!(header.contains("error=\"insufficient_claims\""), "{header}");
    let b64 = header
        .split("claims=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

#[tokio::test]
async fn a_claims_challenge_passes_with_a_token_asked_with_those_claims() {
    let emu = with_app().await;
    emu.require_signed_tokens(true);
    let token = app_token(&emu).await;
    let expected = emu.challenge_claims(false);
    let (status, header, body) = get_with(&users(&emu), Some(&token)).await;
    assert_eq!(status, 401, "{body}");
    assert!(
        header.starts_with("Bearer realm=\"\", authorization_uri=\""),
        "{header}"
    );
    let claims = challenge_claims(&header);
    assert_eq!(claims, serde_json::from_str::<Value>(&expected).unwrap());
    assert_eq!(claims["access_token"]["nbf"]["essential"], true);
    let asked = claims.to_string();
    let (status, body) = post_form(
        &token_url(&emu),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
            ("claims", &asked),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let fresh = body["access_token"].as_str().unwrap();
    let (status, _, body) = get_with(&users(&emu), Some(fresh)).await;
    assert_eq!(status, 200, "{body}");
    // A token asked with other claims is still challenged.
    let (status, _, _) = get_with(&users(&emu), Some(&token)).await;
    assert_eq!(status, 401);
    // Stubborn: even the token with the claims.
    emu.challenge_claims(true);
    let (status, header, _) = get_with(&users(&emu), Some(fresh)).await;
    assert_eq!(status, 401);
    challenge_claims(&header);
    emu.clear_claims_challenge();
    let (status, _, _) = get_with(&users(&emu), Some(&token)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_admin_routes_switch_enforcement_approve_codes_and_challenge() {
    let emu = with_app().await;
    let admin = |what: &str| format!("{}/_emulator/{what}", emu.base_url());
    let http = reqwest::Client::new();
    emu.register_app(
        graph_odata_emulator::App::new(CLIENT_ID)
            .secret(SECRET)
            .roles(["Mail.Read"]),
    );
    let weak = app_token(&emu).await;
    emu.require_signed_tokens(true);
    let r = http
        .put(admin("permissions"))
        .bearer_auth(&weak)
        .json(&json!({"enforce": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (status, _, _) = get_with(&users(&emu), Some(&weak)).await;
    assert_eq!(status, 403);
    let r = http
        .put(admin("permissions"))
        .bearer_auth(&weak)
        .json(&json!({"on": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a malformed body is refused");
    let r = http
        .post(admin("device-approval"))
        .bearer_auth(&weak)
        .json(&json!({"userCode": "NOPE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = http
        .post(admin("claims-challenge"))
        .bearer_auth(&weak)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (status, header, _) = get_with(&users(&emu), Some(&weak)).await;
    assert_eq!(status, 401);
    challenge_claims(&header);
}
