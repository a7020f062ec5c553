//! Rich notifications: the encrypted content is decrypted here with the receiver's private key
//! (the certificate and key in `tests/fixtures/`, made with openssl: see its README), and the
//! `validationTokens` are checked against the JWKS the emulator serves.

mod notify_support;

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use graph_odata_emulator::{
    CHANGE_TRACKING_APP_ID, DEFAULT_APP_ID, DEFAULT_TENANT_ID, SIGNING_KEY_ID,
};
use hmac::{Hmac, Mac};
use notify_support::*;
use reqwest::Method;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Oaep, RsaPrivateKey};
use serde_json::{Value, json};

const TASKS: &str = "me/todo/lists/L1/tasks";
const CERT: &str = include_str!("fixtures/notify-cert.b64");
const KEY: &str = include_str!("fixtures/notify-cert-key.pem");

fn rich_subscription(url: &str) -> Value {
    let mut body = subscription(TASKS, url);
    body["includeResourceData"] = json!(true);
    body["encryptionCertificate"] = json!(CERT.trim());
    body["encryptionCertificateId"] = json!("cert-1");
    body
}

/// Graph's decryption, as a receiver does it: the data key with RSA-OAEP (SHA-1), the HMAC
/// checked before anything is decrypted, AES-256-CBC with the key's first 16 bytes as IV.
fn decrypt(content: &Value) -> Result<Value, String> {
    let key = RsaPrivateKey::from_pkcs8_pem(KEY).map_err(|e| e.to_string())?;
    let field = |name: &str| {
        STANDARD
            .decode(content[name].as_str().ok_or(format!("no {name}"))?)
            .map_err(|e| format!("{name}: {e}"))
    };
    let data_key = key
        .decrypt(Oaep::new::<sha1::Sha1>(), &field("dataKey")?)
        .map_err(|e| format!("dataKey: {e}"))?;
    let data = field("data")?;
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(&data_key).map_err(|e| e.to_string())?;
    mac.update(&data);
    mac.verify_slice(&field("dataSignature")?)
        .map_err(|_| "dataSignature does not match".to_owned())?;
    let plain = cbc::Decryptor::<aes::Aes256>::new_from_slices(&data_key, &data_key[..16])
        .map_err(|e| e.to_string())?
        .decrypt_padded_vec_mut::<Pkcs7>(&data)
        .map_err(|e| format!("padding: {e}"))?;
    serde_json::from_slice(&plain).map_err(|e| e.to_string())
}

async fn jwks(emu: &graph_odata_emulator::Emulator) -> jsonwebtoken::jwk::JwkSet {
    let (status, body) = send(Method::GET, &emu.jwks_url(), None).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

fn verify(token: &str, set: &jsonwebtoken::jwk::JwkSet, audience: &str) -> Result<Value, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
    let kid = header.kid.ok_or("no kid")?;
    let jwk = set.find(&kid).ok_or("unknown kid")?;
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[format!("https://sts.windows.net/{DEFAULT_TENANT_ID}/")]);
    validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss"]);
    let data =
        jsonwebtoken::decode::<Value>(token, &key, &validation).map_err(|e| e.to_string())?;
    Ok(data.claims)
}

async fn emulator_with_list() -> graph_odata_emulator::Emulator {
    let emu = emulator().await;
    emu.insert("/me/todo/lists", json!({"id": "L1"}));
    emu
}

#[tokio::test]
async fn rich_notifications_decrypt_to_the_entity_and_carry_a_valid_token() {
    let emu = emulator_with_list().await;
    let rx = Receiver::start().await;
    let (status, sub) = subscribe(&emu, &rich_subscription(&rx.hook_url())).await;
    assert_eq!(status, 201, "{sub}");
    let tasks = format!("{}/{TASKS}", emu.v1_url());
    let (status, task) = send(Method::POST, &tasks, Some(&json!({"title": "Secret plan"}))).await;
    assert_eq!(status, 201);

    let (_, collection) = rx.next().await;
    let n = &collection["value"][0];
    let content = &n["encryptedContent"];
    assert_eq!(content["encryptionCertificateId"], "cert-1");
    let thumbprint = content["encryptionCertificateThumbprint"].as_str().unwrap();
    assert_eq!(thumbprint.len(), 40);
    let entity = decrypt(content).unwrap();
    assert_eq!(entity["title"], "Secret plan");
    assert_eq!(entity["id"], task["id"]);
    assert_eq!(n["resourceData"]["id"], task["id"]);

    let tokens = collection["validationTokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1);
    let token = tokens[0].as_str().unwrap();
    let set = jwks(&emu).await;
    assert_eq!(set.keys[0].common.key_id.as_deref(), Some(SIGNING_KEY_ID));
    let claims = verify(token, &set, DEFAULT_APP_ID).unwrap();
    assert_eq!(claims["azp"], CHANGE_TRACKING_APP_ID);
    assert_eq!(claims["tid"], DEFAULT_TENANT_ID);
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 3600);

    // The same token for another app, or tampered, is refused by the verifier.
    assert!(verify(token, &set, "some-other-app").is_err());
    let mut forged = token.to_owned();
    forged.replace_range(forged.len() - 4.., "AAAA");
    assert!(verify(&forged, &set, DEFAULT_APP_ID).is_err());

    // A flipped byte of `data` fails the signature check before any decryption.
    let mut tampered = content.clone();
    let mut data = STANDARD.decode(content["data"].as_str().unwrap()).unwrap();
    data[0] ^= 1;
    tampered["data"] = json!(STANDARD.encode(&data));
    assert_eq!(
        decrypt(&tampered).unwrap_err(),
        "dataSignature does not match"
    );
}

