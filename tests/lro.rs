//! Long-running operations: the three Graph shapes and `Prefer: respond-async` against the
//! emulator, and hostile monitors (token theft, endless progress, endless bodies, redirect loops).

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use graph_odata::lro::{Monitor, Started};
use graph_odata::prelude::*;
use serde_json::{Value, json};
use support::{emulator, fast_retry, serve};

const TOKEN: &str = "lro-test-token";

fn client_with_token(root: &str) -> Client {
    Client::builder()
        .service_root(root)
        .credential(StaticToken::new(TOKEN))
        .retry(fast_retry())
        .build()
        .expect("a loopback service root is valid")
}

fn running<T: std::fmt::Debug>(started: Started<T>) -> Lro<T> {
    match started {
        Started::Running(lro) => lro,
        Started::Finished(v) => panic!("expected 202 Accepted, got a result at once: {v:?}"),
    }
}

#[tokio::test]
async fn drive_copy_polls_the_second_origin_without_the_token() {
    let emu = emulator().await;
    emu.require_bearer(Some(TOKEN));
    emu.insert(
        "/me/drive/items",
        json!({"id": "i1", "name": "plan.txt", "size": 3}),
    );
    let client = client_with_token(&emu.v1_url());
    let copy = Request::<Lro<Value>>::post(
        "/me/drive/items/i1/copy",
        &json!({"name": "plan (copy).txt"}),
    );
    let lro = running(client.start(copy).await.unwrap());
    assert!(
        lro.monitor().url().starts_with(emu.download_base_url()),
        "the monitor is on the second origin"
    );
    let item = lro.wait(&client).await.unwrap();
    assert_eq!(item["name"], "plan (copy).txt");
    assert_ne!(item["id"], "i1");
    let monitor_calls: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/monitor/"))
        .collect();
    assert_eq!(
        monitor_calls.len(),
        2,
        "one inProgress answer, then completed"
    );
    for call in &monitor_calls {
        assert_eq!(
            call.header("authorization"),
            None,
            "the token went to the monitor"
        );
    }
    let last = emu.last_request().unwrap();
    assert!(last.path.ends_with(item["id"].as_str().unwrap()));
    assert_eq!(
        last.header("authorization"),
        Some(&*format!("Bearer {TOKEN}"))
    );
}

#[tokio::test]
async fn team_operation_location_is_below_the_service_root() {
    let emu = emulator().await;
    emu.require_bearer(Some(TOKEN));
    let client = client_with_token(&emu.v1_url());
    let create = Request::<Lro<Value>>::post("/teams", &json!({"displayName": "Architecture"}));
    let lro = running(client.start(create).await.unwrap());
    assert!(
        lro.monitor()
            .url()
            .starts_with(&format!("{}/teams(", emu.v1_url())),
        "`/teams('…')/operations('…')` resolves below the service root"
    );
    let team = lro.wait(&client).await.unwrap();
    assert_eq!(team["displayName"], "Architecture");
}

#[tokio::test]
async fn respond_async_follows_see_other_to_the_result() {
    let emu = emulator().await;
    emu.create_collection("/widgets");
    let client = support::client_for(&emu);
    let create = Request::<Lro<Value>>::post("/widgets", &json!({"name": "w"}))
        .header("Prefer", "respond-async");
    let lro = running(client.start(create).await.unwrap());
    let widget = lro.wait(&client).await.unwrap();
    assert_eq!(widget["name"], "w");
    assert_eq!(emu.count("/widgets"), Some(1));
    // Without the preference the same request answers at once.
    let now = client
        .start(Request::<Lro<Value>>::post(
            "/widgets",
            &json!({"name": "v"}),
        ))
        .await
        .unwrap();
    assert!(matches!(now, Started::Finished(ref v) if v["name"] == "v"));
}

#[tokio::test]
async fn a_dropped_wait_resumes_from_a_saved_monitor() {
    let emu = emulator().await;
    emu.insert("/me/drive/items", json!({"id": "i1", "name": "a.txt"}));
    let client = support::client_for(&emu);
    let copy = Request::<Lro<Value>>::post("/me/drive/items/i1/copy", &json!({}));
    let lro = running(client.start(copy).await.unwrap());
    // A wait cut short loses nothing: the operation is still there to poll.
    let cut = tokio::time::timeout(Duration::from_millis(1), lro.wait(&client)).await;
    assert!(
        cut.is_err(),
        "the first poll waits at least the minimum wait"
    );
    let saved = serde_json::to_string(lro.monitor()).unwrap();
    drop(lro);
    let monitor: Monitor = serde_json::from_str(&saved).unwrap();
    let item = Lro::<Value>::resume(monitor).wait(&client).await.unwrap();
    assert_eq!(item["name"], "a.txt");
    assert_eq!(emu.count("/me/drive/items"), Some(2));
}

