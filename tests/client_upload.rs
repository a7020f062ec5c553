//! Large file upload: slices of 320 KiB multiples from an AsyncRead, progress, no token on the
//! pre-authenticated URL, and resuming from nextExpectedRanges when a slice fails.

mod support;

use std::sync::{Arc, Mutex};

use graph_odata::prelude::*;
use graph_odata::upload::{SLICE_UNIT, UploadOptions, UploadSession};
use graph_odata_emulator::Fault;
use http::Method;
use serde_json::{Value, json};
use support::emulator;

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

fn session() -> Request<UploadSession> {
    Request::post(
        "/me/drive/root:/quarterly report.pdf:/createUploadSession",
        &json!({"item": {"@microsoft.graph.conflictBehavior": "rename"}}),
    )
}

fn ranges(emu: &graph_odata_emulator::Emulator) -> Vec<String> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/upload/"))
        .map(|r| format!("{} {}", r.method, r.header("content-range").unwrap_or("-")))
        .collect()
}

#[tokio::test]
async fn slices_carry_content_range_and_no_token() {
    let emu = emulator().await;
    emu.insert("/me/drive/items", json!({"id": "root", "name": "root"}));
    emu.require_bearer(Some("tok"));
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(StaticToken::new("tok"))
        .build()
        .unwrap();
    let bytes = data(1_000_000);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let item: Value = client
        .upload(
            session(),
            &bytes[..],
            bytes.len() as u64,
            UploadOptions::default()
                .slice(SLICE_UNIT)
                .on_progress(move |done, total| s.lock().unwrap().push((done, total))),
        )
        .await
        .unwrap();
    assert_eq!(item["name"], "quarterly report.pdf");
    assert_eq!(item["size"], 1_000_000);
    assert_eq!(
        emu.uploaded_content(item["id"].as_str().unwrap()).unwrap(),
        bytes
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (327_680, 1_000_000),
            (655_360, 1_000_000),
            (983_040, 1_000_000),
            (1_000_000, 1_000_000)
        ]
    );
    assert_eq!(
        ranges(&emu),
        [
            "PUT bytes 0-327679/1000000",
            "PUT bytes 327680-655359/1000000",
            "PUT bytes 655360-983039/1000000",
            "PUT bytes 983040-999999/1000000",
        ]
    );
    let log = emu.requests();
    assert!(
        log[0].header("authorization").is_some(),
        "createUploadSession carries the token"
    );
    assert!(
        log.iter()
            .filter(|r| r.path.starts_with("/upload/"))
            .all(|r| r.header("authorization").is_none()),
        "the pre-authenticated upload URL never gets the token"
    );
}

#[tokio::test]
async fn a_failed_third_slice_resumes_from_next_expected_ranges() {
    let emu = emulator().await;
    let client = support::client_no_retry(&emu.v1_url());
    emu.fault(
        Fault::status(503)
            .method(Method::PUT)
            .path("/upload/*")
            .after(2),
    );
    let bytes = data(900_000);
    let item: Value = client
        .upload(
            session(),
            &bytes[..],
            bytes.len() as u64,
            UploadOptions::default().slice(SLICE_UNIT),
        )
        .await
        .unwrap();
    assert_eq!(
        emu.uploaded_content(item["id"].as_str().unwrap()).unwrap(),
        bytes
    );
    assert_eq!(
        ranges(&emu),
        [
            "PUT bytes 0-327679/900000",
            "PUT bytes 327680-655359/900000",
            "PUT bytes 655360-899999/900000",
            "GET -",
            "PUT bytes 655360-899999/900000",
        ]
    );
}

#[tokio::test]
async fn a_dropped_slice_is_retried_by_the_client() {
    let emu = emulator().await;
    let client = support::client_for(&emu);
    emu.fault(
        Fault::drop_connection()
            .method(Method::PUT)
            .path("/upload/*")
            .after(1),
    );
    let bytes = data(700_000);
    let item: Value = client
        .upload(
            session(),
            &bytes[..],
            bytes.len() as u64,
            UploadOptions::default().slice(SLICE_UNIT),
        )
        .await
        .unwrap();
    assert_eq!(
        emu.uploaded_content(item["id"].as_str().unwrap()).unwrap(),
        bytes
    );
    assert_eq!(ranges(&emu).len(), 4, "one slice sent twice");
}

