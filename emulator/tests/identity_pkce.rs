//! The browser sign-in at the identity endpoint: `GET …/authorize` with PKCE redirects to the
//! loopback `redirect_uri` with a code (or the refusal the test chose), and the
//! `authorization_code` grant redeems it once, with its client, redirect URI and verifier; and
//! the attacks (replayed code, wrong verifier, other redirect URI, other client, expired code,
//! a redirect URI off loopback, no PKCE), each refused as the identity platform does.

mod identity_support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use graph_odata_emulator::{App, DEFAULT_USER_ID, Emulator};
use identity_support::*;
use serde_json::json;
use sha2::{Digest, Sha256};

const PUBLIC_ID: &str = "22222222-3333-4444-5555-666666666666";
const REDIRECT: &str = "http://localhost:53117";
const VERIFIER: &str = "a-verifier-of-forty-three-characters-or-more-1234567";

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn public_app() -> Emulator {
    let emu = with_app().await;
    emu.register_app(App::new(PUBLIC_ID));
    emu
}

fn authorize_url(emu: &Emulator, params: &[(&str, &str)]) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("{}/common/oauth2/v2.0/authorize?{query}", emu.base_url())
}

fn good_params(scope: &str) -> Vec<(&str, String)> {
    vec![
        ("client_id", PUBLIC_ID.to_owned()),
        ("response_type", "code".to_owned()),
        ("redirect_uri", REDIRECT.to_owned()),
        ("scope", scope.to_owned()),
        ("state", "st-123".to_owned()),
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".to_owned()),
    ]
}

/// `GET url` without following redirects: the status and the `Location`'s query pairs.
async fn authorize(url: &str) -> (u16, Option<reqwest::Url>) {
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|l| reqwest::Url::parse(l.to_str().unwrap()).unwrap());
    (r.status().as_u16(), location)
}

fn pair(url: &reqwest::Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// A code for `scope`, through an approved sign-in.
async fn code(emu: &Emulator, scope: &str) -> String {
    let params = good_params(scope);
    let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location) = authorize(&authorize_url(emu, &params)).await;
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert_eq!(location.origin().ascii_serialization(), REDIRECT);
    assert_eq!(pair(&location, "state").as_deref(), Some("st-123"));
    pair(&location, "code").unwrap()
}

async fn redeem(
    emu: &Emulator,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> (u16, serde_json::Value) {
    post_form(
        &token_url(emu),
        &[
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_ID),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ],
    )
    .await
}

#[tokio::test]
async fn an_approved_sign_in_redirects_with_a_code_redeemed_once_with_its_verifier() {
    let emu = public_app().await;
    emu.approve_sign_ins();
    let code = code(&emu, "https://graph.microsoft.com/User.Read offline_access").await;
    let (status, body) = redeem(&emu, &code, VERIFIER, REDIRECT).await;
    assert_eq!(status, 200, "{body}");
    let claims = payload(body["access_token"].as_str().unwrap());
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    assert_eq!(claims["scp"], "User.Read");
    assert_eq!(claims["oid"], DEFAULT_USER_ID);
    assert_eq!(claims["appid"], PUBLIC_ID);
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    // A replay of the code is refused, even with the right verifier.
    let (status, body) = redeem(&emu, &code, VERIFIER, REDIRECT).await;
    assert_eq!((status, aadsts(&body).as_str()), (400, "AADSTS54005"));
    assert_eq!(body["error"], "invalid_grant");
    // The refresh token rotates.
    let form = |rt: &str| {
        vec![
            ("grant_type", "refresh_token".to_owned()),
            ("client_id", PUBLIC_ID.to_owned()),
            ("refresh_token", rt.to_owned()),
        ]
    };
    let f = form(&refresh);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = post_form(&token_url(&emu), &f).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        payload(body["access_token"].as_str().unwrap())["scp"],
        "User.Read"
    );
    let (status, body) = post_form(&token_url(&emu), &f).await;
    assert_eq!((status, aadsts(&body).as_str()), (400, "AADSTS70008"));
}

