//! Where tokens go, redirects, error bodies, decoding, user agent and tracing hygiene.

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{any, get};
use graph_odata::prelude::*;
use graph_odata_emulator::Fault;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use support::{Seen, client_for, emulator, fast_retry, seen, serve};

const TOKEN: &str = "eyJ0eXAiOiJKV1Qi.secret-token-value";

fn authed_client(root: &str) -> ClientBuilder {
    Client::builder()
        .service_root(root)
        .credential(StaticToken::new(TOKEN))
        .retry(fast_retry())
}

type ClientBuilder = graph_odata::ClientBuilder;

#[tokio::test]
async fn a_redirect_to_another_origin_drops_the_token() {
    let (elsewhere, elsewhere_seen) = support::recorder().await;
    let origin_seen: Seen = Arc::default();
    let target = format!("{elsewhere}/blob?tempauth=xyz");
    let app = Router::new()
        .route(
            "/v1.0/content",
            get(move |State(s): State<Seen>, headers: HeaderMap| {
                let target = target.clone();
                async move {
                    s.lock().map(|mut v| v.push(headers)).ok();
                    (StatusCode::FOUND, [("location", target)]).into_response()
                }
            }),
        )
        .route(
            "/v1.0/moved",
            get(|| async { (StatusCode::TEMPORARY_REDIRECT, [("location", "/v1.0/here")]) }),
        )
        .route(
            "/v1.0/here",
            get(|State(s): State<Seen>, headers: HeaderMap| async move {
                s.lock().map(|mut v| v.push(headers)).ok();
                axum::Json(json!({"here": true}))
            }),
        )
        .with_state(origin_seen.clone());
    let origin = serve(app).await;
    let client = authed_client(&format!("{origin}/v1.0")).build().unwrap();

    let body: Value = client.send(Request::get("/content")).await.unwrap();
    assert_eq!(body["ok"], true);
    assert_eq!(
        seen(&origin_seen)[0].get("authorization").unwrap(),
        &format!("Bearer {TOKEN}")
    );
    let foreign = seen(&elsewhere_seen);
    assert_eq!(foreign.len(), 1);
    assert!(
        foreign[0].get("authorization").is_none(),
        "token leaked across origins"
    );
    assert!(foreign[0].get("client-request-id").is_some());

    // A same-origin redirect keeps it.
    let body: Value = client.send(Request::get("/moved")).await.unwrap();
    assert_eq!(body["here"], true);
    assert!(seen(&origin_seen)[1].get("authorization").is_some());
}

