//! The identity endpoint's flows over loopback: client credentials with a secret or a
//! certificate's client assertion, the device code poll, rotating refresh tokens; and the
//! attacks on each (wrong secret, forged, expired, replayed or misaddressed assertions, polling
//! too fast, reused refresh tokens), each refused with the identity platform's error.

mod identity_support;

use std::time::Duration;

use identity_support::*;
use serde_json::json;

#[tokio::test]
async fn a_client_secret_gets_an_app_token_with_its_roles() {
    let emu = with_app().await;
    let token = app_token(&emu).await;
    let claims = payload(&token);
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    assert_eq!(claims["roles"], json!(["User.Read.All"]));
    assert_eq!(claims["tid"], graph_odata_emulator::DEFAULT_TENANT_ID);
    assert_eq!(claims["appid"], CLIENT_ID);
    assert!(claims.get("scp").is_none(), "{claims}");
    assert!(claims["exp"].as_u64().unwrap() > now());
}

#[tokio::test]
async fn a_wrong_secret_an_unknown_client_and_a_bad_scope_are_refused() {
    let emu = with_app().await;
    let url = token_url(&emu);
    let form = |secret: &'static str, client: &'static str, scope: &'static str| {
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("client_secret", secret),
            ("scope", scope),
        ]
    };
    let dflt = "https://graph.microsoft.com/.default";
    let (status, body) = post_form(&url, &form("wrong", CLIENT_ID, dflt)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    assert_eq!(aadsts(&body), "AADSTS7000215");
    assert!(
        !body.to_string().contains("wrong"),
        "the secret is not echoed: {body}"
    );
    let (status, body) = post_form(&url, &form(SECRET, "nobody", dflt)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unauthorized_client"))
    );
    let (status, body) = post_form(&url, &form(SECRET, CLIENT_ID, "User.Read")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    let (status, body) = post_form(&url, &[("client_id", CLIENT_ID)]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let (status, body) = post_form(&url, &[("grant_type", "password")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (status, body) = post_form(
        &url,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("scope", dflt),
        ],
    )
    .await;
    assert_eq!((status, aadsts(&body).as_str()), (401, "AADSTS7000218"));
}

#[tokio::test]
async fn a_certificate_assertion_is_verified() {
    let emu = with_app().await;
    let (status, body) =
        with_assertion(&emu, &sign(APP_KEY, Some(x5t()), &good_claims(&emu))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        payload(body["access_token"].as_str().unwrap())["roles"],
        json!(["User.Read.All"])
    );
    // Without x5t, every registered certificate is tried.
    let (status, body) = with_assertion(&emu, &sign(APP_KEY, None, &good_claims(&emu))).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn forged_expired_misaddressed_and_replayed_assertions_are_refused() {
    let emu = with_app().await;
    let refused = |expected: &'static str| {
        move |(status, body): (u16, serde_json::Value)| {
            assert_eq!(status, 401, "{body}");
            assert_eq!(body["error"], "invalid_client", "{body}");
            let text = body["error_description"].as_str().unwrap().to_owned();
            assert!(text.contains(expected), "{expected:?} not in {text:?}");
        }
    };
    // Signed by another key, claiming the app's certificate.
    let forged = sign(FORGER_KEY, Some(x5t()), &good_claims(&emu));
    refused("invalid signature")(with_assertion(&emu, &forged).await);
    // A good assertion with one byte of its signature changed.
    let good = sign(APP_KEY, Some(x5t()), &good_claims(&emu));
    let mut tampered = good.clone().into_bytes();
    let last = tampered.len() - 3;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    refused("invalid signature")(with_assertion(&emu, &tampered).await);
    let mut claims = good_claims(&emu);
    claims["exp"] = json!(now() - 3600);
    claims["nbf"] = json!(now() - 7200);
    refused("valid time range")(with_assertion(&emu, &sign(APP_KEY, Some(x5t()), &claims)).await);
    let mut claims = good_claims(&emu);
    claims["aud"] = json!("https://login.microsoftonline.com/common/oauth2/v2.0/token");
    refused("audience")(with_assertion(&emu, &sign(APP_KEY, Some(x5t()), &claims)).await);
    let mut claims = good_claims(&emu);
    claims["iss"] = json!("someone-else");
    refused("issuer")(with_assertion(&emu, &sign(APP_KEY, Some(x5t()), &claims)).await);
    let mut claims = good_claims(&emu);
    claims.as_object_mut().unwrap().remove("jti");
    refused("jti")(with_assertion(&emu, &sign(APP_KEY, Some(x5t()), &claims)).await);
    refused("x5t")(
        with_assertion(
            &emu,
            &sign(APP_KEY, Some("AAAA".into()), &good_claims(&emu)),
        )
        .await,
    );
    refused("not a well-formed JWT")(with_assertion(&emu, "not.a.jwt").await);
    // The good one passes once; its replay is refused.
    let (status, body) = with_assertion(&emu, &good).await;
    assert_eq!(status, 200, "{body}");
    refused("used before")(with_assertion(&emu, &good).await);
}

/// Starts a device code for `scope`: `(device_code, user_code)`.
async fn device_code(emu: &graph_odata_emulator::Emulator, scope: &str) -> (String, String) {
    let (status, body) = post_form(
        &format!("{}/common/oauth2/v2.0/devicecode", emu.base_url()),
        &[("client_id", CLIENT_ID), ("scope", scope)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["interval"], 5);
    assert_eq!(body["expires_in"], 900);
    assert!(
        body["verification_uri"]
            .as_str()
            .unwrap()
            .starts_with(emu.base_url())
    );
    (
        body["device_code"].as_str().unwrap().to_owned(),
        body["user_code"].as_str().unwrap().to_owned(),
    )
}

async fn poll(emu: &graph_odata_emulator::Emulator, code: &str) -> (u16, serde_json::Value) {
    post_form(
        &token_url(emu),
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", CLIENT_ID),
            ("device_code", code),
        ],
    )
    .await
}

#[tokio::test(start_paused = true)]
async fn the_device_code_poll_is_pending_then_slowed_then_signed_in() {
    let emu = with_app().await;
    let (code, user_code) = device_code(&emu, "User.Read Tasks.ReadWrite offline_access").await;
    let (status, body) = poll(&emu, &code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    let (status, body) = poll(&emu, &code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("slow_down")),
        "polled at once"
    );
    // After a slow_down the interval is 5 s longer: 5 s is still too soon, 10 s is not.
    tokio::time::advance(Duration::from_secs(5)).await;
    let (status, body) = poll(&emu, &code).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("slow_down")));
    tokio::time::advance(Duration::from_secs(15)).await;
    assert!(emu.approve_device_code(&user_code));
    assert!(!emu.approve_device_code("NOSUCHCODE"));
    let (status, body) = poll(&emu, &code).await;
    assert_eq!(status, 200, "{body}");
    let claims = payload(body["access_token"].as_str().unwrap());
    assert_eq!(claims["scp"], "Tasks.ReadWrite User.Read");
    assert_eq!(claims["oid"], graph_odata_emulator::DEFAULT_USER_ID);
    assert!(
        body["refresh_token"].is_string(),
        "offline_access asked: {body}"
    );
    // A device code is used once.
    let (status, body) = poll(&emu, &code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test(start_paused = true)]
async fn an_unapproved_device_code_expires() {
    let emu = with_app().await;
    let (code, user_code) = device_code(&emu, "User.Read").await;
    tokio::time::advance(Duration::from_secs(901)).await;
    let (status, body) = poll(&emu, &code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("expired_token"))
    );
    assert_eq!(aadsts(&body), "AADSTS70020");
    assert!(
        !emu.approve_device_code(&user_code),
        "an expired code cannot be approved"
    );
}

#[tokio::test]
async fn unknown_scopes_and_foreign_clients_are_refused_at_the_device_code() {
    let emu = with_app().await;
    let url = format!("{}/common/oauth2/v2.0/devicecode", emu.base_url());
    let (status, body) = post_form(
        &url,
        &[("client_id", CLIENT_ID), ("scope", "Tasks.Everything")],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    let (status, body) = post_form(&url, &[("client_id", "nobody"), ("scope", "User.Read")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unauthorized_client"))
    );
    // A device code polled by another client.
    let (code, _) = device_code(&emu, "User.Read").await;
    let (status, body) = post_form(
        &token_url(&emu),
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", "someone-else"),
            ("device_code", &code),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_used_one_is_refused() {
    let emu = with_app().await;
    emu.set_device_code_timing(Duration::ZERO, Duration::from_secs(60));
    let (code, user_code) = device_code_any(&emu).await;
    assert!(emu.approve_device_code(&user_code));
    let (status, body) = poll(&emu, &code).await;
    assert_eq!(status, 200, "{body}");
    let first = body["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |rt: String, client: &'static str| {
        let url = token_url(&emu);
        async move {
            post_form(
                &url,
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", client),
                    ("refresh_token", &rt),
                ],
            )
            .await
        }
    };
    let (status, body) = refresh(first.clone(), CLIENT_ID).await;
    assert_eq!(status, 200, "{body}");
    let second = body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(
        payload(body["access_token"].as_str().unwrap())["scp"],
        "User.Read"
    );
    let (status, body) = refresh(first, CLIENT_ID).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "reused"
    );
    assert!(
        !body.to_string().contains("rt."),
        "the token is not echoed: {body}"
    );
    let (status, body) = refresh(second.clone(), "someone-else").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = refresh(second, CLIENT_ID).await;
    assert_eq!(status, 200, "the newest one still works: {body}");
}

async fn device_code_any(emu: &graph_odata_emulator::Emulator) -> (String, String) {
    let (status, body) = post_form(
        &format!("{}/organizations/oauth2/v2.0/devicecode", emu.base_url()),
        &[
            ("client_id", CLIENT_ID),
            (
                "scope",
                "https://graph.microsoft.com/User.Read offline_access",
            ),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (
        body["device_code"].as_str().unwrap().to_owned(),
        body["user_code"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn the_request_log_keeps_no_secret_of_a_token_request() {
    let emu = with_app().await;
    app_token(&emu).await;
    let logged = emu.last_request().unwrap();
    assert!(logged.path.ends_with("/oauth2/v2.0/token"));
    let raw = String::from_utf8_lossy(&logged.raw_body).into_owned();
    assert!(!raw.contains(SECRET), "{raw}");
    assert!(!format!("{logged:?}").contains(SECRET));
}
