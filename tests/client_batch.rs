//! JSON $batch: typed results by handle, chunking at 20, dependsOn, per-item errors and per-item
//! throttling re-sent in a later call.

mod support;

use graph_odata::batch::Batch;
use graph_odata::prelude::*;
use graph_odata_emulator::{Fault, LoggedRequest, gaps};
use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{client_for, emulator, within};

#[graph_entity]
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Group {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
}

fn batch_calls(emu: &graph_odata_emulator::Emulator) -> Vec<Value> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path == "/v1.0/$batch")
        .map(|r| r.body.unwrap_or(Value::Null))
        .collect()
}

#[tokio::test]
async fn typed_results_are_redeemed_by_handle() {
    let emu = emulator().await;
    emu.insert("/users", json!({"id": "u1", "displayName": "Ada"}));
    let client = client_for(&emu);
    let mut batch = Batch::new();
    let user = batch.add(Request::<Value>::get("/users/u1"));
    let created = batch.add(Request::<Group>::post(
        "/groups",
        &Group {
            display_name: Some("Team".into()),
            ..Default::default()
        },
    ));
    let missing = batch.add(Request::<Value>::get("/users/nobody"));
    let gone = batch.add(Request::delete("/users/u1"));
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.calls(), 1);
    assert_eq!(results.get(&user).unwrap()["displayName"], "Ada");
    let group = results.get(&created).unwrap();
    assert_eq!(group.display_name.as_deref(), Some("Team"));
    assert_eq!(results.status(&created), Some(StatusCode::CREATED));
    let err = results.get(&missing).unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(err.code(), Some("itemNotFound"));
    results.get(&gone).unwrap();
    assert!(emu.get("/users/u1").is_none());
    let sent = &batch_calls(&emu)[0];
    assert_eq!(
        sent["requests"][1],
        json!({"id": "2", "method": "POST", "url": "/groups",
        "headers": {"content-type": "application/json"}, "body": {"displayName": "Team"}})
    );
}

#[tokio::test]
async fn more_than_twenty_requests_are_split_into_calls() {
    let emu = emulator().await;
    emu.create_collection("/groups");
    let client = client_for(&emu);
    let mut batch = Batch::new();
    let handles: Vec<_> = (0..45)
        .map(|i| {
            batch.add(Request::<Group>::post(
                "/groups",
                &json!({"displayName": format!("g{i}")}),
            ))
        })
        .collect();
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.calls(), 3);
    let sizes: Vec<usize> = batch_calls(&emu)
        .iter()
        .map(|b| b["requests"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [20, 20, 5]);
    for (i, h) in handles.iter().enumerate() {
        assert_eq!(results.get(h).unwrap().display_name, Some(format!("g{i}")));
    }
    assert_eq!(emu.count("/groups"), Some(45));
}

#[tokio::test]
async fn depends_on_orders_requests_and_fails_dependents() {
    let emu = emulator().await;
    emu.create_collection("/groups");
    let client = client_for(&emu);
    let mut batch = Batch::new();
    let missing = batch.add(Request::<Value>::get("/users/nobody"));
    let after_missing = batch.add_after(
        Request::<Group>::post("/groups", &json!({"displayName": "never"})),
        &[missing.id()],
    );
    let first = batch.add(Request::<Group>::post(
        "/groups",
        &json!({"displayName": "first"}),
    ));
    let second = batch.add_after(
        Request::<Group>::post("/groups", &json!({"displayName": "second"})),
        &[first.id()],
    );
    let unknown = batch.add_after(Request::<Value>::get("/groups"), &["99"]);
    let results = client.send_batch(batch).await.unwrap();
    let err = results.get(&after_missing).unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::FAILED_DEPENDENCY));
    assert!(results.get(&second).is_ok());
    let err = results.get(&unknown).unwrap_err();
    assert!(err.is_build());
    assert!(err.to_string().contains("`99`"), "{err}");
    let sent = &batch_calls(&emu)[0]["requests"];
    assert_eq!(
        sent.as_array().unwrap().len(),
        4,
        "the invalid request is not sent"
    );
    assert_eq!(sent[3]["dependsOn"], json!(["3"]));
    assert_eq!(emu.count("/groups"), Some(2));
}