#[tokio::test]
async fn each_notification_has_a_fresh_key() {
    let emu = emulator_with_list().await;
    let rx = Receiver::start().await;
    subscribe(&emu, &rich_subscription(&rx.hook_url())).await;
    emu.insert(&format!("/{TASKS}"), json!({"title": "one"}));
    emu.insert(&format!("/{TASKS}"), json!({"title": "two"}));
    let (_, a) = rx.next().await;
    let (_, b) = rx.next().await;
    let key = |n: &Value| n["value"][0]["encryptedContent"]["dataKey"].clone();
    assert_ne!(key(&a), key(&b));
    let mut titles =
        [a, b].map(|n| decrypt(&n["value"][0]["encryptedContent"]).unwrap()["title"].clone());
    titles.sort_by_key(|t| t.to_string());
    assert_eq!(titles, [json!("one"), json!("two")]);
}

#[tokio::test]
async fn the_audience_follows_the_settings_and_notification_url_app_id() {
    let emu = emulator_with_list().await;
    emu.set_app_id("11111111-2222-3333-4444-555555555555");
    let rx = Receiver::start().await;
    subscribe(&emu, &rich_subscription(&rx.hook_url())).await;
    let other = Receiver::start().await;
    let mut body = rich_subscription(&other.hook_url());
    body["notificationUrlAppId"] = json!("99999999-8888-7777-6666-555555555555");
    subscribe(&emu, &body).await;
    emu.insert(&format!("/{TASKS}"), json!({"title": "x"}));
    let set = jwks(&emu).await;
    let (_, n) = rx.next().await;
    let token = n["validationTokens"][0].as_str().unwrap();
    assert!(verify(token, &set, "11111111-2222-3333-4444-555555555555").is_ok());
    let (_, n) = other.next().await;
    let token = n["validationTokens"][0].as_str().unwrap();
    assert!(verify(token, &set, "99999999-8888-7777-6666-555555555555").is_ok());
}

#[tokio::test]
async fn a_deletion_carries_a_token_but_no_content() {
    let emu = emulator_with_list().await;
    let rx = Receiver::start().await;
    let id = emu.insert(&format!("/{TASKS}"), json!({"title": "x"}));
    subscribe(&emu, &rich_subscription(&rx.hook_url())).await;
    let (status, _) = send(
        Method::DELETE,
        &format!("{}/{TASKS}/{id}", emu.v1_url()),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, n) = rx.next().await;
    assert_eq!(n["value"][0]["changeType"], "deleted");
    assert!(n["value"][0].get("encryptedContent").is_none());
    assert!(n["validationTokens"][0].is_string());
}

#[tokio::test]
async fn bad_certificates_are_refused_with_the_reason() {
    let emu = emulator_with_list().await;
    let rx = Receiver::start().await;
    for (cert, expect) in [
        (json!("%%%"), "not base64"),
        (
            json!(STANDARD.encode(b"not a certificate")),
            "not a DER certificate",
        ),
        (json!(null), "encryptionCertificate"),
    ] {
        let mut body = rich_subscription(&rx.hook_url());
        body["encryptionCertificate"] = cert;
        let (status, e) = subscribe(&emu, &body).await;
        assert_eq!(status, 400, "{e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(expect),
            "{e}"
        );
    }
    let mut body = rich_subscription(&rx.hook_url());
    body["encryptionCertificateId"] = json!("");
    let (status, e) = subscribe(&emu, &body).await;
    assert_eq!(status, 400);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("encryptionCertificateId"),
        "{e}"
    );
    assert!(rx.tokens().is_empty());
}

/// Runs `openssl args…` with `input` on stdin; `None` when openssl is not installed (outside CI).
fn openssl(args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let child = std::process::Command::new("openssl")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(_) if std::env::var_os("CI").is_none() => return None,
        Err(e) => panic!("CI needs the openssl program: {e}"),
    };
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out.stdout)
}

/// An independent check of the scheme: openssl unwraps the key (RSA-OAEP, SHA-1) and decrypts
/// the data (AES-256-CBC, IV = the key's first 16 bytes).
#[tokio::test]
async fn openssl_decrypts_the_content_too() {
    let emu = emulator_with_list().await;
    let rx = Receiver::start().await;
    subscribe(&emu, &rich_subscription(&rx.hook_url())).await;
    emu.insert(&format!("/{TASKS}"), json!({"title": "checked by openssl"}));
    let (_, n) = rx.next().await;
    let content = &n["value"][0]["encryptedContent"];
    let dir = std::env::temp_dir().join(format!("graph-odata-notify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("key.pem");
    std::fs::write(&key_file, KEY).unwrap();
    let wrapped = STANDARD
        .decode(content["dataKey"].as_str().unwrap())
        .unwrap();
    let unwrapped = openssl(
        &[
            "pkeyutl",
            "-decrypt",
            "-inkey",
            key_file.to_str().unwrap(),
            "-pkeyopt",
            "rsa_padding_mode:oaep",
            "-pkeyopt",
            "rsa_oaep_md:sha1",
            "-pkeyopt",
            "rsa_mgf1_md:sha1",
        ],
        &wrapped,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let Some(key) = unwrapped else {
        eprintln!("openssl is not installed: the independent check is skipped outside CI");
        return;
    };
    assert_eq!(key.len(), 32);
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let data = STANDARD.decode(content["data"].as_str().unwrap()).unwrap();
    let plain = openssl(
        &[
            "enc",
            "-d",
            "-aes-256-cbc",
            "-K",
            &hex(&key),
            "-iv",
            &hex(&key[..16]),
        ],
        &data,
    )
    .unwrap();
    let entity: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(entity["title"], "checked by openssl");
}
