//! OneDrive's path-based addressing in declared endpoints: `root:/{itemPath}:` and
//! `items/{parentId}:/{fileName}:`, followed by more segments, with the item path's `/` kept and
//! every segment percent-encoded, end to end against the emulator.

mod support;

use graph_odata::prelude::*;
use graph_odata::upload::{UploadOptions, UploadSession};
use serde_json::Value;
use support::{client_for, emulator};

/// `driveItem: createUploadSession`, addressed by path.
#[graph_action(
    "microsoft.graph.createUploadSession",
    returns = UploadSession,
    bound = "microsoft.graph.driveItem",
    paths = [
        "POST /me/drive/root:/{itemPath}:/createUploadSession",
        under = "POST /me/drive/items/{parentId}:/{fileName}:/createUploadSession",
    ],
)]
#[derive(Default)]
pub struct CreateUploadSession {
    pub item: Option<DriveItemUploadableProperties>,
}

#[graph_complex]
#[derive(Debug, Default)]
pub struct DriveItemUploadableProperties {
    pub description: Option<String>,
}

#[tokio::test]
async fn an_upload_under_a_path_sends_the_exact_path() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let data = vec![42u8; 1000];
    let session = CreateUploadSession::default().me_drive_root("Documents/a b.txt");
    assert_eq!(
        session.path(),
        "/me/drive/root:/Documents/a%20b.txt:/createUploadSession"
    );
    let item: Value = client
        .upload(
            session,
            &data[..],
            data.len() as u64,
            UploadOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(item["size"], 1000);
    let first = &emu.requests()[0];
    assert_eq!(
        first.path,
        "/v1.0/me/drive/root:/Documents/a%20b.txt:/createUploadSession"
    );

    let under = CreateUploadSession::default().under("01PARENT", "q1 #draft?.docx");
    assert_eq!(
        under.path(),
        "/me/drive/items/01PARENT:/q1%20%23draft%3F.docx:/createUploadSession"
    );
}

#[tokio::test]
async fn bad_item_paths_are_build_errors_before_sending() {
    let emu = emulator().await;
    let client = client_for(&emu);
    for (path, says) in [
        ("", "is empty"),
        ("Documents//a.txt", "empty segment"),
        ("Documents/../secrets.txt", "`..` segment"),
        ("./a.txt", "`.` segment"),
    ] {
        let err = client
            .send(CreateUploadSession::default().me_drive_root(path))
            .await
            .unwrap_err();
        assert!(err.is_build(), "{path}: {err:?}");
        assert!(err.to_string().contains(says), "{path}: {err}");
    }
    assert!(emu.requests().is_empty(), "nothing was sent");
}

/// A server that records every request's path and query as sent.
async fn uri_recorder() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let seen: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let s = seen.clone();
    let app = axum::Router::new().fallback(axum::routing::any(move |uri: http::Uri| {
        let s = s.clone();
        async move {
            s.lock().map(|mut v| v.push(uri.to_string())).ok();
            axum::Json(serde_json::json!({}))
        }
    }));
    (support::serve(app).await, seen)
}

#[tokio::test]
async fn an_unquoted_key_in_parentheses_refuses_text_that_is_not_a_bare_literal() {
    use graph_odata::path::PathBuilder;
    let (root, seen) = uri_recorder().await;
    let client = support::client_no_retry(&root);
    for hostile in [
        "1,owner='mallory'",
        "'x'",
        "1) or (1",
        "a b",
        "1%2C2",
        "x/../../admin",
    ] {
        let request: Request<Value> = PathBuilder::new()
            .segment("items")
            .paren_key("id", hostile, false)
            .request(http::Method::GET);
        let err = client.send(request).await.unwrap_err();
        assert!(err.is_build(), "{hostile}: {err}");
        assert!(err.to_string().contains("{id}"), "{err}");
        assert!(err.to_string().contains("without quotes"), "{err}");
    }
    assert!(seen.lock().unwrap().is_empty(), "nothing was sent");
    for bare in [
        "42",
        "-3.5",
        "01234567-89ab-cdef-0123-456789abcdef",
        "2026-01-01T00:00:00Z",
    ] {
        let request: Request<Value> = PathBuilder::new()
            .segment("items")
            .paren_key("id", bare, false)
            .request(http::Method::GET);
        client.send(request).await.unwrap();
    }
    assert_eq!(
        seen.lock().unwrap().clone(),
        [
            "/items(42)",
            "/items(-3.5)",
            "/items(01234567-89ab-cdef-0123-456789abcdef)",
            "/items(2026-01-01T00%3A00%3A00Z)"
        ]
    );
}

#[tokio::test]
async fn infinite_and_nan_doubles_are_written_as_odata_literals() {
    use graph_odata::path::PathBuilder;
    let (root, seen) = uri_recorder().await;
    let client = support::client_no_retry(&root);
    let request: Request<Value> = PathBuilder::new()
        .call_start("range")
        .typed_arg("hi", &f64::INFINITY)
        .typed_arg("lo", &f64::NEG_INFINITY)
        .typed_arg("x", &f64::NAN)
        .typed_arg("y", &f32::INFINITY)
        .typed_arg("z", &-2.5f64)
        .call_end()
        .request(http::Method::GET);
    client.send(request).await.unwrap();
    assert_eq!(
        seen.lock().unwrap().clone(),
        ["/range(hi=INF,lo=-INF,x=NaN,y=INF,z=-2.5)"]
    );
}
