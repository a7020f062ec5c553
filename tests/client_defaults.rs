//! The defaults the README's "Production settings" quotes, each shown by what a default client
//! does, not by reading a constant: 3 retries (a service answering 503 forever gets exactly four
//! tries), the 30 s credential timeout (on a paused clock), 5 redirects (a redirect loop is
//! followed exactly five times), 3 download resumes (a body cut every time is asked for four
//! times), and a pager holding at most two pages (the one you have and the one it fetches ahead).
//! The 3-minute call deadline is `every_call_has_a_deadline_by_default` in `client_limits.rs`.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::response::IntoResponse;
use graph_odata::auth::{AccessToken, token_fn};
use graph_odata::prelude::*;
use graph_odata_emulator::{Emulator, Fault, pattern_byte};
use http::StatusCode;
use serde_json::{Value, json};
use support::emulator;

/// A client with every default except the service root.
fn default_client(root: &str) -> Client {
    Client::builder().service_root(root).build().unwrap()
}

#[tokio::test]
async fn by_default_a_service_answering_503_forever_gets_four_tries() {
    let emu = emulator().await;
    let path = format!(
        "/users/{}",
        emu.insert("/users", json!({"displayName": "A"}))
    );
    // `Retry-After: 0` keeps the test fast; the count is the default policy's.
    emu.fault(Fault::status(503).retry_after("0").times(u32::MAX));
    let err = default_client(&emu.v1_url())
        .send(Request::<Value>::get(&path))
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(StatusCode::SERVICE_UNAVAILABLE),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 4, "{err}");
    assert_eq!(emu.requests().len(), 4, "the first try and 3 retries");
}

#[tokio::test(start_paused = true)]
async fn by_default_a_stuck_credential_fails_the_call_after_30_seconds() {
    let emu = emulator().await;
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(token_fn(|_| {
            std::future::pending::<Result<AccessToken, Error>>()
        }))
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let err = client.send(Request::<Value>::get("/me")).await.unwrap_err();
    let waited = start.elapsed();
    assert!(err.is_auth(), "{err:?}");
    assert!(err.to_string().contains("credential_timeout"), "{err}");
    assert!(
        waited >= Duration::from_secs(30) && waited < Duration::from_secs(31),
        "gave up after {waited:?}"
    );
    assert!(emu.requests().is_empty(), "nothing is sent without a token");
}

#[tokio::test]
async fn by_default_a_redirect_loop_is_followed_five_times() {
    let hits = Arc::new(AtomicU32::new(0));
    let h = hits.clone();
    let app = axum::Router::new().route(
        "/v1.0/loop",
        axum::routing::get(move || {
            let h = h.clone();
            async move {
                h.fetch_add(1, Ordering::SeqCst);
                (StatusCode::FOUND, [("location", "/v1.0/loop")]).into_response()
            }
        }),
    );
    let root = format!("{}/v1.0", support::serve(app).await);
    let err = default_client(&root)
        .send(Request::<Value>::get("/loop"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Redirect, "{err:?}");
    assert!(err.to_string().contains("more than 5 redirects"), "{err}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        6,
        "the request and five redirects, not retried"
    );
}

#[tokio::test]
async fn by_default_a_download_cut_every_time_is_resumed_three_times() {
    let emu = emulator().await;
    let bytes: Vec<u8> = (0..400_000u64).map(pattern_byte).collect();
    emu.set_content("01CUT", bytes);
    emu.fault(Fault::truncate_body().path("/download/*").times(u32::MAX));
    let client = default_client(&emu.v1_url());
    let download = client
        .download(Request::<()>::get("/me/drive/items/01CUT/content"))
        .await
        .unwrap();
    let mut got = Vec::new();
    let err = tokio::io::copy(&mut download.into_reader(), &mut got)
        .await
        .unwrap_err();
    assert!(!got.is_empty(), "the first piece arrived: {err}");
    let downloads = emu
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/download/"))
        .count();
    assert_eq!(downloads, 4, "the first read and 3 resumes");
}

async fn seeded(n: usize) -> Emulator {
    let emu = emulator().await;
    for i in 0..n {
        emu.insert(
            "/users",
            json!({"id": format!("u{i}"), "displayName": format!("User {i}")}),
        );
    }
    emu
}

/// Waits until the emulator has logged `n` requests (at most 5 s), then a little longer to see
/// whether more come.
async fn settle(emu: &Emulator, n: usize) -> usize {
    for _ in 0..100 {
        if emu.requests().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    emu.requests().len()
}

#[tokio::test]
async fn a_pager_holds_the_page_you_have_and_fetches_only_the_next() {
    let emu = seeded(5).await;
    let client = default_client(&emu.v1_url());
    let mut pages = client.pages(Request::<Page<Value>>::get("/users").query("$top", "1"));
    let first = pages.next_page().await.unwrap().unwrap();
    assert_eq!(
        settle(&emu, 2).await,
        2,
        "while page 1 is held, page 2 is fetched and page 3 is not"
    );
    let second = pages.next_page().await.unwrap().unwrap();
    assert_eq!(
        settle(&emu, 3).await,
        3,
        "page 3 only once page 2 is handed over"
    );
    assert_eq!(first.value[0]["id"], "u0");
    assert_eq!(second.value[0]["id"], "u1");
}
