//! Cancellation: dropping the future of a `$batch`, an upload or a download closes the connection
//! it opened, at once (the server sees the close within a second).

mod support;

use std::time::{Duration, Instant};

use graph_odata::batch::Batch;
use graph_odata::prelude::*;
use graph_odata::upload::{UploadOptions, UploadSession};
use serde_json::{Value, json};
use support::{Holder, holding_server, json_answer};

/// Drops `task` once the server holds a request, and returns how long the close took to arrive.
async fn drop_when_held(task: tokio::task::JoinHandle<()>, holder: &Holder) -> Duration {
    holder
        .wait_for("a held request", |h| h.held().is_some())
        .await;
    let dropped = Instant::now();
    task.abort();
    holder
        .wait_for("the connection closed", |h| h.closed().is_some())
        .await;
    holder
        .closed()
        .unwrap_or(dropped)
        .saturating_duration_since(dropped)
}

#[tokio::test]
async fn dropping_a_batch_closes_its_connection() {
    let (root, holder) = holding_server(|_| vec![]).await;
    let client = support::client_no_retry(&root);
    let task = tokio::spawn(async move {
        let mut batch = Batch::new();
        let _ = batch.add(Request::<Value>::get("/me"));
        let _ = client.send_batch(batch).await;
    });
    let took = drop_when_held(task, &holder).await;
    assert!(took < Duration::from_secs(1), "closed after {took:?}");
}

#[tokio::test]
async fn dropping_an_upload_closes_its_connection() {
    let (root, holder) = holding_server(|origin| {
        vec![json_answer(
            "200 OK",
            &format!(r#"{{"uploadUrl":"{origin}/upload/1","nextExpectedRanges":["0-"]}}"#),
        )]
    })
    .await;
    let client = support::client_no_retry(&root);
    let task = tokio::spawn(async move {
        let data = vec![7u8; 700_000];
        let create = Request::<UploadSession>::post(
            "/me/drive/root:/a.bin:/createUploadSession",
            &json!({}),
        );
        let _ = client
            .upload::<Value, _>(
                create,
                &data[..],
                data.len() as u64,
                UploadOptions::default(),
            )
            .await;
    });
    let took = drop_when_held(task, &holder).await;
    assert!(took < Duration::from_secs(1), "closed after {took:?}");
    assert_eq!(
        holder.requests.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "session, then the slice"
    );
}

#[tokio::test]
async fn dropping_a_download_mid_body_closes_its_connection() {
    // A 100 MB body of which the server sends 64 KiB, then nothing.
    let mut answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 100000000\r\naccept-ranges: bytes\r\n\r\n".to_vec();
    answer.extend(std::iter::repeat_n(b'x', 64 * 1024));
    let (root, holder) = holding_server(|_| vec![answer]).await;
    let client = support::client_no_retry(&root);
    let mut download = client
        .download(Request::<()>::get("/me/drive/items/1/content"))
        .await
        .unwrap();
    assert_eq!(download.total(), Some(100_000_000));
    let first = download.chunk().await.unwrap().unwrap();
    assert!(!first.is_empty());
    let dropped = Instant::now();
    drop(download);
    holder
        .wait_for("the connection closed", |h| h.closed().is_some())
        .await;
    let took = holder.closed().unwrap().saturating_duration_since(dropped);
    assert!(took < Duration::from_secs(1), "closed after {took:?}");
}

#[tokio::test]
async fn dropping_a_download_waiting_for_headers_closes_its_connection() {
    let (root, holder) = holding_server(|_| vec![]).await;
    let client = support::client_no_retry(&root);
    let task = tokio::spawn(async move {
        let _ = client
            .download(Request::<()>::get("/me/drive/items/1/content"))
            .await;
    });
    let took = drop_when_held(task, &holder).await;
    assert!(took < Duration::from_secs(1), "closed after {took:?}");
}