#[tokio::test]
async fn a_wrong_verifier_another_redirect_or_client_and_an_unknown_code_are_invalid_grant() {
    let emu = public_app().await;
    emu.approve_sign_ins_as("another-user");
    let c = code(&emu, "User.Read").await;
    let (status, body) = redeem(&emu, &c, "not-the-verifier", REDIRECT).await;
    assert_eq!(
        (status, aadsts(&body).as_str()),
        (400, "AADSTS501481"),
        "{body}"
    );
    // The code went with the failed try: the right verifier cannot follow.
    let (_, body) = redeem(&emu, &c, VERIFIER, REDIRECT).await;
    assert_eq!(aadsts(&body), "AADSTS54005");
    let c = code(&emu, "User.Read").await;
    let (status, body) = redeem(&emu, &c, VERIFIER, "http://localhost:1").await;
    assert_eq!(
        (status, aadsts(&body).as_str()),
        (400, "AADSTS50011"),
        "{body}"
    );
    let c = code(&emu, "User.Read").await;
    let (status, body) = post_form(
        &token_url(&emu),
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &c),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(
        (status, aadsts(&body).as_str()),
        (400, "AADSTS70000"),
        "{body}"
    );
    let c = code(&emu, "User.Read").await;
    let (status, body) = post_form(
        &token_url(&emu),
        &[
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_ID),
            ("code", &c),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(
        (status, aadsts(&body).as_str()),
        (400, "AADSTS50148"),
        "{body}"
    );
    let (status, body) = redeem(&emu, "ac.forged", VERIFIER, REDIRECT).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // A good one still works, for the user who approved.
    let c = code(&emu, "User.Read").await;
    let (status, body) = redeem(&emu, &c, VERIFIER, REDIRECT).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        payload(body["access_token"].as_str().unwrap())["oid"],
        "another-user"
    );
    assert!(
        body.get("refresh_token").is_none(),
        "no offline_access, no refresh token"
    );
}

#[tokio::test]
async fn a_code_expires_on_the_tokio_clock() {
    let emu = public_app().await;
    emu.approve_sign_ins();
    let c = code(&emu, "User.Read").await;
    tokio::time::pause();
    tokio::time::advance(std::time::Duration::from_secs(601)).await;
    let (status, body) = redeem(&emu, &c, VERIFIER, REDIRECT).await;
    assert_eq!(
        (status, aadsts(&body).as_str()),
        (400, "AADSTS70008"),
        "{body}"
    );
}