#[tokio::test]
async fn redirect_loops_stop_and_303_turns_post_into_get() {
    let app = Router::new()
        .route(
            "/v1.0/loop",
            any(|| async { (StatusCode::FOUND, [("location", "/v1.0/loop")]) }),
        )
        .route(
            "/v1.0/submit",
            any(|| async { (StatusCode::SEE_OTHER, [("location", "/v1.0/result")]) }),
        )
        .route(
            "/v1.0/result",
            any(|method: http::Method, body: String| async move {
                axum::Json(json!({"method": method.as_str(), "body": body}))
            }),
        );
    let root = serve(app).await;
    let client = Client::builder()
        .service_root(format!("{root}/v1.0"))
        .max_redirects(3)
        .build()
        .unwrap();
    let err = client
        .send(Request::<Value>::get("/loop"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Redirect);
    assert!(err.to_string().contains("more than 3 redirects"), "{err}");

    let answer: Value = client
        .send(Request::post("/submit", &json!({"a": 1})))
        .await
        .unwrap();
    assert_eq!(answer, json!({"method": "GET", "body": ""}));
}

#[tokio::test]
async fn absolute_urls_to_foreign_hosts_get_no_token_unless_allowed() {
    let emu = emulator().await;
    let (foreign, foreign_seen) = support::recorder().await;
    // `localhost` is another host than the emulator's `127.0.0.1`.
    let foreign = foreign.replace("127.0.0.1", "localhost");
    let next_link = format!("{foreign}/v1.0/users?$skiptoken=abc");

    let client = authed_client(&emu.v1_url()).build().unwrap();
    let _: Value = client.send(Request::get(&next_link)).await.unwrap();
    assert!(seen(&foreign_seen)[0].get("authorization").is_none());

    let trusting = authed_client(&emu.v1_url())
        .allowed_host(foreign.trim_start_matches("http://").to_uppercase())
        .build()
        .unwrap();
    let _: Value = trusting.send(Request::get(&next_link)).await.unwrap();
    assert!(seen(&foreign_seen)[1].get("authorization").is_some());

    // The emulator itself (the client's own origin) always gets it.
    emu.insert("/users", json!({"id": "u"}));
    let _: Value = client.send(Request::get("/users/u")).await.unwrap();
    assert_eq!(
        emu.last_request().unwrap().header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn a_non_json_error_body_still_gives_status_and_a_snippet() {
    let emu = emulator().await;
    let client = client_for(&emu);
    emu.fault(Fault::status(502).body_text("<html><body><h1>502 Bad Gateway</h1></body></html>"));
    let err = client.send(Request::<Value>::get("/me")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(err.code(), None);
    let api = err.api().unwrap();
    assert_eq!(
        api.body_snippet.as_deref(),
        Some("<html><body><h1>502 Bad Gateway</h1></body></html>")
    );
    assert!(api.request_id.is_some(), "taken from the request-id header");
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct User {
    id: String,
    #[serde(rename = "displayName")]
    display_name: String,
    #[serde(rename = "businessPhones")]
    business_phones: Vec<String>,
}

#[tokio::test]
async fn a_decode_error_names_the_json_path() {
    let emu = emulator().await;
    let client = client_for(&emu);
    emu.insert(
        "/users",
        json!({"id": "u", "displayName": "Ada", "businessPhones": ["+1 425", 42]}),
    );
    let err = client
        .send(Request::<User>::get("/users/u"))
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    let d = err.decode_error().unwrap();
    assert_eq!(d.path, "businessPhones[1]");
    assert!(d.snippet.contains("42"), "{}", d.snippet);
    assert!(d.target.ends_with("User"));
    assert!(err.to_string().contains("businessPhones[1]"), "{err}");
}

#[tokio::test]
async fn a_401_refreshes_the_token_for_the_next_call_and_never_shows_it() {
    let emu = emulator().await;
    emu.insert("/users", json!({"id": "u"}));
    emu.require_bearer(Some("second-token"));
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(token_fn(move |_scopes: Vec<String>| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok(AccessToken::new(if n == 0 {
                    "first-token"
                } else {
                    "second-token"
                }))
            }
        }))
        .build()
        .unwrap();
    let err = client
        .send(Request::<Value>::get("/users/u"))
        .await
        .unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    let shown = format!("{err} {err:?} {client:?}");
    assert!(!shown.contains("first-token"), "{shown}");

    let user: Value = client.send(Request::get("/users/u")).await.unwrap();
    assert_eq!(user["id"], "u");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_default_scope_of_a_custom_root_is_its_origin() {
    let emu = emulator().await;
    let scopes_seen = Arc::new(Mutex::new(Vec::new()));
    let s = scopes_seen.clone();
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(token_fn(move |scopes: Vec<String>| {
            s.lock().map(|mut v| v.extend(scopes)).ok();
            async { Ok(AccessToken::new("t")) }
        }))
        .build()
        .unwrap();
    emu.create_collection("/groups");
    let _: Value = client.send(Request::get("/groups")).await.unwrap();
    assert_eq!(
        *scopes_seen.lock().unwrap(),
        [format!("{}/.default", emu.base_url())]
    );
}

#[tokio::test]
async fn build_errors_are_reported_before_anything_is_sent() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let err = client
        .send(Request::<Value>::get("/me").header("bad header", "x"))
        .await
        .unwrap_err();
    assert!(err.is_build());
    assert_eq!(err.attempts(), 0);
    assert!(err.to_string().contains("`bad header`"), "{err}");
    let err = client
        .send(Request::<Value>::get("/external/connections/docs\\api"))
        .await
        .unwrap_err();
    assert!(err.is_build());
    assert!(err.to_string().contains("backslash"), "{err}");
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn user_agent_names_the_app_and_the_library() {
    let emu = emulator().await;
    let client = Client::builder()
        .service_root(emu.v1_url())
        .user_agent("contoso-sync/2.1")
        .build()
        .unwrap();
    emu.create_collection("/groups");
    let raw: bytes::Bytes = client
        .send(Request::<Value>::get("/groups").bytes())
        .await
        .unwrap();
    assert!(raw.starts_with(b"{"));
    let ua = emu
        .last_request()
        .unwrap()
        .header("user-agent")
        .unwrap()
        .to_owned();
    assert_eq!(
        ua,
        format!("contoso-sync/2.1 graph-odata/{}", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn an_allowed_host_gets_the_token_only_on_its_own_port() {
    let emu = emulator().await;
    let (allowed, allowed_seen) = support::recorder().await;
    let (other_port, other_seen) = support::recorder().await;
    // Both on `localhost`, another host than the emulator's `127.0.0.1`; only the first port is allowed.
    let allowed = allowed.replace("127.0.0.1", "localhost");
    let other_port = other_port.replace("127.0.0.1", "localhost");
    let authority = allowed.trim_start_matches("http://").to_owned();
    let client = authed_client(&emu.v1_url())
        .allowed_host(authority.to_uppercase())
        .build()
        .unwrap();
    let _: Value = client
        .send(Request::get(format!("{other_port}/x")))
        .await
        .unwrap();
    assert!(
        seen(&other_seen)[0].get("authorization").is_none(),
        "the token went to another port of an allowed host"
    );
    let _: Value = client
        .send(Request::get(format!("{allowed}/x")))
        .await
        .unwrap();
    assert!(seen(&allowed_seen)[0].get("authorization").is_some());

    // A host given without a port means https's 443: no other port gets the token.
    let client = authed_client(&emu.v1_url())
        .allowed_host("localhost")
        .build()
        .unwrap();
    let _: Value = client
        .send(Request::get(format!("{other_port}/y")))
        .await
        .unwrap();
    assert!(seen(&other_seen)[1].get("authorization").is_none());
}