/// A service that starts an operation whose monitor is `monitor` (absolute or relative).
async fn service_with_monitor(monitor: String) -> String {
    let app = axum::Router::new()
        .route(
            "/v1.0/start",
            axum::routing::post(move || {
                let monitor = monitor.clone();
                async move { (http::StatusCode::ACCEPTED, [("location", monitor)]) }
            }),
        )
        .route(
            "/v1.0/result",
            axum::routing::get(|headers: http::HeaderMap| async move {
                let authed = headers.get("authorization").is_some();
                axum::Json(json!({"done": true, "authed": authed}))
            }),
        );
    serve(app).await
}

/// A monitor server on its own origin: answers with `answer` and records each request's headers.
async fn monitor_server(
    answer: impl Fn(u32) -> axum::response::Response + Clone + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<http::HeaderMap>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = axum::Router::new().fallback(axum::routing::any(move |headers: http::HeaderMap| {
        let answer = answer.clone();
        let record = record.clone();
        async move {
            let n = {
                let mut seen = record.lock().unwrap();
                seen.push(headers);
                seen.len() as u32
            };
            answer(n)
        }
    }));
    (serve(app).await, seen)
}

fn json_reply(status: u16, body: Value) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        http::StatusCode::from_u16(status).unwrap(),
        [("retry-after", "0")],
        axum::Json(body),
    )
        .into_response()
}

