//! Tracing output: spans per call and per try, and never a secret.
//!
//! This test has its own binary: tracing caches per-callsite interest process-wide, so a test running
//! in parallel without a subscriber could hide these spans from it.

mod support;

use graph_odata::prelude::*;
use graph_odata_emulator::Fault;
use serde_json::{Value, json};
use support::{emulator, fast_retry};

const TOKEN: &str = "eyJ0eXAiOiJKV1Qi.secret-token-value";

#[tokio::test]
async fn tracing_records_calls_and_tries_but_never_the_token() {
    let (captured, _guard) = support::trace::capture(tracing::Level::TRACE);

    let emu = emulator().await;
    emu.insert("/users", json!({"id": "u"}));
    emu.fault(Fault::throttle("0"));
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(StaticToken::new(TOKEN))
        .retry(fast_retry())
        .build()
        .unwrap();
    let _: Value = client
        .send(Request::get("/users/u").query("$select", "id"))
        .await
        .unwrap();

    let text = captured.text();
    assert!(text.contains("graph_odata.call"), "{text}");
    assert!(text.contains("graph_odata.try"), "{text}");
    assert!(text.contains("attempt=2"), "{text}");
    assert!(text.contains("retrying"), "{text}");
    assert!(text.contains("path=/users/u"), "{text}");
    assert!(
        !text.contains("$select"),
        "queries stay out of logs: {text}"
    );
    assert!(!text.contains(TOKEN), "token logged: {text}");
    assert!(!text.contains("secret-token-value"), "token logged: {text}");
}

/// A function with a secret parameter, written into the path.
#[graph_function(
    "contoso.test.usage",
    metadata = "tests/fixtures/contoso.csdl.xml",
    returns = i64,
    paths = ["GET /reports/usage"]
)]
pub struct Usage {
    pub top: Option<i32>,
    #[graph(secret)]
    pub note: String,
}

#[tokio::test]
async fn a_secret_function_parameter_stays_out_of_the_call_span() {
    let (captured, _guard) = support::trace::capture(tracing::Level::TRACE);

    let emu = emulator().await;
    let client = Client::builder()
        .service_root(emu.v1_url())
        .retry(fast_retry())
        .build()
        .unwrap();
    let call = Usage {
        top: Some(7),
        note: "hunter2-secret".into(),
    };
    // The emulator knows no such function: the answer is an error, the span is written anyway.
    let _ = client.send(call.reports()).await;

    let text = captured.text();
    assert!(text.contains("graph_odata.call"), "{text}");
    assert!(text.contains("path=/reports/usage(top=7"), "{text}");
    assert!(!text.contains("hunter2"), "secret parameter logged: {text}");
}

#[tokio::test]
async fn a_pre_authenticated_upload_url_stays_out_of_the_call_span() {
    use graph_odata::upload::{UploadOptions, UploadSession};
    let (captured, _guard) = support::trace::capture(tracing::Level::TRACE);

    let emu = emulator().await;
    emu.insert("/me/drive/items", json!({"id": "root", "name": "root"}));
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(StaticToken::new(TOKEN))
        .retry(fast_retry())
        .build()
        .unwrap();
    let session: Request<UploadSession> =
        Request::post("/me/drive/root:/a.bin:/createUploadSession", &json!({}));
    let _: Value = client
        .upload(session, &b"abc"[..], 3, UploadOptions::default())
        .await
        .unwrap();

    let upload_path = emu
        .requests()
        .into_iter()
        .map(|r| r.path)
        .find(|p| p.starts_with("/upload/"))
        .unwrap();
    let text = captured.text();
    assert!(text.contains("createUploadSession"), "{text}");
    assert!(
        !text.contains(&upload_path),
        "the upload URL ({upload_path}) is a credential: {text}"
    );
}

#[tokio::test]
async fn each_try_span_records_its_status() {
    let captured = support::trace::Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = emulator().await;
    emu.insert("/users", json!({"id": "u"}));
    emu.fault(Fault::throttle("0"));
    let client = Client::builder()
        .service_root(emu.v1_url())
        .retry(fast_retry())
        .build()
        .unwrap();
    let _: Value = client.send(Request::get("/users/u")).await.unwrap();

    let text = captured.text();
    let tries: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("graph_odata.try") && l.contains("close"))
        .collect();
    assert_eq!(tries.len(), 2, "{text}");
    assert!(tries[0].contains("status=429"), "{text}");
    assert!(tries[1].contains("status=200"), "{text}");
}
