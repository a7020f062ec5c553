//! The policy pipeline from the outside: user policies per call and per try, a replaced retry
//! classifier, the caller's own `reqwest::Client`, and builder errors that name the setting.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use graph_odata::http::{HeaderValue, StatusCode};
use graph_odata::policy::{
    BoxFuture, Context, DefaultClassifier, HttpRequest, HttpResponse, Next, Policy,
    RetryClassifier, TryOutcome,
};
use graph_odata::prelude::*;
use graph_odata_emulator::Fault;
use serde_json::{Value, json};
use support::{emulator, fast_retry};

/// Counts what passes and stamps a header with the count, the attempt, and whether the request
/// carried an `Authorization` header when it reached this policy (where it sits against auth).
#[derive(Debug, Default)]
struct Counter {
    name: &'static str,
    seen: AtomicU32,
}

impl Policy for Counter {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        let n = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        let token = if request.headers.contains_key("authorization") {
            "token"
        } else {
            "no token"
        };
        if let Ok(v) = HeaderValue::try_from(format!("{n}/attempt {}/{token}", ctx.attempt())) {
            request.headers.insert(self.name, v);
        }
        next.send(ctx, request)
    }
}

/// Shares a counter with the test.
#[derive(Debug, Clone, Default)]
struct Shared(Arc<Counter>);

impl Policy for Shared {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        self.0.send(ctx, request, next)
    }
}

fn counter(name: &'static str) -> Shared {
    Shared(Arc::new(Counter {
        name,
        seen: AtomicU32::new(0),
    }))
}

#[tokio::test]
async fn per_call_policies_run_once_and_per_try_policies_on_every_try_after_the_token() {
    let emu = emulator().await;
    emu.insert("/users", json!({"id": "u"}));
    emu.require_bearer(Some("tok"));
    emu.fault(Fault::throttle("0").times(2));
    let (per_call, per_try) = (counter("x-per-call"), counter("x-per-try"));
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(StaticToken::new("tok"))
        .retry(fast_retry())
        .per_call_policy(per_call.clone())
        .policy(per_try.clone())
        .build()
        .unwrap();
    let _: Value = client.send(Request::get("/users/u")).await.unwrap();
    let log = emu.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(per_call.0.seen.load(Ordering::SeqCst), 1);
    assert_eq!(per_try.0.seen.load(Ordering::SeqCst), 3);
    for (i, r) in log.iter().enumerate() {
        // The per-call policy ran before the first try (attempt 0), before auth (no token yet),
        // and its header rides on every try; the per-try one sees each attempt, after auth put
        // the token on.
        assert_eq!(r.header("x-per-call"), Some("1/attempt 0/no token"));
        assert_eq!(
            r.header("x-per-try"),
            Some(format!("{}/attempt {}/token", i + 1, i + 1).as_str())
        );
        assert_eq!(r.header("authorization"), Some("Bearer tok"));
        assert_eq!(
            r.header("client-request-id"),
            log[0].header("client-request-id")
        );
    }
}

/// Answers by itself without reaching the network: an open circuit breaker.
#[derive(Debug)]
struct Open;

impl Policy for Open {
    fn send<'a>(
        &'a self,
        _ctx: &'a Context,
        _request: &'a mut HttpRequest,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        Box::pin(async {
            Ok(HttpResponse::new(
                StatusCode::SERVICE_UNAVAILABLE,
                Default::default(),
                r#"{"error":{"code":"circuitOpen","message":"The breaker is open."}}"#,
            ))
        })
    }
}