#[tokio::test]
async fn a_monitor_on_another_origin_never_receives_the_token() {
    let result_root = Arc::new(Mutex::new(String::new()));
    let root_for_monitor = result_root.clone();
    let (monitor, seen) = monitor_server(move |n| {
        if n < 3 {
            json_reply(202, json!({"status": "inProgress"}))
        } else {
            let root = root_for_monitor.lock().unwrap().clone();
            json_reply(
                200,
                json!({"status": "completed", "resourceLocation": format!("{root}/v1.0/result")}),
            )
        }
    })
    .await;
    let service = service_with_monitor(format!("{monitor}/jobs/1?tempauth=secret")).await;
    *result_root.lock().unwrap() = service.clone();
    let client = client_with_token(&format!("{service}/v1.0"));
    let request = Request::<Lro<Value>>::post("/start", &json!({})).header("x-api-key", "k");
    let lro = running(client.start(request).await.unwrap());
    assert!(!format!("{lro:?}").contains("tempauth"), "{lro:?}");
    let result = lro.wait(&client).await.unwrap();
    assert_eq!(
        result,
        json!({"done": true, "authed": true}),
        "the service's own result gets the token"
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    for headers in seen {
        assert!(
            headers.get("authorization").is_none(),
            "token sent to the monitor"
        );
        assert!(
            headers.get("x-api-key").is_none(),
            "the first request's header went along"
        );
    }
}

#[tokio::test]
async fn in_progress_forever_stops_at_the_deadline() {
    let (monitor, seen) = monitor_server(|_| {
        json_reply(
            202,
            json!({"status": "inProgress", "percentageComplete": 1.0}),
        )
    })
    .await;
    let service = service_with_monitor(format!("{monitor}/jobs/2")).await;
    let client = client_with_token(&format!("{service}/v1.0"));
    let lro = running(
        client
            .start(Request::<Lro<Value>>::post("/start", &json!({})))
            .await
            .unwrap(),
    )
    .deadline(Duration::from_secs(1));
    let err = lro.wait(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("inProgress"), "{err}");
    assert!(
        !err.to_string().contains("jobs/2"),
        "the monitor URL stays out: {err}"
    );
    let polls = seen.lock().unwrap().len();
    // `Retry-After: 0` asks for no wait at all: the minimum wait (100 ms) bounds the polls.
    assert!(
        (1..=11).contains(&polls),
        "bounded by the minimum wait: {polls} polls"
    );
}

#[tokio::test]
async fn an_endless_monitor_body_is_bounded() {
    let (monitor, _) = monitor_server(|_| {
        let chunk = bytes::Bytes::from(vec![b' '; 8192]);
        let endless =
            futures_util::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
        axum::response::Response::new(axum::body::Body::from_stream(endless))
    })
    .await;
    let service = service_with_monitor(format!("{monitor}/jobs/3")).await;
    let client = Client::builder()
        .service_root(format!("{service}/v1.0"))
        .retry(RetryPolicy::none())
        .max_response_size(64 * 1024)
        .build()
        .unwrap();
    let lro = running(
        client
            .start(Request::<Lro<Value>>::post("/start", &json!({})))
            .await
            .unwrap(),
    );
    let err = lro.wait(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
}

#[tokio::test]
async fn a_monitor_redirect_loop_is_bounded() {
    let (monitor, seen) = monitor_server(|_| {
        use axum::response::IntoResponse;
        (http::StatusCode::FOUND, [("location", "/jobs/loop")]).into_response()
    })
    .await;
    let service = service_with_monitor(format!("{monitor}/jobs/loop")).await;
    let client = client_with_token(&format!("{service}/v1.0"));
    let lro = running(
        client
            .start(Request::<Lro<Value>>::post("/start", &json!({})))
            .await
            .unwrap(),
    );
    let err = lro.wait(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Redirect, "{err}");
    assert_eq!(
        seen.lock().unwrap().len(),
        graph_odata::lro::MAX_MONITOR_REDIRECTS + 1
    );
}

#[tokio::test]
async fn a_failed_operation_is_a_typed_error() {
    let (monitor, _) = monitor_server(|_| {
        json_reply(
            200,
            json!({"status": "failed", "error": {"code": "nameAlreadyExists", "message": "taken"}}),
        )
    })
    .await;
    let service = service_with_monitor(format!("{monitor}/jobs/4")).await;
    let client = client_with_token(&format!("{service}/v1.0"));
    let lro = running(
        client
            .start(Request::<Lro<Value>>::post("/start", &json!({})))
            .await
            .unwrap(),
    );
    let err = lro.wait(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OperationFailed, "{err}");
    assert_eq!(err.code(), Some("nameAlreadyExists"));
}

#[tokio::test]
async fn a_202_without_location_is_refused() {
    let app = axum::Router::new().route(
        "/v1.0/start",
        axum::routing::post(|| async { http::StatusCode::ACCEPTED }),
    );
    let service = serve(app).await;
    let client = client_with_token(&format!("{service}/v1.0"));
    let err = client
        .start(Request::<Lro<Value>>::post("/start", &json!({})))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
}

#[tokio::test]
async fn a_completed_operation_without_a_result_reads_as_unit() {
    let (monitor, _) =
        monitor_server(|_| json_reply(200, json!({"id": "op", "status": "completed"}))).await;
    let service = service_with_monitor(format!("{monitor}/jobs/5")).await;
    let client = client_with_token(&format!("{service}/v1.0"));
    let started = client
        .start(Request::<Lro<()>>::post("/start", &json!({})))
        .await
        .unwrap();
    started.wait(&client).await.unwrap();
}

#[tokio::test]
async fn sending_an_operation_with_send_says_to_use_start() {
    let emu = emulator().await;
    emu.insert("/me/drive/items", json!({"id": "i1", "name": "a.txt"}));
    let client = support::client_for(&emu);
    let copy = Request::<Lro<Value>>::post("/me/drive/items/i1/copy", &json!({}));
    let err = client.send(copy).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("Client::start"), "{err}");
}

/// A drive item, as much of it as these tests read.
#[graph_entity]
#[derive(Debug, Clone, PartialEq)]
pub struct DriveItem {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub name: Option<String>,
}

/// `driveItem: copy`, declared as the long-running operation it is.
#[graph_action("microsoft.graph.copy", returns = Lro<DriveItem>, paths = ["POST /me/drive/items/{itemId}/copy"])]
#[derive(Default)]
pub struct Copy {
    pub name: Option<String>,
}

#[tokio::test]
async fn a_declared_lro_action_is_started_and_typed() {
    let emu = emulator().await;
    emu.insert("/me/drive/items", json!({"id": "i1", "name": "a.txt"}));
    let client = support::client_for(&emu);
    let request = Copy {
        name: Some("b.txt".into()),
    }
    .me_drive_items("i1");
    let copy: DriveItem = client
        .start(request)
        .await
        .unwrap()
        .wait(&client)
        .await
        .unwrap();
    assert_eq!(copy.name.as_deref(), Some("b.txt"));
    assert_ne!(copy.id.as_deref(), Some("i1"));
}

#[tokio::test]
async fn a_deadline_of_duration_max_is_a_long_wait_not_a_panic() {
    let (monitor, seen) = monitor_server(|n| {
        if n < 2 {
            json_reply(202, json!({"status": "inProgress"}))
        } else {
            json_reply(
                200,
                json!({"status": "failed", "error": {"code": "quotaExceeded", "message": "full"}}),
            )
        }
    })
    .await;
    let service = service_with_monitor(format!("{monitor}/jobs/9")).await;
    let client = client_with_token(&format!("{service}/v1.0"));
    let lro = running(
        client
            .start(Request::<Lro<Value>>::post("/start", &json!({})))
            .await
            .unwrap(),
    )
    .deadline(Duration::MAX);
    let err = lro.wait(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OperationFailed, "{err}");
    assert_eq!(seen.lock().unwrap().len(), 2);
}
