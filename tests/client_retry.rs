//! Retries, throttling and timeouts, driven by the emulator's fault injection.

mod support;

use std::time::{Duration, Instant, SystemTime};

use graph_odata::prelude::*;
use graph_odata_emulator::Fault;
use graph_odata_emulator::gaps;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{client_for, emulator, fast_retry, within};

/// Seeds one user and returns its path.
fn seed_user(emu: &graph_odata_emulator::Emulator) -> String {
    emu.insert("/users", json!({"id": "u1", "displayName": "Ada"}));
    "/users/u1".to_owned()
}

#[tokio::test]
async fn retry_after_in_whole_and_decimal_seconds_is_honoured() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let path = seed_user(&emu);
    emu.fault(Fault::throttle("1").times(1));
    emu.fault(Fault::throttle("0.3").times(1));
    let user: Value = client.send(Request::get(&path)).await.unwrap();
    assert_eq!(user["displayName"], "Ada");
    let log = emu.requests();
    assert_eq!(log.len(), 3);
    // The client's own backoff is 10 ms here: only the header explains these waits.
    let waits = gaps(&log);
    within(waits[0], 1000, 1700, "after `Retry-After: 1`");
    within(waits[1], 300, 1000, "after `Retry-After: 0.3`");
}

#[tokio::test]
async fn retry_after_as_http_date_is_honoured() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let path = seed_user(&emu);
    // HTTP-dates have whole-second precision: two seconds ahead waits between one and two seconds.
    let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    emu.fault(Fault::throttle(&when));
    let _: Value = client.send(Request::get(&path)).await.unwrap();
    let log = emu.requests();
    assert_eq!(log.len(), 2);
    within(
        gaps(&log)[0],
        900,
        2700,
        "after a Retry-After date 2 s ahead",
    );
}

#[tokio::test]
async fn without_retry_after_the_client_backs_off_exponentially() {
    let emu = emulator().await;
    let client = Client::builder()
        .service_root(emu.v1_url())
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(200))
                .jitter(false),
        )
        .build()
        .unwrap();
    let path = seed_user(&emu);
    emu.fault(Fault::status(503).times(3));
    let _: Value = client.send(Request::get(&path)).await.unwrap();
    let log = emu.requests();
    assert_eq!(log.len(), 4);
    // 200 ms, then 400 ms, then 800 ms: each wait doubles (a constant or linear backoff misses).
    let waits = gaps(&log);
    within(waits[0], 200, 550, "first backoff");
    within(waits[1], 400, 750, "second backoff");
    within(waits[2], 800, 1150, "third backoff");
}

#[tokio::test]
async fn every_try_carries_the_same_client_request_id_and_a_retry_attempt_header() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let path = seed_user(&emu);
    emu.fault(Fault::throttle("0").times(2));
    let _: Value = client.send(Request::get(&path)).await.unwrap();
    let log = emu.requests();
    assert_eq!(log.len(), 3);
    let id = log[0].header("client-request-id").unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert!(
        log.iter()
            .all(|r| r.header("client-request-id") == Some(id))
    );
    let attempts: Vec<Option<&str>> = log.iter().map(|r| r.header("retry-attempt")).collect();
    assert_eq!(attempts, [None, Some("1"), Some("2")]);

    // The next logical call gets a new id.
    let _: Value = client.send(Request::get(&path)).await.unwrap();
    let next = emu.last_request().unwrap();
    assert_ne!(next.header("client-request-id"), Some(id));
}

