//! The notification receiver over loopback, through its axum adapter: the handshake (right and
//! wrong), `clientState`, content type, malformed and oversized bodies, and the bounded hand-off
//! (a full channel answers 503 and hands out nothing, so the redelivery is the only copy).

mod support;

use std::time::Duration;

use graph_odata::notify::{ChangeType, Receiver, Rejection, axum::router};
use graph_odata::prelude::*;
use serde_json::json;
use support::serve;

#[graph_entity(get = "GET /me/todo/lists/{todoTaskListId}/tasks/{todoTaskId}")]
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

const STATE: &str = "s3cret-client-state";

fn batch(states: &[&str]) -> String {
    let value: Vec<_> = states
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({"subscriptionId": "sub-1", "clientState": s, "changeType": "updated",
                   "resource": format!("me/todo/lists/L/tasks/T{i}"),
                   "resourceData": {"@odata.type": "#microsoft.graph.todoTask", "id": format!("T{i}")}})
        })
        .collect();
    json!({ "value": value }).to_string()
}

async fn post(url: &str, body: impl Into<reqwest::Body>) -> (u16, String) {
    let r = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .expect("the loopback receiver answers");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

/// POSTs a chunked body that never ends and returns the status code of the answer.
async fn endless_post(url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').expect("a path");
    let stream = tokio::net::TcpStream::connect(host)
        .await
        .expect("connects");
    let (mut read, mut write) = stream.into_split();
    let head = format!(
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    write
        .write_all(head.as_bytes())
        .await
        .expect("writes the head");
    let writer = tokio::spawn(async move {
        let chunk = format!("2000\r\n{}\r\n", " ".repeat(0x2000));
        // Bounded so a receiver that never answers fails the test instead of hanging it.
        for _ in 0..100_000 {
            if write.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
        }
    });
    let mut answer = vec![0u8; 12];
    read.read_exact(&mut answer).await.expect("an answer");
    writer.abort();
    String::from_utf8_lossy(&answer[9..12]).into_owned()
}

async fn receiver_at(capacity: usize) -> (String, graph_odata::notify::Notifications<TodoTask>) {
    let (receiver, notifications) = Receiver::<TodoTask>::builder()
        .client_state(STATE)
        .capacity(capacity)
        .max_body(64 * 1024)
        .build();
    let root = serve(router("/notify", receiver)).await;
    (format!("{root}/notify"), notifications)
}

#[tokio::test]
async fn the_handshake_echoes_the_token_as_plain_text() {
    let (url, _n) = receiver_at(8).await;
    let r = reqwest::Client::new()
        .post(format!("{url}?validationToken=Validation%3A%20Testing%20client%20application%20reachability%20for%20subscription%20Request-Id%3A%2025e7b3e6"))
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/plain")
    );
    assert_eq!(
        r.text().await.unwrap_or_default(),
        "Validation: Testing client application reachability for subscription Request-Id: 25e7b3e6"
    );
}

#[tokio::test]
async fn a_hostile_handshake_is_refused() {
    let (url, _n) = receiver_at(8).await;
    let client = reqwest::Client::new();
    let long = "a".repeat(5000);
    for (token, why) in [
        (long.as_str(), "longer"),
        ("abc%0D%0ASet-Cookie%3A%20x%3D1", "control"),
        ("%FF%FE", "UTF-8"),
    ] {
        let r = client
            .post(format!("{url}?validationToken={token}"))
            .send()
            .await
            .expect("answers");
        assert_eq!(r.status(), 400, "{why}");
        let text = r.text().await.unwrap_or_default();
        assert!(text.contains(why), "{text}");
        assert!(
            !text.contains("Set-Cookie"),
            "the token is not echoed: {text}"
        );
    }
}

#[tokio::test]
async fn notifications_are_typed_and_handed_out_after_a_202() {
    let (url, mut notifications) = receiver_at(8).await;
    let (status, _) = post(&url, batch(&[STATE, STATE])).await;
    assert_eq!(status, 202);
    for i in 0..2 {
        let n = notifications.recv().await.expect("a notification");
        assert_eq!(n.change_type, Some(ChangeType::Updated));
        assert_eq!(n.resource_data.and_then(|t| t.id), Some(format!("T{i}")));
    }
    assert!(notifications.try_recv().is_none());
}

#[tokio::test]
async fn a_wrong_or_missing_client_state_is_403_and_hands_out_nothing() {
    let (url, mut notifications) = receiver_at(8).await;
    let (status, text) = post(&url, batch(&[STATE, "s3cret-client-statf"])).await;
    assert_eq!(status, 403);
    assert!(text.contains("notification 1"), "{text}");
    assert!(!text.contains("s3cret"), "the secret is not echoed: {text}");
    let body = json!({"value": [{"subscriptionId": "s", "changeType": "created"}]}).to_string();
    assert_eq!(post(&url, body).await.0, 403);
    assert!(
        notifications.try_recv().is_none(),
        "nothing of a refused batch"
    );
}

#[tokio::test]
async fn wrong_content_type_method_and_malformed_bodies_are_named() {
    let (url, _n) = receiver_at(8).await;
    let client = reqwest::Client::new();
    let r = client
        .post(&url)
        .header("content-type", "text/plain")
        .body(batch(&[STATE]))
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 415);
    assert!(
        r.text()
            .await
            .unwrap_or_default()
            .contains("application/json")
    );

    let r = client.put(&url).send().await.expect("answers");
    assert_eq!(r.status(), 405, "axum's router refuses other methods");

    let (status, text) = post(
        &url,
        r#"{"value":[{"subscriptionId":"s","changeType":42}]}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(text.contains("value[0].changeType"), "{text}");
    let (status, text) = post(&url, r#"{"value":[{"subscriptionId":"s""#).await;
    assert_eq!(status, 400);
    assert!(text.contains("changeNotificationCollection"), "{text}");
    let (status, text) = post(&url, r#"{"value": {}}"#).await;
    assert_eq!(status, 400);
    assert!(text.contains("value"), "{text}");
}

#[tokio::test]
async fn a_body_over_the_cap_is_413() {
    let (url, mut notifications) = receiver_at(8).await;
    let huge = format!(r#"{{"value":[],"pad":"{}"}}"#, "x".repeat(70 * 1024));
    let (status, text) = post(&url, huge).await;
    assert_eq!(status, 413);
    assert!(text.contains("65536"), "{text}");
    // An endless chunked body: the receiver stops reading at the cap instead of buffering forever.
    assert_eq!(endless_post(&url).await, "413");
    assert!(notifications.try_recv().is_none());
}

#[tokio::test]
async fn a_full_channel_answers_503_and_the_redelivery_is_accepted() {
    let (url, mut notifications) = receiver_at(3).await;
    assert_eq!(post(&url, batch(&[STATE, STATE])).await.0, 202);
    // Nobody reads: two of three places are taken; a batch of two does not fit whole.
    let r = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .body(batch(&[STATE, STATE]))
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "5");
    // Nothing of the refused batch was handed out: only the first two are waiting.
    assert!(notifications.recv().await.is_some());
    assert!(notifications.recv().await.is_some());
    assert!(notifications.try_recv().is_none());
    // Graph delivers again; now there is room.
    assert_eq!(post(&url, batch(&[STATE, STATE])).await.0, 202);
    assert!(notifications.recv().await.is_some());
    assert!(notifications.recv().await.is_some());
}

#[tokio::test]
async fn slow_user_code_does_not_delay_the_answer() {
    let (url, mut notifications) = receiver_at(2).await;
    // The consumer takes one notification, then is stuck for an hour.
    let (took, taken) = tokio::sync::oneshot::channel();
    let consumer = tokio::spawn(async move {
        let first = notifications.recv().await;
        let _ = took.send(first.is_some());
        tokio::time::sleep(Duration::from_secs(3600)).await;
        drop(notifications);
    });
    assert_eq!(post(&url, batch(&[STATE])).await.0, 202);
    assert_eq!(taken.await, Ok(true));
    // Every later POST is answered at once: 202 while there is room, then 503 (never a wait).
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let answer = tokio::time::timeout(Duration::from_secs(10), post(&url, batch(&[STATE])))
            .await
            .expect("answered without waiting for the consumer");
        statuses.push(answer.0);
    }
    assert_eq!(statuses, [202, 202, 503, 503]);
    consumer.abort();
}

#[tokio::test]
async fn the_receiver_core_gives_typed_rejections() {
    let (receiver, notifications) = Receiver::<TodoTask>::builder().client_state(STATE).build();
    let req = |body: &str| {
        http::Request::post("/n")
            .header("content-type", "application/json")
            .body(bytes::Bytes::from(body.to_owned()))
            .expect("a request")
    };
    let err = receiver
        .try_handle(req(&batch(&["nope"])))
        .await
        .expect_err("refused");
    assert!(
        matches!(err, Rejection::ClientStateMismatch { index: 0 }),
        "{err:?}"
    );
    let err = receiver.try_handle(req("[]")).await.expect_err("refused");
    assert!(matches!(err, Rejection::Malformed { .. }), "{err:?}");
    assert_eq!(err.status(), 400);
    drop(notifications);
    let err = receiver
        .try_handle(req(&batch(&[STATE])))
        .await
        .expect_err("refused");
    assert!(matches!(err, Rejection::Closed), "nobody reads: {err:?}");
    assert_eq!(err.status(), 503);
    assert!(!format!("{receiver:?}").contains(STATE));
}
