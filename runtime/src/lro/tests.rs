//! The poller's time logic on a paused clock, against a fake service answering inside the
//! pipeline (no network): the waits between polls, the deadline, and where the token goes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use tokio::time::Instant;

use super::*;
use crate::auth::StaticToken;
use crate::policy::{BoxFuture, Context, HttpRequest, HttpResponse, Next, Policy};

type Seen = Arc<Mutex<Vec<(Instant, String, bool)>>>;

/// Answers the start with a 202 to `https://monitor.example/jobs/1`; the monitor with
/// `monitor(n)` for its n-th poll (from 1); anything else with `{"ok": true}`.
struct Fake {
    seen: Seen,
    monitor: fn(usize) -> (u16, Option<&'static str>, &'static str),
}

impl std::fmt::Debug for Fake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fake")
    }
}

impl Policy for Fake {
    fn send<'a>(
        &'a self,
        _ctx: &'a Context,
        request: &'a mut HttpRequest,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        let url = request.url.to_string();
        let auth = request.headers.contains_key(http::header::AUTHORIZATION);
        let polls = {
            let mut seen = self.seen.lock().unwrap();
            seen.push((Instant::now(), url.clone(), auth));
            seen.iter().filter(|(_, u, _)| u.contains("/jobs/")).count()
        };
        let mut headers = HeaderMap::new();
        let (status, body) = if request.method == Method::POST {
            headers.insert(
                "location",
                "https://monitor.example/jobs/1".parse().unwrap(),
            );
            (202, "")
        } else if url.contains("/jobs/") {
            let (status, retry_after, body) = (self.monitor)(polls);
            if let Some(ra) = retry_after {
                headers.insert("retry-after", ra.parse().unwrap());
            }
            (status, body)
        } else {
            (200, r#"{"ok": true}"#)
        };
        let response = HttpResponse::new(
            StatusCode::from_u16(status).unwrap(),
            headers,
            Bytes::from_static(body.as_bytes()),
        );
        Box::pin(async move { Ok(response) })
    }
}

fn client(seen: &Seen, monitor: fn(usize) -> (u16, Option<&'static str>, &'static str)) -> Client {
    Client::builder()
        .credential(StaticToken::new("secret"))
        .retry(crate::RetryPolicy::none())
        .policy(Fake {
            seen: seen.clone(),
            monitor,
        })
        .build()
        .unwrap()
}

async fn started(client: &Client) -> Lro<serde_json::Value> {
    let request = Request::<Lro<serde_json::Value>>::post("/me/drive/items/1/copy", &());
    match client.start(request).await.unwrap() {
        Started::Running(lro) => lro,
        Started::Finished(v) => panic!("finished at once: {v}"),
    }
}

const RUNNING: &str = r#"{"status": "inProgress"}"#;
const DONE: &str =
    r#"{"status": "completed", "resourceLocation": "https://graph.microsoft.com/v1.0/result"}"#;

/// The gaps between monitor polls.
fn gaps(seen: &Seen) -> Vec<Duration> {
    let polls: Vec<Instant> = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, u, _)| u.contains("/jobs/"))
        .map(|(t, _, _)| *t)
        .collect();
    polls.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test(start_paused = true)]
async fn without_retry_after_the_wait_doubles_and_the_token_stays_home() {
    let seen = Seen::default();
    let client = client(&seen, |n| {
        if n < 4 {
            (202, None, RUNNING)
        } else {
            (200, None, DONE)
        }
    });
    let lro = started(&client).await;
    assert_eq!(
        lro.wait(&client).await.unwrap(),
        serde_json::json!({"ok": true})
    );
    let secs: Vec<u64> = gaps(&seen).iter().map(Duration::as_secs).collect();
    assert_eq!(secs, [1, 2, 4]);
    for (_, url, auth) in seen.lock().unwrap().iter() {
        assert_eq!(*auth, !url.contains("monitor.example"), "{url}");
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_with_a_floor() {
    let seen = Seen::default();
    let client = client(&seen, |n| match n {
        1 => (202, Some("7"), RUNNING),
        2 => (202, Some("0"), RUNNING),
        _ => (200, None, DONE),
    });
    started(&client).await.wait(&client).await.unwrap();
    assert_eq!(gaps(&seen), [Duration::from_secs(7), MIN_WAIT]);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_ends_an_endless_operation() {
    let seen = Seen::default();
    let client = client(&seen, |_| (202, None, RUNNING));
    let lro = started(&client).await.deadline(Duration::from_secs(60));
    let begun = Instant::now();
    let err = lro.wait(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("inProgress"), "{err}");
    assert!(!err.to_string().contains("jobs"), "{err}");
    // Polls at 0, 1, 3, 7, 15, 31 s; the next wait (32 s) would end past 60 s.
    assert_eq!(gaps(&seen).len(), 5);
    assert!(begun.elapsed() < Duration::from_secs(60));
}