#[tokio::test]
async fn an_exhausted_budget_is_a_throttled_error_with_attempts_counted() {
    let emu = emulator().await;
    let client = Client::builder()
        .service_root(emu.v1_url())
        .retry(fast_retry().max_retries(2))
        .build()
        .unwrap();
    let path = seed_user(&emu);
    emu.fault(Fault::throttle("0.01").times(10));
    let err = client.send(Request::<Value>::get(&path)).await.unwrap_err();
    assert!(err.is_throttled(), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(err.code(), Some("TooManyRequests"));
    assert_eq!(err.retry_after(), Some(Duration::from_millis(10)));
    assert!(
        err.to_string().contains("gave up after 3 attempts"),
        "{err}"
    );
    assert_eq!(emu.requests().len(), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_wait_budget_stops_at_once() {
    let emu = emulator().await;
    let client = Client::builder()
        .service_root(emu.v1_url())
        .retry(fast_retry().max_total_wait(Duration::from_secs(5)))
        .build()
        .unwrap();
    let path = seed_user(&emu);
    emu.fault(Fault::throttle("3600"));
    let started = Instant::now();
    let err = client.send(Request::<Value>::get(&path)).await.unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert!(err.is_throttled());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn retry_policy_none_sends_once() {
    let emu = emulator().await;
    let client = support::client_no_retry(&emu.v1_url());
    let path = seed_user(&emu);
    emu.fault(Fault::throttle("0"));
    let err = client.send(Request::<Value>::get(&path)).await.unwrap_err();
    assert!(err.is_throttled());
    assert_eq!(err.attempts(), 1);
    assert_eq!(emu.requests().len(), 1);
}

#[tokio::test]
async fn post_is_retried_on_429_but_never_on_500_or_504() {
    let emu = emulator().await;
    let client = client_for(&emu);
    emu.create_collection("/groups");
    emu.fault(Fault::throttle("0").method(Method::POST));
    let _: Value = client
        .send(Request::post("/groups", &json!({"displayName": "a"})))
        .await
        .unwrap();
    assert_eq!(emu.requests().len(), 2, "429 means not processed: retried");

    emu.clear_requests();
    emu.fault(Fault::status(500).method(Method::POST));
    let err = client
        .send(Request::<Value>::post(
            "/groups",
            &json!({"displayName": "b"}),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(emu.requests().len(), 1);

    emu.clear_requests();
    emu.fault(Fault::status(504).method(Method::POST));
    let err = client
        .send(Request::<Value>::post(
            "/groups",
            &json!({"displayName": "c"}),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::GATEWAY_TIMEOUT));
    assert_eq!(
        emu.requests().len(),
        1,
        "a 504 POST may have been processed"
    );
    assert_eq!(emu.count("/groups"), Some(1));
}

#[tokio::test]
async fn get_is_retried_on_504() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let path = seed_user(&emu);
    emu.fault(Fault::status(504));
    let _: Value = client.send(Request::get(&path)).await.unwrap();
    assert_eq!(emu.requests().len(), 2);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_get_but_not_for_post() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let path = seed_user(&emu);
    emu.fault(Fault::drop_connection());
    let user: Value = client.send(Request::get(&path)).await.unwrap();
    assert_eq!(user["id"], "u1");
    assert_eq!(emu.requests().len(), 2);

    emu.clear_requests();
    emu.fault(Fault::drop_connection().method(Method::POST));
    let err = client
        .send(Request::<Value>::post(
            "/users",
            &json!({"displayName": "b"}),
        ))
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(err.attempts(), 1);
    assert_eq!(emu.requests().len(), 1);
}

#[tokio::test]
async fn a_truncated_body_is_a_connect_error_and_get_retries_it() {
    let emu = emulator().await;
    let path = seed_user(&emu);
    let once = support::client_no_retry(&emu.v1_url());
    emu.fault(Fault::truncate_body());
    let err = once.send(Request::<Value>::get(&path)).await.unwrap_err();
    assert_eq!(emu.requests().len(), 1, "RetryPolicy::none() sends once");
    assert!(err.is_connect(), "{err:?}");
    assert!(
        err.to_string().contains("reading the response body"),
        "{err:?}"
    );

    let client = client_for(&emu);
    emu.fault(Fault::truncate_body());
    let user: Value = client.send(Request::get(&path)).await.unwrap();
    assert_eq!(user["id"], "u1");
    assert_eq!(
        emu.requests().len(),
        3,
        "the GET was sent twice: truncated, then whole"
    );
}

#[tokio::test]
async fn per_try_timeout_retries_idempotent_calls_and_total_timeout_stops_everything() {
    let emu = emulator().await;
    let path = seed_user(&emu);
    let client = Client::builder()
        .service_root(emu.v1_url())
        .retry(fast_retry())
        .try_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    emu.fault(Fault::delay(Duration::from_secs(2)));
    let started = Instant::now();
    let user: Value = client.send(Request::get(&path)).await.unwrap();
    let took = started.elapsed();
    assert_eq!(user["id"], "u1");
    assert_eq!(emu.requests().len(), 2);
    // The first try gave up at 200 ms, not after the server's 2 s.
    within(took, 200, 1500, "a GET whose first try hangs");

    emu.fault(Fault::delay(Duration::from_secs(2)).method(Method::POST));
    let err = client
        .send(Request::<Value>::post("/users", &json!({})))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(
        err.attempts(),
        1,
        "a POST that timed out may have been processed"
    );

    let impatient = Client::builder()
        .service_root(emu.v1_url())
        .retry(fast_retry())
        .timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    emu.fault(Fault::delay(Duration::from_secs(2)).times(5));
    let started = Instant::now();
    let err = impatient
        .send(Request::<Value>::get(&path))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    within(
        started.elapsed(),
        300,
        1300,
        "a call with a 300 ms deadline",
    );
    assert!(err.to_string().contains("300ms"), "{err}");
    assert!(
        err.attempts() >= 1,
        "tries started before the deadline are counted"
    );
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_after_retries() {
    // Bind then drop a listener to find a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .service_root(format!("http://127.0.0.1:{port}/v1.0"))
        .retry(fast_retry().max_retries(2))
        .build()
        .unwrap();
    let err = client
        .send(Request::<Value>::post("/users", &json!({})))
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(
        err.attempts(),
        3,
        "nothing was sent, so even a POST is retried"
    );
}
