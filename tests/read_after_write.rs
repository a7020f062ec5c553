//! Read-after-write: a GET right after a create meets the emulator's replication lag; the client
//! reads again within its window (visible in tracing), and not at all when turned off.
//!
//! Its own binary: it installs a tracing subscriber (see `client_tracing.rs`).

mod support;

use std::time::Duration;

use graph_odata::policy::ReadAfterWrite;
use graph_odata::prelude::*;
use serde_json::{Value, json};
use support::{emulator, fast_retry};

fn client(root: &str, settings: ReadAfterWrite) -> Client {
    Client::builder()
        .service_root(root)
        .retry(fast_retry())
        .read_after_write(settings)
        .build()
        .unwrap()
}

async fn create_user(client: &Client) -> String {
    let user: Value = client
        .send(Request::post("/users", &json!({"displayName": "Ada"})))
        .await
        .unwrap();
    user["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_read_right_after_a_create_waits_for_replication() {
    let (captured, _guard) = support::trace::capture(tracing::Level::INFO);

    let emu = emulator().await;
    emu.set_replication_lag(Some(Duration::from_millis(250)));
    let client = client(
        &emu.v1_url(),
        ReadAfterWrite::default().first_wait(Duration::from_millis(100)),
    );
    let id = create_user(&client).await;
    let user: Value = client
        .send(Request::get(format!("/users/{id}")))
        .await
        .unwrap();
    assert_eq!(user["displayName"], "Ada");
    let gets = emu
        .requests()
        .iter()
        .filter(|r| r.method == http::Method::GET)
        .count();
    assert!(gets >= 2, "the first read met the lag: {gets} GETs");
    let text = captured.text();
    assert!(text.contains("graph_odata::read_after_write"), "{text}");
    assert!(text.contains("reading again"), "{text}");

    // Another id's 404 is answered at once.
    emu.clear_requests();
    let err = client
        .send(Request::<Value>::get("/users/someone-else"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(emu.requests().len(), 1);
}

#[tokio::test]
async fn turned_off_the_first_404_is_the_answer() {
    let (captured, _guard) = support::trace::capture(tracing::Level::INFO);
    let emu = emulator().await;
    emu.set_replication_lag(Some(Duration::from_secs(60)));
    let client = client(&emu.v1_url(), ReadAfterWrite::off());
    let id = create_user(&client).await;
    let err = client
        .send(Request::<Value>::get(format!("/users/{id}")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("Request_ResourceNotFound"));
    assert_eq!(emu.requests().len(), 2, "one POST, one GET");
    let text = captured.text();
    assert!(!text.contains("reading again"), "{text}");
}

#[tokio::test]
async fn retries_stop_within_the_window() {
    let (_captured, _guard) = support::trace::capture(tracing::Level::INFO);
    let emu = emulator().await;
    emu.set_replication_lag(Some(Duration::from_secs(60)));
    let client = client(
        &emu.v1_url(),
        ReadAfterWrite::default()
            .first_wait(Duration::from_millis(20))
            .retries(3),
    );
    let id = create_user(&client).await;
    let err = client
        .send(Request::<Value>::get(format!("/users/{id}")))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(emu.requests().len(), 5, "one POST, the GET and 3 retries");
}
