//! The subscription manager against a small Graph-shaped server on loopback that performs the
//! validation handshake against our receiver before it answers `201`: create, renew on tokio's
//! paused clock before the lifetime ends, delete, and the lifecycle events.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::{patch, post};
use graph_odata::notify::{
    LifecycleOutcome, Receiver, SubscriptionManager, SubscriptionSpec, axum::router,
};
use graph_odata::prelude::*;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;

const STATE: &str = "manager-client-state";

/// Serves `app` on 127.0.0.1 from a thread of its own (its own runtime, real time): the test's
/// paused clock drives only the manager.
fn serve_on_thread(app: axum::Router) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let _ = tx.send(format!("http://{}", listener.local_addr().expect("addr")));
            let _ = axum::serve(listener, app).await;
        });
    });
    rx.recv().expect("the server starts")
}

#[derive(Clone)]
struct FakeGraph {
    events: mpsc::UnboundedSender<(String, Value)>,
    next: Arc<Mutex<u32>>,
    /// When set, every subscription is gone: `PATCH` answers 404.
    gone: Arc<std::sync::atomic::AtomicBool>,
}

/// `POST /v1.0/subscriptions` as Graph does it: the handshake first, `400` when it fails.
async fn create(
    State(g): State<FakeGraph>,
    axum::Json(mut body): axum::Json<Value>,
) -> (http::StatusCode, axum::Json<Value>) {
    let url = body["notificationUrl"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let token = "Validation: Testing client application reachability";
    let answer = reqwest::Client::new()
        .post(format!(
            "{url}?validationToken=Validation%3A%20Testing%20client%20application%20reachability"
        ))
        .send()
        .await;
    let echoed = match answer {
        Ok(r) if r.status() == 200 => r.text().await.unwrap_or_default() == token,
        _ => false,
    };
    if !echoed {
        let error = json!({"error": {"code": "InvalidRequest", "message": "Subscription validation request failed."}});
        return (http::StatusCode::BAD_REQUEST, axum::Json(error));
    }
    let id = {
        let mut next = g
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *next += 1;
        format!("sub-{next}")
    };
    body["id"] = json!(id);
    let _ = g.events.send(("create".into(), body.clone()));
    (http::StatusCode::CREATED, axum::Json(body))
}

async fn renew(
    State(g): State<FakeGraph>,
    Path(id): Path<String>,
    axum::Json(body): axum::Json<Value>,
) -> (http::StatusCode, axum::Json<Value>) {
    let _ = g.events.send((format!("renew {id}"), body.clone()));
    if g.gone.load(std::sync::atomic::Ordering::SeqCst) {
        let error =
            json!({"error": {"code": "ResourceNotFound", "message": "The object was not found."}});
        return (http::StatusCode::NOT_FOUND, axum::Json(error));
    }
    let renewed = json!({"id": id, "resource": "me/todo/lists/L/tasks", "changeType": "created",
        "notificationUrl": "http://127.0.0.1/n", "expirationDateTime": body["expirationDateTime"]});
    (http::StatusCode::OK, axum::Json(renewed))
}

async fn remove(State(g): State<FakeGraph>, Path(id): Path<String>) -> http::StatusCode {
    let _ = g.events.send((format!("delete {id}"), Value::Null));
    http::StatusCode::NO_CONTENT
}

struct Setup {
    gone: Arc<std::sync::atomic::AtomicBool>,
    manager: SubscriptionManager,
    events: mpsc::UnboundedReceiver<(String, Value)>,
    notify_url: String,
    notifications: graph_odata::notify::Notifications<Value>,
}

fn setup() -> Setup {
    let (tx, events) = mpsc::unbounded_channel();
    let gone = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let graph = axum::Router::new()
        .route("/v1.0/subscriptions", post(create))
        .route("/v1.0/subscriptions/{id}", patch(renew).delete(remove))
        .with_state(FakeGraph {
            events: tx,
            next: Arc::new(Mutex::new(0)),
            gone: gone.clone(),
        });
    let graph_root = serve_on_thread(graph);
    let (receiver, notifications) = Receiver::<Value>::builder().client_state(STATE).build();
    let notify_root = serve_on_thread(router("/notify", receiver));
    // No deadlines on the client: the paused clock must not jump to one while a call is on the wire.
    let client = Client::builder()
        .service_root(format!("{graph_root}/v1.0"))
        .retry(RetryPolicy::none())
        .timeout(None)
        .try_timeout(None)
        .build()
        .expect("a client");
    let manager = SubscriptionManager::with_renew_before(client, Duration::from_secs(600));
    manager.lifetime_for("todo", Duration::from_secs(3600));
    Setup {
        gone,
        manager,
        events,
        notify_url: format!("{notify_root}/notify"),
        notifications,
    }
}

fn spec(url: &str) -> SubscriptionSpec {
    SubscriptionSpec::new("me/todo/lists/L/tasks", "created,updated", url)
        .client_state(STATE)
        .lifecycle_url(url)
}

fn seconds_from_now(expiration: &Value) -> i128 {
    let text = expiration.as_str().expect("an expirationDateTime");
    let at: DateTimeOffset = text.parse().expect("ISO 8601");
    (at.unix_nanos() - DateTimeOffset::now().unix_nanos()) / 1_000_000_000
}

#[tokio::test(start_paused = true)]
async fn create_runs_the_handshake_against_the_receiver_and_delete_forgets() {
    let mut s = setup();
    let created = s
        .manager
        .create(spec(&s.notify_url))
        .await
        .expect("created");
    assert_eq!(created.id.as_deref(), Some("sub-1"));
    let (what, body) = s.events.recv().await.expect("an event");
    assert_eq!(what, "create");
    assert_eq!(body["clientState"], STATE);
    let left = seconds_from_now(&body["expirationDateTime"]);
    assert!(
        (3500..=3600).contains(&left),
        "one lifetime from now: {left}"
    );
    assert_eq!(s.manager.ids(), ["sub-1"]);

    // A notification URL that does not answer the handshake: Graph's 400, nothing tracked.
    let bad = format!("{}/elsewhere", s.notify_url);
    let err = s
        .manager
        .create(spec(&bad))
        .await
        .expect_err("handshake fails");
    assert_eq!(err.status(), Some(http::StatusCode::BAD_REQUEST), "{err}");
    assert_eq!(s.manager.ids(), ["sub-1"]);

    s.manager.delete("sub-1").await.expect("deleted");
    assert_eq!(s.events.recv().await.expect("an event").0, "delete sub-1");
    assert!(s.manager.ids().is_empty());
    assert!(s.manager.next_renewal().is_none());
}

#[tokio::test(start_paused = true)]
async fn renewals_come_before_each_expiration_on_the_paused_clock() {
    let mut s = setup();
    let start = Instant::now();
    s.manager
        .create(spec(&s.notify_url))
        .await
        .expect("created");
    let _ = s.events.recv().await;
    tokio::spawn(s.manager.clone().run());
    for round in 1..=3u64 {
        let (what, body) = s.events.recv().await.expect("a renewal");
        assert_eq!(what, "renew sub-1");
        let elapsed = start.elapsed();
        // Lifetime 60 min, renewed 10 min before it ends: at 50, 100, 150 minutes.
        let due = Duration::from_secs(round * 50 * 60);
        assert!(
            elapsed >= due && elapsed < due + Duration::from_secs(600),
            "round {round}: {elapsed:?}"
        );
        let left = seconds_from_now(&body["expirationDateTime"]);
        assert!(
            (3500..=3600).contains(&left),
            "renewed for one lifetime: {left}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_subscription_the_service_lost_stops_being_renewed() {
    let mut s = setup();
    s.manager
        .create(spec(&s.notify_url))
        .await
        .expect("created");
    let _ = s.events.recv().await;
    s.gone.store(true, std::sync::atomic::Ordering::SeqCst);
    tokio::spawn(s.manager.clone().run());
    assert_eq!(s.events.recv().await.expect("a renewal").0, "renew sub-1");
    // The 404 is on the wire now; wait for it in real time (a paused-clock sleep would let
    // the clock run ahead of the network), up to 5 s.
    for _ in 0..500 {
        if s.manager.ids().is_empty() {
            break;
        }
        let _ = tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(10))).await;
    }
    assert!(
        s.manager.ids().is_empty(),
        "404 on renewal: no longer tracked"
    );
    assert!(s.events.try_recv().is_err(), "and not renewed again");
}

#[tokio::test(start_paused = true)]
async fn lifecycle_events_renew_recreate_and_ask_for_a_delta_catch_up() {
    let mut s = setup();
    s.manager
        .create(spec(&s.notify_url))
        .await
        .expect("created");
    let _ = s.events.recv().await;
    // Lifecycle notifications arrive through the receiver like any other.
    let post_event = |event: &str, id: &str| {
        let body = json!({"value": [{"subscriptionId": id, "clientState": STATE, "lifecycleEvent": event,
            "subscriptionExpirationDateTime": "2026-12-08T10:00:00Z", "tenantId": "84bd"}]});
        reqwest::Client::new()
            .post(&s.notify_url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    assert_eq!(
        post_event("reauthorizationRequired", "sub-1")
            .await
            .expect("sent")
            .status(),
        202
    );
    let n = s
        .notifications
        .recv()
        .await
        .expect("a lifecycle notification");
    let outcome = s.manager.handle_lifecycle(&n).await.expect("renewed");
    assert!(
        matches!(outcome, LifecycleOutcome::Renewed(_)),
        "{outcome:?}"
    );
    assert_eq!(s.events.recv().await.expect("an event").0, "renew sub-1");

    assert_eq!(
        post_event("subscriptionRemoved", "sub-1")
            .await
            .expect("sent")
            .status(),
        202
    );
    let n = s
        .notifications
        .recv()
        .await
        .expect("a lifecycle notification");
    match s.manager.handle_lifecycle(&n).await.expect("recreated") {
        LifecycleOutcome::Recreated {
            removed,
            subscription,
        } => {
            assert_eq!(removed, "sub-1");
            assert_eq!(subscription.id.as_deref(), Some("sub-2"));
        }
        other => panic!("expected Recreated, got {other:?}"),
    }
    assert_eq!(s.events.recv().await.expect("an event").0, "create");
    assert_eq!(s.manager.ids(), ["sub-2"]);

    assert_eq!(
        post_event("missed", "sub-2").await.expect("sent").status(),
        202
    );
    let n = s
        .notifications
        .recv()
        .await
        .expect("a lifecycle notification");
    let outcome = s.manager.handle_lifecycle(&n).await.expect("catch-up");
    let request = outcome.catch_up::<Value>().expect("a delta request");
    assert_eq!(request.url_path(), "/me/todo/lists/L/tasks/delta");

    // Events for subscriptions it does not track, and plain notifications, are left alone.
    assert_eq!(
        post_event("reauthorizationRequired", "sub-9")
            .await
            .expect("sent")
            .status(),
        202
    );
    let n = s
        .notifications
        .recv()
        .await
        .expect("a lifecycle notification");
    assert!(matches!(
        s.manager.handle_lifecycle(&n).await,
        Ok(LifecycleOutcome::Ignored)
    ));
    assert!(
        s.events.try_recv().is_err(),
        "no call for an untracked subscription"
    );
}

#[test]
fn lifetimes_come_from_the_table_capped_and_overridable() {
    let client = Client::builder().build().expect("a client");
    let m = SubscriptionManager::new(client);
    let mail = SubscriptionSpec::new("me/messages", "created", "https://x/n");
    assert_eq!(m.lifetime_of(&mail), Duration::from_secs(10_080 * 60));
    let asked = mail.clone().lifetime(Duration::from_secs(3600));
    assert_eq!(m.lifetime_of(&asked), Duration::from_secs(3600));
    let too_long = mail.clone().lifetime(Duration::from_secs(365 * 24 * 3600));
    assert_eq!(
        m.lifetime_of(&too_long),
        Duration::from_secs(10_080 * 60),
        "capped"
    );
    m.lifetime_for("me/messages", Duration::from_secs(120));
    assert_eq!(m.lifetime_of(&mail), Duration::from_secs(120));
    let chats = SubscriptionSpec::new("chats/getAllMessages", "created", "https://x/n");
    assert_eq!(m.lifetime_of(&chats), Duration::from_secs(4320 * 60));
    let rich = chats.resource_data("MIIcert", "cert-1");
    assert_eq!(m.lifetime_of(&rich), Duration::from_secs(1440 * 60));
}