#[tokio::test]
async fn bad_options_and_short_readers_are_clear_errors() {
    let emu = emulator().await;
    let client = support::client_for(&emu);
    let err = client
        .upload::<Value, _>(
            session(),
            &b"abc"[..],
            3,
            UploadOptions::default().slice(100_000),
        )
        .await
        .unwrap_err();
    assert!(err.is_build());
    assert!(err.to_string().contains("multiple of 320 KiB"), "{err}");
    assert!(emu.requests().is_empty());
    let err = client
        .upload::<Value, _>(session(), &b"abc"[..], 10, UploadOptions::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("ended or failed at byte 0 of 10"),
        "{err}"
    );
}

/// An upload service whose `PUT /up` answers the last slice with 202 and `nextExpectedRanges`
/// (from byte `ask_from`) `asks` times before it creates the item; it records every
/// `Content-Range`.
async fn asking_server(size: u64, ask_from: u64, asks: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    use axum::routing::{post, put};
    let seen: Arc<Mutex<Vec<String>>> = Default::default();
    let (s, asked) = (seen.clone(), Arc::new(Mutex::new(0usize)));
    let root = Arc::new(Mutex::new(String::new()));
    let r = root.clone();
    let app = axum::Router::new()
        .route(
            "/session",
            post(move || {
                let root = r.lock().map(|r| r.clone()).unwrap_or_default();
                async move { axum::Json(json!({"uploadUrl": format!("{root}/up")})) }
            }),
        )
        .route(
            "/up",
            put(move |headers: http::HeaderMap, _body: axum::body::Bytes| {
                let range = headers
                    .get("content-range")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-")
                    .to_owned();
                s.lock().map(|mut v| v.push(range.clone())).ok();
                let last = range.contains(&format!("-{}/", size - 1));
                let ask = last && {
                    let mut n = asked.lock().unwrap();
                    *n += 1;
                    *n <= asks
                };
                async move {
                    if ask {
                        (
                            http::StatusCode::ACCEPTED,
                            axum::Json(json!({"nextExpectedRanges": [format!("{ask_from}-")]})),
                        )
                    } else if last {
                        (
                            http::StatusCode::CREATED,
                            axum::Json(json!({"id": "created"})),
                        )
                    } else {
                        (
                            http::StatusCode::ACCEPTED,
                            axum::Json(json!({"nextExpectedRanges": ["0-"]})),
                        )
                    }
                }
            }),
        );
    let url = support::serve(app).await;
    *root.lock().unwrap() = url.clone();
    (url, seen)
}

#[tokio::test]
async fn a_202_to_the_last_slice_resumes_from_its_next_expected_ranges() {
    let size = SLICE_UNIT as u64 + 1000;
    let ask_from = SLICE_UNIT as u64 + 500;
    let (root, seen) = asking_server(size, ask_from, 1).await;
    let client = support::client_at(&root);
    let item: Value = client
        .upload(
            Request::post("/session", &json!({})),
            &data(size as usize)[..],
            size,
            UploadOptions::default().slice(SLICE_UNIT),
        )
        .await
        .unwrap();
    assert_eq!(item, json!({"id": "created"}));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            format!("bytes 0-{}/{size}", SLICE_UNIT - 1),
            format!("bytes {SLICE_UNIT}-{}/{size}", size - 1),
            format!("bytes {ask_from}-{}/{size}", size - 1),
        ]
    );
}

#[tokio::test]
async fn a_last_slice_answered_202_forever_is_an_error_not_the_created_item() {
    let size = 1000u64;
    let (root, seen) = asking_server(size, 0, usize::MAX).await;
    let client = support::client_at(&root);
    let err = client
        .upload::<Value, _>(
            Request::post("/session", &json!({})),
            &data(size as usize)[..],
            size,
            UploadOptions::default().max_resumes(2),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    assert!(err.to_string().contains("202"), "{err}");
    assert_eq!(
        seen.lock().unwrap().len(),
        3,
        "the first try and two resumes"
    );
}
