//! Server text in errors: a hostile service answers an error whose code and message carry
//! terminal escapes, a forged log line and long text (12 KB in a single call's error body, which is
//! read up to 16 KiB; 10 MB in a `$batch` answer). `Display` stays one printable line of
//! bounded length; the raw text stays available through `Error::api`.

mod support;

use axum::Router;
use axum::routing::{get, post};
use graph_odata::prelude::*;
use graph_odata_runtime::batch::Batch;
use graph_odata_runtime::redact::DEFAULT_MAX_SHOWN_TEXT;
use serde_json::{Value, json};
use support::{client_no_retry, serve};

const BIG: usize = 10 * 1024 * 1024;

fn hostile_error(len: usize) -> Value {
    let message = format!("bad\nFAKE LOG LINE level=ERROR {}", "A".repeat(len));
    json!({"error": {"code": "\u{1b}[31mred\u{1b}[0m", "message": message,
        "innerError": {"request-id": "id\r\nFAKE: header"}}})
}

fn assert_safe(text: &str) {
    assert!(
        !text.contains('\n') && !text.contains('\r'),
        "one line: {text:.300}"
    );
    assert!(!text.contains('\u{1b}'), "no escapes: {text:.300}");
    assert!(
        text.len() < 4 * DEFAULT_MAX_SHOWN_TEXT + 400,
        "bounded: {} bytes",
        text.len()
    );
    assert!(
        text.contains("\\u{1b}[31mred"),
        "escaped, still readable: {text:.300}"
    );
    assert!(text.contains("FAKE LOG LINE"), "{text:.300}");
    assert!(text.contains('…'), "marked where cut: {text:.300}");
}

#[tokio::test]
async fn error_display_is_one_printable_bounded_line() {
    let app = Router::new()
        .route(
            "/v1.0/me",
            get(|| async {
                (
                    http::StatusCode::BAD_REQUEST,
                    axum::Json(hostile_error(12_000)),
                )
            }),
        )
        .route(
            "/v1.0/$batch",
            post(|| async {
                axum::Json(json!({"responses": [
                    {"id": "1", "status": 400, "headers": {"content-type": "application/json"},
                     "body": hostile_error(BIG)}
                ]}))
            }),
        );
    let root = format!("{}/v1.0", serve(app).await);
    let client = client_no_retry(&root);

    let e = client.send(Request::<Value>::get("/me")).await.unwrap_err();
    let text = e.to_string();
    assert_safe(&text);
    assert!(text.contains("bytes)"), "names the length: {text:.300}");
    let api = e.api().unwrap();
    assert!(
        api.message.as_deref().unwrap().len() > 12_000,
        "the raw text is kept"
    );
    assert_eq!(api.code.as_deref(), Some("\u{1b}[31mred\u{1b}[0m"));
    assert_safe(&api.to_string());

    let mut batch = Batch::new();
    let me = batch.add(Request::<Value>::get("/me"));
    let results = client.send_batch(batch).await.unwrap();
    let e = results.get(&me).unwrap_err();
    assert_safe(&e.to_string());
    assert!(e.api().unwrap().message.as_deref().unwrap().len() > BIG);
}