#[tokio::test]
async fn refusals_redirect_with_the_error_and_the_state() {
    let emu = public_app().await;
    let params = good_params("User.Read");
    let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // Nobody approved yet.
    let (status, location) = authorize(&authorize_url(&emu, &params)).await;
    let location = location.unwrap();
    assert_eq!(status, 302);
    assert_eq!(
        pair(&location, "error").as_deref(),
        Some("interaction_required")
    );
    assert_eq!(pair(&location, "state").as_deref(), Some("st-123"));
    assert!(pair(&location, "code").is_none());
    // Declined, over the admin route.
    let admin = format!("{}/_emulator/sign-ins", emu.base_url());
    let r = reqwest::Client::new()
        .put(&admin)
        .json(&json!({"approve": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (_, location) = authorize(&authorize_url(&emu, &params)).await;
    let location = location.unwrap();
    assert_eq!(pair(&location, "error").as_deref(), Some("access_denied"));
    assert!(
        pair(&location, "error_description")
            .unwrap()
            .starts_with("AADSTS65004")
    );
    assert_eq!(pair(&location, "state").as_deref(), Some("st-123"));
    let r = reqwest::Client::new()
        .put(&admin)
        .json(&json!({"approve": true, "userId": "u-2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let c = code(&emu, "User.Read").await;
    let (_, body) = redeem(&emu, &c, VERIFIER, REDIRECT).await;
    assert_eq!(
        payload(body["access_token"].as_str().unwrap())["oid"],
        "u-2"
    );
}

#[tokio::test]
async fn no_pkce_a_bad_response_type_and_a_bad_scope_redirect_with_an_error() {
    let emu = public_app().await;
    emu.approve_sign_ins();
    let cases: [(&str, Option<&str>, &str); 5] = [
        ("code_challenge_method", Some("plain"), "invalid_request"),
        ("code_challenge", None, "invalid_request"),
        ("response_type", Some("token"), "unsupported_response_type"),
        ("scope", Some("Not.APermission"), "invalid_scope"),
        ("state", None, "invalid_request"),
    ];
    for (key, value, error) in cases {
        let mut params = good_params("User.Read");
        params.retain(|(k, _)| *k != key);
        if let Some(v) = value {
            params.push((key, v.to_owned()));
        }
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, location) = authorize(&authorize_url(&emu, &params)).await;
        assert_eq!(status, 302, "{key}");
        let location = location.unwrap();
        assert_eq!(pair(&location, "error").as_deref(), Some(error), "{key}");
        assert!(pair(&location, "code").is_none(), "{key}");
    }
}

#[tokio::test]
async fn a_redirect_uri_off_loopback_or_an_unknown_client_is_never_redirected_to() {
    let emu = public_app().await;
    emu.approve_sign_ins();
    for bad in [
        "https://evil.example/cb",
        "http://evil.example:8080",
        "http://localhost.evil.example",
        "http://user@localhost:1",
        "not a url",
    ] {
        let mut params = good_params("User.Read");
        params.retain(|(k, _)| *k != "redirect_uri");
        params.push(("redirect_uri", bad.to_owned()));
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, location) = authorize(&authorize_url(&emu, &params)).await;
        assert_eq!((status, location), (400, None), "{bad}");
    }
    let mut params = good_params("User.Read");
    params.retain(|(k, _)| *k != "client_id");
    params.push(("client_id", "nobody".to_owned()));
    let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location) = authorize(&authorize_url(&emu, &params)).await;
    assert_eq!((status, location), (400, None));
    // 127.0.0.1 is a loopback redirect too.
    let mut params = good_params("User.Read");
    params.retain(|(k, _)| *k != "redirect_uri");
    params.push(("redirect_uri", "http://127.0.0.1:9/cb".to_owned()));
    let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location) = authorize(&authorize_url(&emu, &params)).await;
    assert_eq!(status, 302);
    assert!(pair(&location.unwrap(), "code").is_some());
}

#[tokio::test]
async fn scopes_of_a_registered_api_give_a_token_for_that_api_which_graph_refuses() {
    let emu = public_app().await;
    emu.approve_sign_ins();
    emu.require_signed_tokens(true);
    let c = code(&emu, &format!("api://{CLIENT_ID}/access_as_user")).await;
    let (status, body) = redeem(&emu, &c, VERIFIER, REDIRECT).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], format!("api://{CLIENT_ID}/access_as_user"));
    let token = body["access_token"].as_str().unwrap();
    let claims = payload(token);
    assert_eq!(claims["aud"], format!("api://{CLIENT_ID}"));
    assert_eq!(claims["scp"], "access_as_user");
    let (status, _, _) = get_with(&format!("{}/users", emu.v1_url()), Some(token)).await;
    assert_eq!(
        status, 401,
        "a token for another audience is no Graph token"
    );
    // An API nobody registered, and two resources at once.
    for (scope, error) in [
        ("api://nobody/access_as_user", "invalid_resource"),
        (
            "api://22222222-3333-4444-5555-666666666666/x User.Read",
            "invalid_scope",
        ),
    ] {
        let params = good_params(scope);
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (_, location) = authorize(&authorize_url(&emu, &params)).await;
        assert_eq!(
            pair(&location.unwrap(), "error").as_deref(),
            Some(error),
            "{scope}"
        );
    }
}