#[tokio::test]
async fn a_dependency_group_larger_than_twenty_is_refused() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let mut batch = Batch::new();
    let mut last = batch.add(Request::<Value>::get("/me"));
    for _ in 0..20 {
        let id = last.id().to_owned();
        last = batch.add_after(Request::<Value>::get("/me"), &[&id]);
    }
    let err = client.send_batch(batch).await.unwrap_err();
    assert!(err.is_build());
    assert!(
        err.to_string().contains("21 requests depend on each other"),
        "{err}"
    );
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn throttled_items_are_sent_again_after_their_retry_after() {
    let emu = emulator().await;
    emu.create_collection("/groups");
    let client = client_for(&emu);
    emu.fault(
        Fault::throttle("0.5")
            .method(Method::POST)
            .path("/v1.0/groups")
            .after(5)
            .times(3),
    );
    let mut batch = Batch::new();
    let handles: Vec<_> = (0..20)
        .map(|i| {
            batch.add(Request::<Group>::post(
                "/groups",
                &json!({"displayName": format!("g{i}")}),
            ))
        })
        .collect();
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.calls(), 2);
    let calls = batch_calls(&emu);
    let resent: Vec<&str> = calls[1]["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(resent, ["6", "7", "8"]);
    for h in &handles {
        assert!(results.get(h).is_ok());
    }
    assert_eq!(emu.count("/groups"), Some(20));
    // The re-send waited the items' `Retry-After: 0.5` (the client's own backoff is 10 ms here).
    let waits = gaps(&batch_requests(&emu));
    assert_eq!(waits.len(), 1);
    within(waits[0], 500, 1200, "re-send after `Retry-After: 0.5`");
}

/// Items throttled with different `Retry-After`s go back in one call, after the longest of them
/// (sending the shorter ones earlier would cost an extra call and still hit the throttled service).
#[tokio::test]
async fn throttled_items_with_different_retry_afters_are_resent_after_the_longest() {
    let emu = emulator().await;
    emu.create_collection("/groups");
    emu.insert("/users", json!({"id": "u1"}));
    let client = client_for(&emu);
    emu.fault(
        Fault::throttle("0.2")
            .method(Method::POST)
            .path("/v1.0/groups"),
    );
    emu.fault(
        Fault::throttle("0.8")
            .method(Method::GET)
            .path("/v1.0/users/u1"),
    );
    let mut batch = Batch::new();
    let group = batch.add(Request::<Group>::post(
        "/groups",
        &json!({"displayName": "g"}),
    ));
    let user = batch.add(Request::<Value>::get("/users/u1"));
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(
        results.get(&group).unwrap().display_name.as_deref(),
        Some("g")
    );
    assert_eq!(results.get(&user).unwrap()["id"], "u1");
    let waits = gaps(&batch_requests(&emu));
    assert_eq!(waits.len(), 1, "both items went back in one call");
    within(
        waits[0],
        800,
        1500,
        "re-send after the longer `Retry-After: 0.8`",
    );
}

fn batch_requests(emu: &graph_odata_emulator::Emulator) -> Vec<LoggedRequest> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path == "/v1.0/$batch")
        .collect()
}

#[tokio::test]
async fn a_throttled_batch_call_is_retried_whole() {
    let emu = emulator().await;
    let client = client_for(&emu);
    emu.insert("/users", json!({"id": "u1"}));
    emu.fault(Fault::throttle("0").path("/v1.0/$batch"));
    let mut batch = Batch::new();
    let h = batch.add(Request::<Value>::get("/users/u1"));
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.get(&h).unwrap()["id"], "u1");
    assert_eq!(
        batch_calls(&emu).len(),
        2,
        "the whole $batch was sent twice"
    );
}

