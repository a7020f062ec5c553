//! Rich notifications: `validationTokens` verified against a JWKS served on loopback, and
//! `encryptedContent` decrypted, both against fixtures made by an independent tool (Python's
//! `cryptography`, `tests/fixtures/notifications/make_fixtures.py`). Every bad case is a typed
//! error; the key set is cached, refreshed on an unknown `kid` at most once per interval, and
//! fetched without the client's token. Times run on tokio's paused clock.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use graph_odata::notify::{
    ChangeNotificationCollection, DecryptError, Decryptor, EncryptedContent, KeySource, Receiver,
    TokenError, TokenVerifier,
};
use graph_odata::prelude::*;
use serde_json::{Value, json};

#[graph_entity(get = "GET /me/todo/lists/{todoTaskListId}/tasks/{todoTaskId}")]
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/notifications");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).expect("the committed fixture is readable")
}

fn json_fixture(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).expect("the fixture is JSON")
}

fn token(name: &str) -> String {
    json_fixture("tokens.json")[name]
        .as_str()
        .expect("a token")
        .to_owned()
}

fn content(name: &str) -> EncryptedContent {
    serde_json::from_value(json_fixture("encrypted.json")[name].clone()).expect("encryptedContent")
}

struct KeyServer {
    url: String,
    fetches: Arc<AtomicUsize>,
    authorized: Arc<AtomicUsize>,
}

/// Serves the fixture JWKS on loopback from a thread of its own (its own runtime, real time), so
/// the test's paused clock does not run the server.
fn key_server() -> KeyServer {
    let fetches = Arc::new(AtomicUsize::new(0));
    let authorized = Arc::new(AtomicUsize::new(0));
    let (f, a) = (fetches.clone(), authorized.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let jwks = fixture("jwks.json");
            let app = axum::Router::new().route(
                "/common/discovery/v2.0/keys",
                axum::routing::get(move |headers: http::HeaderMap| {
                    f.fetch_add(1, Ordering::SeqCst);
                    if headers.contains_key("authorization") {
                        a.fetch_add(1, Ordering::SeqCst);
                    }
                    let body = jwks.clone();
                    async move { ([("content-type", "application/json")], body) }
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            let _ = tx.send(format!("http://{addr}"));
            let _ = axum::serve(listener, app).await;
        });
    });
    let root = rx.recv().expect("the key server starts");
    KeyServer {
        url: format!("{root}/common/discovery/v2.0/keys"),
        fetches,
        authorized,
    }
}

fn verifier(server: &KeyServer) -> TokenVerifier {
    let tokens = json_fixture("tokens.json");
    // No deadlines on the client: the paused clock must not jump to one while a fetch is on the wire.
    let client = Client::builder()
        .service_root(server.url.trim_end_matches("/common/discovery/v2.0/keys"))
        .credential(StaticToken::new("the-apps-graph-token"))
        .timeout(None)
        .try_timeout(None)
        .build()
        .expect("a client");
    TokenVerifier::new(
        client,
        tokens["app_id"].as_str().expect("app id"),
        KeySource::Url(server.url.clone()),
    )
    .tenant(tokens["tenant"].as_str().expect("tenant"))
    .max_age(Duration::from_secs(24 * 3600))
    .min_refresh(Duration::from_secs(3600))
}

