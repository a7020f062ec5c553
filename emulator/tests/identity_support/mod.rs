//! Helpers of the identity endpoint's tests: form posts, token payloads, client assertions.

#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use graph_odata_emulator::{App, Emulator};
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use x509_cert::Certificate;
use x509_cert::der::{DecodePem, Encode};

pub const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
pub const SECRET: &str = "emulator-test-secret";
pub const APP_CERT: &str = include_str!("../fixtures/app-cert.pem");
pub const APP_KEY: &str = include_str!("../fixtures/app-cert-key.pem");
pub const FORGER_KEY: &str = include_str!("../fixtures/forger-key.pem");

pub async fn emulator() -> Emulator {
    match Emulator::start().await {
        Ok(emu) => emu,
        Err(e) => panic!("cannot start the emulator on loopback: {e}"),
    }
}

/// An emulator with the test app registered (secret, certificate, `User.Read.All` as a role)
/// and one user.
pub async fn with_app() -> Emulator {
    let emu = emulator().await;
    let app = App::new(CLIENT_ID)
        .secret(SECRET)
        .roles(["User.Read.All"])
        .certificate_pem(APP_CERT)
        .unwrap();
    emu.register_app(app);
    emu.insert("/users", json!({"displayName": "Adele"}));
    emu
}

pub fn token_url(emu: &Emulator) -> String {
    format!("{}/common/oauth2/v2.0/token", emu.base_url())
}

/// `POST url` with a form body; the status and the JSON answer.
pub async fn post_form(url: &str, fields: &[(&str, &str)]) -> (u16, Value) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let r = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// `GET url` with a bearer token: the status, the `WWW-Authenticate` header and the body.
pub async fn get_with(url: &str, token: Option<&str>) -> (u16, String, Value) {
    let mut request = reqwest::Client::new().get(url);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let challenge = r
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = r.text().await.unwrap();
    (
        status,
        challenge,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The payload of a JWT, not verified.
pub fn payload(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The `x5t` of `app-cert.pem`: its SHA-1 thumbprint, base64url.
pub fn x5t() -> String {
    let der = Certificate::from_pem(APP_CERT.trim())
        .unwrap()
        .to_der()
        .unwrap();
    URL_SAFE_NO_PAD.encode(Sha1::digest(&der))
}

/// A client assertion with `claims`, signed RS256 by `key_pem` with `x5t`.
pub fn sign(key_pem: &str, x5t: Option<String>, claims: &Value) -> String {
    let key = RsaPrivateKey::from_pkcs8_pem(key_pem).unwrap();
    let der = key.to_pkcs1_der().unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.x5t = x5t;
    jsonwebtoken::encode(
        &header,
        claims,
        &jsonwebtoken::EncodingKey::from_rsa_der(der.as_bytes()),
    )
    .unwrap()
}

/// The claims of a good client assertion for `emu`'s token endpoint.
pub fn good_claims(emu: &Emulator) -> Value {
    json!({
        "aud": token_url(emu),
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "exp": now() + 600,
        "nbf": now(),
        "jti": uuid::Uuid::new_v4().to_string(),
    })
}

/// The form of a client-credentials request with `assertion`.
pub async fn with_assertion(emu: &Emulator, assertion: &str) -> (u16, Value) {
    post_form(
        &token_url(emu),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("scope", "https://graph.microsoft.com/.default"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
        ],
    )
    .await
}

/// An app-only token by the client secret.
pub async fn app_token(emu: &Emulator) -> String {
    let (status, body) = post_form(
        &token_url(emu),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

/// The AADSTS code of an identity platform error.
pub fn aadsts(body: &Value) -> String {
    body["error_description"]
        .as_str()
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .to_owned()
}

/// A public client app's id, for the user sign-ins of the tests.
pub const PUBLIC_ID: &str = "22222222-3333-4444-5555-666666666666";

/// A user's token for `scope` (Graph's or `api://{client_id}/…`), through the browser sign-in
/// of the public app `PUBLIC_ID` (registered here) as the user `oid`.
pub async fn user_token(emu: &Emulator, scope: &str, oid: &str) -> String {
    use sha2::{Digest, Sha256};
    emu.register_app(App::new(PUBLIC_ID));
    emu.approve_sign_ins_as(oid);
    let verifier = "a-verifier-of-forty-three-characters-or-more-1234567";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let redirect = "http://localhost:1";
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("client_id", PUBLIC_ID),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("scope", scope),
            ("state", "s"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!(
            "{}/common/oauth2/v2.0/authorize?{query}",
            emu.base_url()
        ))
        .send()
        .await
        .unwrap();
    let location = reqwest::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let (status, body) = post_form(
        &token_url(emu),
        &[
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_ID),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}