#[tokio::test]
async fn a_policy_can_answer_by_itself_and_its_answer_is_an_ordinary_error() {
    let emu = emulator().await;
    let client = Client::builder()
        .service_root(emu.v1_url())
        .retry(RetryPolicy::none())
        .per_call_policy(Open)
        .build()
        .unwrap();
    let err = client
        .send(Request::<Value>::get("/users"))
        .await
        .unwrap_err();
    // Outside the retries, its 503 is final: an `Api` error with the code it wrote.
    assert!(err.is_api(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.code(), Some("circuitOpen"));
    assert!(emu.requests().is_empty(), "nothing reached the server");
}

#[derive(Debug)]
struct Retry500;

impl RetryClassifier for Retry500 {
    fn should_retry(&self, method: &http::Method, outcome: &TryOutcome<'_>) -> bool {
        match outcome {
            TryOutcome::Answered { status, .. } if status.as_u16() == 500 => true,
            _ => DefaultClassifier.should_retry(method, outcome),
        }
    }
}

#[tokio::test]
async fn a_replaced_classifier_decides_what_is_retried() {
    let emu = emulator().await;
    emu.insert("/users", json!({"id": "u"}));
    emu.fault(Fault::status(500).times(1));
    let client = Client::builder()
        .service_root(emu.v1_url())
        .retry(fast_retry())
        .retry_classifier(Retry500)
        .build()
        .unwrap();
    let _: Value = client.send(Request::get("/users/u")).await.unwrap();
    assert_eq!(emu.requests().len(), 2);
    // With the default classifier a 500 is final.
    emu.clear_requests();
    emu.fault(Fault::status(500).times(1));
    let err = support::client_for(&emu)
        .send(Request::<Value>::get("/users/u"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(emu.requests().len(), 1);
}

#[tokio::test]
async fn the_callers_own_reqwest_client_is_used() {
    let emu = emulator().await;
    emu.insert("/users", json!({"id": "u"}));
    let mut defaults = http::HeaderMap::new();
    defaults.insert("x-from-my-client", HeaderValue::from_static("yes"));
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = Client::builder()
        .service_root(emu.v1_url())
        .http_client(http)
        .user_agent("my-app/2")
        .build()
        .unwrap();
    let _: Value = client.send(Request::get("/users/u")).await.unwrap();
    let r = emu.last_request().unwrap();
    assert_eq!(r.header("x-from-my-client"), Some("yes"));
    let ua = r.header("user-agent").unwrap_or_default();
    assert!(ua.starts_with("my-app/2 graph-odata/"), "{ua}");
}

#[test]
fn builder_errors_name_the_setting() {
    use std::time::Duration;
    let cases: Vec<(graph_odata::ClientBuilder, &str)> = vec![
        (
            Client::builder().try_timeout(Some(Duration::ZERO)),
            "`ClientBuilder::try_timeout`: must be more than zero",
        ),
        (
            Client::builder().timeout(Some(Duration::ZERO)),
            "`ClientBuilder::timeout`",
        ),
        (
            Client::builder().connect_timeout(Duration::ZERO),
            "`ClientBuilder::connect_timeout`",
        ),
        (
            Client::builder().credential_timeout(Duration::ZERO),
            "`ClientBuilder::credential_timeout`",
        ),
        (
            Client::builder().max_response_size(0),
            "`ClientBuilder::max_response_size`",
        ),
        (
            Client::builder().scopes(Vec::<String>::new()),
            "`ClientBuilder::scopes`: no scope given",
        ),
        (
            Client::builder().scopes(["User.Read Mail.Read"]),
            "`ClientBuilder::scopes`: `User.Read Mail.Read`",
        ),
        (
            Client::builder().allowed_host("https://files.contoso.com/x"),
            "`ClientBuilder::allowed_host`: `https://files.contoso.com/x` is not a host name",
        ),
        (
            Client::builder().allowed_host(""),
            "`ClientBuilder::allowed_host`",
        ),
        (
            Client::builder().user_agent("app\n1"),
            "`ClientBuilder::user_agent`",
        ),
        (
            Client::builder().service_root("https://h/v1.0?x=1"),
            "the service root `https://h/v1.0?x=1` must not have a query",
        ),
    ];
    for (builder, says) in cases {
        let err = builder.build().unwrap_err();
        assert!(err.is_build(), "{err:?}");
        assert!(err.to_string().contains(says), "{err} should say {says}");
        assert!(!err.to_string().contains('\n'), "{err:?}");
    }
}

/// A per-call policy that never calls on (a stuck rate limiter of the user's own).
#[derive(Debug)]
struct Stuck;

impl Policy for Stuck {
    fn send<'a>(
        &'a self,
        _ctx: &'a Context,
        _request: &'a mut HttpRequest,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        Box::pin(std::future::pending())
    }
}

/// The call's deadline holds wherever the call waits: in a per-call policy of the user's (outside
/// the retry loop, where the built-in timer per try does not reach), in a `Retry-After` wait
/// longer than the time left, and in the read-after-write policy's waits.
#[tokio::test]
async fn the_deadline_ends_the_call_wherever_it_waits() {
    use axum::routing::{get, post};
    use std::time::{Duration, Instant};
    use support::within;

    let root = support::serve(
        axum::Router::new()
            .route(
                "/v1.0/busy",
                get(|| async {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [("retry-after", "5")],
                        "{}",
                    )
                }),
            )
            .route(
                "/v1.0/things",
                post(|| async { (StatusCode::CREATED, r#"{"id":"t1"}"#) }),
            )
            .route(
                "/v1.0/things/t1",
                get(|| async { (StatusCode::NOT_FOUND, "{}") }),
            ),
    )
    .await;
    let root = format!("{root}/v1.0");
    let deadline = Duration::from_millis(300);
    let client = |stuck: bool| {
        let mut b = Client::builder()
            .service_root(&root)
            .retry(fast_retry().max_total_wait(Duration::from_secs(30)))
            .read_after_write(
                graph_odata::policy::ReadAfterWrite::default().first_wait(Duration::from_secs(2)),
            )
            .timeout(Some(deadline));
        if stuck {
            b = b.per_call_policy(Stuck);
        }
        b.build().unwrap()
    };
    let expect_deadline = |err: &Error, started: Instant, what: &str| {
        assert!(err.is_timeout(), "{what}: {err:?}");
        assert!(err.to_string().contains("300ms"), "{what}: {err}");
        within(started.elapsed(), 300, 1300, what);
    };

    // A broken deadline would hang here: fail instead.
    let guarded = |call| async move {
        tokio::time::timeout(Duration::from_secs(10), call)
            .await
            .expect("the call outlived its deadline by 10 s")
    };
    let started = Instant::now();
    let err = guarded(client(true).send(Request::<Value>::get("/busy")))
        .await
        .unwrap_err();
    expect_deadline(&err, started, "a stuck per-call policy");

    let started = Instant::now();
    let err = client(false)
        .send(Request::<Value>::get("/busy"))
        .await
        .unwrap_err();
    expect_deadline(&err, started, "a 5 s Retry-After with 300 ms left");
    assert_eq!(err.attempts(), 1, "{err:?}");

    // Created moments ago, then 404 on every read: the wait before reading again (2 s) stops at
    // the deadline.
    let client = client(false);
    let created: Value = client
        .send(Request::post("/things", &json!({})))
        .await
        .unwrap();
    assert_eq!(created["id"], "t1");
    let started = Instant::now();
    let err = client
        .send(Request::<Value>::get("/things/t1"))
        .await
        .unwrap_err();
    expect_deadline(&err, started, "read-after-write waits");
}

/// The longest limits a caller can write are waits, not an overflow: the call's deadline and the
/// per-try limit of `Duration::MAX` (tokio's own timers take them; so must the one timer per try).
#[tokio::test]
async fn the_longest_timeouts_are_long_waits_not_panics() {
    let emu = emulator().await;
    let client = Client::builder()
        .service_root(emu.v1_url())
        .timeout(Some(std::time::Duration::MAX))
        .try_timeout(Some(std::time::Duration::MAX))
        .retry(fast_retry())
        .build()
        .unwrap();
    let created: Value = client
        .send(Request::post("/users", &json!({"displayName": "Ada"})))
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    // A read right after the create, through the read-after-write and retry policies' waits.
    emu.fault(Fault::status(503).times(1));
    let user: Value = client
        .send(Request::get(format!("/users/{id}")))
        .await
        .unwrap();
    assert_eq!(user["displayName"], "Ada");
}

/// A request's `client-request-id` and `User-Agent`, as a policy found them.
type Telemetry = (Option<String>, Option<String>);

/// What a per-try policy finds on the request: its `client-request-id` and `User-Agent`.
#[derive(Debug, Default, Clone)]
struct SeesTelemetry(Arc<std::sync::Mutex<Vec<Telemetry>>>);

impl Policy for SeesTelemetry {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        let get = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let seen = (get("client-request-id"), get("user-agent"));
        self.0.lock().map(|mut v| v.push(seen)).ok();
        next.send(ctx, request)
    }
}

#[tokio::test]
async fn both_telemetry_headers_go_on_every_hop_with_or_without_policies_of_ones_own() {
    use axum::extract::State;
    // `/v1.0/a` answers 307 to `/v1.0/b` on the same origin; every hop's headers are recorded.
    let seen = support::Seen::default();
    let app = axum::Router::new()
        .fallback(axum::routing::any(
            |State(s): State<support::Seen>, uri: http::Uri, headers: http::HeaderMap| async move {
                s.lock().map(|mut v| v.push(headers)).ok();
                if uri.path() == "/v1.0/a" {
                    axum::response::Response::builder()
                        .status(307)
                        .header("location", "/v1.0/b")
                        .body(axum::body::Body::empty())
                        .unwrap_or_default()
                } else {
                    axum::response::IntoResponse::into_response(axum::Json(json!({"ok": true})))
                }
            },
        ))
        .with_state(seen.clone());
    let root = support::serve(app).await;
    let library = format!("graph-odata/{}", env!("CARGO_PKG_VERSION"));
    for with_policy in [false, true] {
        seen.lock().unwrap().clear();
        let sees = SeesTelemetry::default();
        let mut builder = Client::builder().service_root(format!("{root}/v1.0"));
        if with_policy {
            builder = builder.policy(sees.clone());
        }
        let client = builder.build().unwrap();
        let _: Value = client.send(Request::get("/a")).await.unwrap();
        // The caller's own id and User-Agent are the ones sent.
        let own_id = "0f0e0d0c-0b0a-4908-8706-050403020100";
        let _: Value = client
            .send(
                Request::get("/a")
                    .header("user-agent", "mine/1")
                    .header("client-request-id", own_id),
            )
            .await
            .unwrap();
        let hops = support::seen(&seen);
        assert_eq!(hops.len(), 4, "two calls of two hops each");
        let header = |i: usize, name: &str| {
            hops[i]
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let first_id = header(0, "client-request-id").expect("an id on the first hop");
        assert_eq!(first_id.len(), 36, "a UUID: {first_id}");
        assert_eq!(header(1, "client-request-id").as_deref(), Some(&*first_id));
        assert_eq!(header(0, "user-agent").as_deref(), Some(&*library));
        assert_eq!(header(1, "user-agent").as_deref(), Some(&*library));
        for hop in [2, 3] {
            assert_eq!(header(hop, "client-request-id").as_deref(), Some(own_id));
            assert_eq!(header(hop, "user-agent").as_deref(), Some("mine/1"));
        }
        for hop in &hops {
            assert_eq!(hop.get_all("client-request-id").iter().count(), 1);
            assert_eq!(hop.get_all("user-agent").iter().count(), 1);
        }
        // A policy of one's own sees both headers on the request, as they are sent.
        let in_policy = sees.0.lock().unwrap().clone();
        if with_policy {
            assert_eq!(
                in_policy,
                [
                    (Some(first_id.clone()), Some(library.clone())),
                    (Some(own_id.to_owned()), Some("mine/1".to_owned())),
                ]
            );
        } else {
            assert!(in_policy.is_empty());
        }
    }
}