#[tokio::test(start_paused = true)]
async fn good_tokens_verify_and_every_bad_one_is_a_typed_error() {
    let server = key_server();
    let v = verifier(&server);
    v.verify(&token("good"))
        .await
        .expect("the good token verifies");
    v.verify(&token("appid_only"))
        .await
        .expect("`appid` stands for `azp`");
    type Expect = fn(&TokenError) -> bool;
    let cases: [(&str, Expect); 8] = [
        ("expired", |e| matches!(e, TokenError::Expired)),
        ("not_yet_valid", |e| matches!(e, TokenError::NotYetValid)),
        ("wrong_audience", |e| matches!(e, TokenError::Audience)),
        ("wrong_issuer", |e| matches!(e, TokenError::Issuer)),
        ("wrong_azp", |e| matches!(e, TokenError::AuthorizedParty)),
        ("forged_signature", |e| matches!(e, TokenError::Signature)),
        (
            "unknown_kid",
            |e| matches!(e, TokenError::UnknownKey(Some(k)) if k == "test-kid-9"),
        ),
        ("alg_none", |e| matches!(e, TokenError::Malformed(_))),
    ];
    for (name, expected) in cases {
        let err = v.verify(&token(name)).await.expect_err(name);
        assert!(expected(&err), "{name}: {err:?}");
        assert!(
            !err.to_string().contains("eyJ"),
            "no token in the message: {err}"
        );
    }
    for garbage in ["", "abc", "a.b.c", "....", &"A".repeat(100_000)] {
        let err = v.verify(garbage).await.expect_err("garbage");
        assert!(matches!(err, TokenError::Malformed(_)), "{err:?}");
    }
    assert_eq!(
        server.authorized.load(Ordering::SeqCst),
        0,
        "the token never goes to the key URL"
    );
}

#[tokio::test(start_paused = true)]
async fn keys_are_cached_refreshed_on_unknown_kid_at_most_once_per_interval_and_on_age() {
    let server = key_server();
    let v = verifier(&server);
    for _ in 0..5 {
        v.verify(&token("good")).await.expect("verifies");
    }
    assert_eq!(
        server.fetches.load(Ordering::SeqCst),
        1,
        "fetched once, then cached"
    );

    // An unknown kid within the refresh interval of the first fetch: no new fetch.
    let _ = v.verify(&token("unknown_kid")).await;
    assert_eq!(server.fetches.load(Ordering::SeqCst), 1);
    tokio::time::advance(Duration::from_secs(3601)).await;
    // After the interval, one refresh; a flood of forged kids right after makes no more.
    for _ in 0..20 {
        let err = v.verify(&token("unknown_kid")).await.expect_err("unknown");
        assert!(matches!(err, TokenError::UnknownKey(_)));
    }
    assert_eq!(server.fetches.load(Ordering::SeqCst), 2);

    tokio::time::advance(Duration::from_secs(24 * 3600)).await;
    v.verify(&token("good")).await.expect("verifies");
    assert_eq!(
        server.fetches.load(Ordering::SeqCst),
        3,
        "refetched past max age"
    );
}

#[tokio::test]
async fn an_unreachable_or_bad_key_set_is_a_typed_error() {
    let client = support::client_no_retry("http://127.0.0.1:9/v1.0");
    let v = TokenVerifier::new(
        client,
        "app",
        KeySource::Url("http://127.0.0.1:9/keys".into()),
    );
    let err = v.verify(&token("good")).await.expect_err("no key server");
    assert!(matches!(err, TokenError::Keys(_)), "{err:?}");

    let root = support::serve(axum::Router::new().route(
        "/keys",
        axum::routing::get(|| async { ([("content-type", "application/json")], "{\"keys\": 5}") }),
    ))
    .await;
    let v = TokenVerifier::new(
        support::client_no_retry(&root),
        "app",
        KeySource::Url(format!("{root}/keys")),
    );
    let err = v.verify(&token("good")).await.expect_err("not a JWKS");
    assert!(
        matches!(err, TokenError::Keys(ref m) if m.contains("JWKS")),
        "{err:?}"
    );
}

fn decryptor() -> Decryptor {
    Decryptor::new()
        .with_certificate_pem("cert-1", &fixture("key-1.pem"), &fixture("cert-1.pem"))
        .and_then(|d| d.with_key_pem("cert-2", &fixture("key-2.pem")))
        .expect("the fixture keys load")
}

#[test]
fn encrypted_content_decrypts_into_the_model_with_the_certificate_it_names() {
    let d = decryptor();
    let expected = TodoTask {
        id: Some("AAMkTask".into()),
        title: Some("Pay rent".into()),
    };
    assert_eq!(
        d.decrypt::<TodoTask>(&content("good")),
        Ok(expected.clone())
    );
    assert_eq!(d.decrypt::<TodoTask>(&content("rotated")), Ok(expected));
    let plain: Value = d.decrypt(&content("good")).expect("decrypts");
    assert_eq!(plain, json_fixture("encrypted.json")["plain"]);
}

