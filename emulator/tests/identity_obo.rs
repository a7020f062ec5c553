//! On-behalf-of at the identity endpoint: a confidential app trades a user's token for its API
//! for a Graph token for the same user; forged assertions, assertions for another audience or
//! of no user, a wrong client secret and a missing `requested_token_use` are refused.

mod identity_support;

use identity_support::*;
use serde_json::Value;

const USER: &str = "9d3c1b7a-0000-4000-8000-0000000000aa";

async fn obo(emu: &graph_odata_emulator::Emulator, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("client_id", CLIENT_ID),
        ("requested_token_use", "on_behalf_of"),
    ];
    form.extend_from_slice(extra);
    post_form(&token_url(emu), &form).await
}

#[tokio::test]
async fn a_token_for_the_api_becomes_a_graph_token_for_the_same_user() {
    let emu = with_app().await;
    let incoming = user_token(&emu, &format!("api://{CLIENT_ID}/access_as_user"), USER).await;
    assert_eq!(payload(&incoming)["aud"], format!("api://{CLIENT_ID}"));
    let (status, body) = obo(
        &emu,
        &[
            ("client_secret", SECRET),
            ("assertion", &incoming),
            (
                "scope",
                "https://graph.microsoft.com/User.Read.All offline_access",
            ),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();
    let claims = payload(token);
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    assert_eq!(claims["oid"], USER);
    assert_eq!(claims["scp"], "User.Read.All");
    assert_eq!(claims["appid"], CLIENT_ID);
    assert!(
        body["refresh_token"].as_str().is_some(),
        "offline_access asked"
    );
    // The new token passes permission enforcement for a call User.Read.All grants.
    emu.require_signed_tokens(true);
    emu.enforce_permissions(true);
    let (status, _, body) = get_with(&format!("{}/users", emu.v1_url()), Some(token)).await;
    assert_eq!(status, 200, "{body}");
    // The request log keeps no assertion.
    assert!(
        emu.requests()
            .iter()
            .all(|r| !String::from_utf8_lossy(&r.raw_body).contains(&incoming)),
        "the assertion is not logged"
    );
}

#[tokio::test]
async fn a_client_assertion_authenticates_the_api_too() {
    let emu = with_app().await;
    let incoming = user_token(&emu, &format!("api://{CLIENT_ID}/access_as_user"), USER).await;
    let client_assertion = sign(APP_KEY, Some(x5t()), &good_claims(&emu));
    let (status, body) = obo(
        &emu,
        &[
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &client_assertion),
            ("assertion", &incoming),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(payload(body["access_token"].as_str().unwrap())["oid"], USER);
}

#[tokio::test]
async fn forged_foreign_audience_and_app_only_assertions_are_invalid_grant() {
    let emu = with_app().await;
    let incoming = user_token(&emu, &format!("api://{CLIENT_ID}/access_as_user"), USER).await;
    let graph_token = user_token(&emu, "User.Read", USER).await;
    let other_api = user_token(&emu, &format!("api://{PUBLIC_ID}/access_as_user"), USER).await;
    let forged = sign(FORGER_KEY, None, &payload(&incoming));
    let app_only = app_token(&emu).await;
    for (name, assertion) in [
        ("forged", forged.as_str()),
        ("for Graph", graph_token.as_str()),
        ("for another API", other_api.as_str()),
        ("app-only", app_only.as_str()),
        ("garbage", "not.a.jwt"),
    ] {
        let (status, body) = obo(
            &emu,
            &[
                ("client_secret", SECRET),
                ("assertion", assertion),
                ("scope", "https://graph.microsoft.com/User.Read"),
            ],
        )
        .await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_grant")),
            "{name}: {body}"
        );
        assert_eq!(aadsts(&body), "AADSTS50013", "{name}");
        assert!(
            !body.to_string().contains(assertion),
            "{name}: the assertion is not echoed"
        );
    }
    // The API's own authentication comes first, and the grant needs requested_token_use.
    let (status, body) = obo(
        &emu,
        &[
            ("client_secret", "wrong"),
            ("assertion", &incoming),
            ("scope", "https://graph.microsoft.com/User.Read"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = post_form(
        &token_url(&emu),
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("client_id", CLIENT_ID),
            ("client_secret", SECRET),
            ("assertion", &incoming),
            ("scope", "https://graph.microsoft.com/User.Read"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
}