/// A retry classifier that records what it was asked (method and status of each answered try)
/// and retries a 500 only when told to; everything else it refuses.
#[derive(Debug, Clone, Default)]
struct Recording {
    retry_500: bool,
    seen: std::sync::Arc<std::sync::Mutex<Vec<(Method, u16)>>>,
}

impl Recording {
    fn seen(&self) -> Vec<(Method, u16)> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl graph_odata::policy::RetryClassifier for Recording {
    fn should_retry(&self, method: &Method, outcome: &graph_odata::policy::TryOutcome<'_>) -> bool {
        match outcome {
            graph_odata::policy::TryOutcome::Answered { status, .. } => {
                if let Ok(mut seen) = self.seen.lock() {
                    seen.push((method.clone(), status.as_u16()));
                }
                self.retry_500 && status.as_u16() == 500
            }
            _ => false,
        }
    }
}

fn client_with(emu: &graph_odata_emulator::Emulator, classifier: Recording) -> Client {
    Client::builder()
        .service_root(emu.v1_url())
        .retry(support::fast_retry())
        .retry_classifier(classifier)
        .build()
        .unwrap()
}

/// A `$batch` item is retried when the client's classifier says so, even for a status the
/// default rules leave alone.
#[tokio::test]
async fn a_batch_item_is_retried_when_the_clients_classifier_says_so() {
    let emu = emulator().await;
    emu.insert("/users", json!({"id": "u1"}));
    emu.fault(
        Fault::status(500)
            .method(Method::GET)
            .path("/v1.0/users/u1"),
    );
    let classifier = Recording {
        retry_500: true,
        ..Recording::default()
    };
    let client = client_with(&emu, classifier.clone());
    let mut batch = Batch::new();
    let user = batch.add(Request::<Value>::get("/users/u1"));
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.get(&user).unwrap()["id"], "u1");
    assert_eq!(results.calls(), 2, "the item went back in a second call");
    assert_eq!(classifier.seen(), [(Method::GET, 500)]);
}

/// A throttled `$batch` item is not sent again when the client's classifier refuses.
#[tokio::test]
async fn a_throttled_batch_item_is_not_resent_when_the_clients_classifier_refuses() {
    let emu = emulator().await;
    emu.create_collection("/groups");
    emu.fault(
        Fault::throttle("0")
            .method(Method::POST)
            .path("/v1.0/groups"),
    );
    let classifier = Recording::default();
    let client = client_with(&emu, classifier.clone());
    let mut batch = Batch::new();
    let group = batch.add(Request::<Group>::post(
        "/groups",
        &json!({"displayName": "g"}),
    ));
    let results = client.send_batch(batch).await.unwrap();
    let err = results.get(&group).unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(results.calls(), 1, "the item was not sent again");
    assert_eq!(classifier.seen(), [(Method::POST, 429)]);
    assert_eq!(emu.count("/groups"), Some(0));
}

#[tokio::test]
async fn batch_items_with_paths_send_would_refuse_are_never_sent() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let mut batch = Batch::new();
    let hostile = [
        "/users/../admin",
        "/users/%2e%2e/admin",
        "/users/%2E./admin",
        "/users/a#b",
        "/users\\a",
        "/users/a\u{7}b",
        "/users/./x",
    ];
    let handles: Vec<_> = hostile
        .iter()
        .map(|p| batch.add(Request::<Value>::get(*p)))
        .collect();
    let results = client.send_batch(batch).await.unwrap();
    for (path, handle) in hostile.iter().zip(&handles) {
        let e = results.get(handle).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Build, "{path}: {e}");
        let single = client.send(Request::<Value>::get(*path)).await.unwrap_err();
        assert_eq!(single.kind(), ErrorKind::Build, "{path}: {single}");
    }
    assert!(
        emu.requests().is_empty(),
        "nothing reached the server: {:?}",
        emu.requests()
    );
}