#[test]
fn tampered_wrong_key_and_malformed_content_are_typed_errors() {
    let d = decryptor();
    let cases: [(&str, DecryptError); 4] = [
        ("tampered_signature", DecryptError::Signature),
        ("wrong_key", DecryptError::DataKey),
        ("bad_padding", DecryptError::Cipher),
        ("bad_base64", DecryptError::Base64("data")),
    ];
    for (name, expected) in cases {
        assert_eq!(d.decrypt::<Value>(&content(name)), Err(expected), "{name}");
    }
    let mut unknown = content("good");
    unknown.encryption_certificate_id = "cert-9".into();
    assert_eq!(
        d.decrypt::<Value>(&unknown),
        Err(DecryptError::UnknownCertificate("cert-9".into()))
    );
    let mut thumb = content("good");
    thumb.encryption_certificate_thumbprint = "00".repeat(20);
    assert_eq!(d.decrypt::<Value>(&thumb), Err(DecryptError::Thumbprint));
    let mut short_key = content("good");
    short_key.data_key = "AAAA".into();
    assert_eq!(d.decrypt::<Value>(&short_key), Err(DecryptError::DataKey));

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        title: u32,
    }
    let err = d
        .decrypt::<Wrong>(&content("good"))
        .expect_err("wrong model");
    assert!(
        matches!(err, DecryptError::Json { ref path, .. } if path == "title"),
        "{err:?}"
    );
    assert!(matches!(
        Decryptor::new().with_key_pem(
            "x",
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        ),
        Err(DecryptError::Key(_))
    ));
    assert!(
        !format!("{d:?}").contains("BEGIN"),
        "no key material in Debug"
    );
}

fn rich_batch(tokens: Option<Vec<String>>) -> String {
    let mut body = json!({"value": [{
        "subscriptionId": "sub-1", "clientState": "state", "changeType": "created",
        "resource": "me/todo/lists/L1/tasks/AAMkTask", "tenantId": json_fixture("tokens.json")["tenant"],
        "resourceData": {"@odata.type": "#microsoft.graph.todoTask", "id": "AAMkTask"},
        "encryptedContent": json_fixture("encrypted.json")["good"]
    }]});
    if let Some(tokens) = tokens {
        body["validationTokens"] = json!(tokens);
    }
    body.to_string()
}

#[tokio::test(start_paused = true)]
async fn the_receiver_refuses_rich_batches_without_valid_tokens() {
    let server = key_server();
    let (receiver, mut notifications) = Receiver::<TodoTask>::builder()
        .client_state("state")
        .verify_tokens(verifier(&server))
        .build();
    let post = |body: String| {
        http::Request::post("/notify")
            .header("content-type", "application/json")
            .body(bytes::Bytes::from(body))
            .expect("a request")
    };
    for (tokens, why) in [
        (None, "Missing"),
        (Some(vec![]), "Missing"),
        (Some(vec![token("forged_signature")]), "Signature"),
        (Some(vec![token("good"), token("expired")]), "Expired"),
    ] {
        let answer = receiver.handle(post(rich_batch(tokens))).await;
        assert_eq!(answer.status(), 401, "{why}");
        assert!(
            notifications.try_recv().is_none(),
            "{why}: nothing handed out"
        );
    }
    let answer = receiver
        .handle(post(rich_batch(Some(vec![token("good")]))))
        .await;
    assert_eq!(answer.status(), 202);
    let n = notifications.recv().await.expect("handed out");
    let task: TodoTask = decryptor()
        .decrypt(n.encrypted_content.as_ref().expect("encrypted content"))
        .expect("decrypts");
    assert_eq!(task.title.as_deref(), Some("Pay rent"));
    let decoded: ChangeNotificationCollection<TodoTask> =
        serde_json::from_str(&rich_batch(None)).expect("decodes");
    assert_eq!(
        decoded.value[0]
            .resource_data
            .as_ref()
            .and_then(|t| t.id.as_deref()),
        Some("AAMkTask")
    );
}
