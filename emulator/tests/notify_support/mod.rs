//! A tiny webhook receiver on 127.0.0.1 for the notification tests, and helpers to create
//! subscriptions. Every wait is bounded so a broken emulator fails a test rather than hanging it.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use graph_odata_emulator::Emulator;
use graph_odata_runtime::edm::DateTimeOffset;
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc};

/// The longest a test waits for something the emulator sends.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// What the receiver answers to the validation handshake.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Handshake {
    /// 200, text/plain, the token.
    Echo,
    /// 200, text/plain, another text.
    WrongToken,
    /// 200 with the token but as JSON.
    WrongContentType,
    /// 302 to another URL.
    Redirect,
}

struct ReceiverState {
    handshake: std::sync::Mutex<Handshake>,
    /// How many notifications to answer with 503 before taking them.
    fail_next: AtomicUsize,
    /// Answer every notification with 503.
    always_fail: std::sync::atomic::AtomicBool,
    /// Never answer a notification (within the test's patience).
    hang: std::sync::atomic::AtomicBool,
    attempts: AtomicUsize,
    tokens: std::sync::Mutex<Vec<String>>,
    tx: mpsc::UnboundedSender<(String, Value)>,
}

/// A receiver with `/hook` (change notifications) and `/life` (lifecycle notifications).
pub struct Receiver {
    pub base: String,
    state: Arc<ReceiverState>,
    rx: Mutex<mpsc::UnboundedReceiver<(String, Value)>>,
}

async fn hook(State(s): State<Arc<ReceiverState>>, uri: Uri, body: Bytes) -> Response {
    let url = match reqwest::Url::parse(&format!("http://receiver{uri}")) {
        Ok(u) => u,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "validationToken")
        .map(|(_, v)| v.into_owned());
    if let Some(token) = token {
        s.tokens.lock().unwrap().push(token.clone());
        let mode = *s.handshake.lock().unwrap();
        return match mode {
            Handshake::Echo => ([(header::CONTENT_TYPE, "text/plain")], token).into_response(),
            Handshake::WrongToken => {
                ([(header::CONTENT_TYPE, "text/plain")], "not the token").into_response()
            }
            Handshake::WrongContentType => {
                ([(header::CONTENT_TYPE, "application/json")], token).into_response()
            }
            Handshake::Redirect => (
                StatusCode::FOUND,
                [(header::LOCATION, "http://127.0.0.1:9/elsewhere")],
            )
                .into_response(),
        };
    }
    s.attempts.fetch_add(1, Ordering::SeqCst);
    if s.hang.load(Ordering::SeqCst) {
        tokio::time::sleep(PATIENCE).await;
    }
    if s.always_fail.load(Ordering::SeqCst)
        || s.fail_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let _ = s.tx.send((uri.path().to_owned(), value));
    StatusCode::ACCEPTED.into_response()
}

impl Receiver {
    pub async fn start() -> Receiver {
        let (tx, rx) = mpsc::unbounded_channel();
        let state = Arc::new(ReceiverState {
            handshake: std::sync::Mutex::new(Handshake::Echo),
            fail_next: AtomicUsize::new(0),
            always_fail: std::sync::atomic::AtomicBool::new(false),
            hang: std::sync::atomic::AtomicBool::new(false),
            attempts: AtomicUsize::new(0),
            tokens: std::sync::Mutex::new(Vec::new()),
            tx,
        });
        let app = Router::new()
            .route("/hook", post(hook))
            .route("/life", post(hook))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            base,
            state,
            rx: Mutex::new(rx),
        }
    }

    pub fn hook_url(&self) -> String {
        format!("{}/hook", self.base)
    }

    pub fn life_url(&self) -> String {
        format!("{}/life", self.base)
    }

    pub fn set_handshake(&self, h: Handshake) {
        *self.state.handshake.lock().unwrap() = h;
    }

    pub fn fail_next(&self, n: usize) {
        self.state.fail_next.store(n, Ordering::SeqCst);
    }

    pub fn always_fail(&self) {
        self.state.always_fail.store(true, Ordering::SeqCst);
    }

    pub fn hang(&self) {
        self.state.hang.store(true, Ordering::SeqCst);
    }

    /// Notification POSTs received (taken or refused), handshakes excluded.
    pub fn attempts(&self) -> usize {
        self.state.attempts.load(Ordering::SeqCst)
    }

    /// The validation tokens received, decoded.
    pub fn tokens(&self) -> Vec<String> {
        self.state.tokens.lock().unwrap().clone()
    }

    /// The next notification collection taken, with the path it came to.
    pub async fn next(&self) -> (String, Value) {
        match tokio::time::timeout(PATIENCE, self.rx.lock().await.recv()).await {
            Ok(Some(n)) => n,
            _ => panic!("no notification arrived"),
        }
    }
}

pub async fn emulator() -> Emulator {
    match Emulator::start().await {
        Ok(emu) => emu,
        Err(e) => panic!("cannot start the emulator on loopback: {e}"),
    }
}

/// `expirationDateTime` `minutes` from now.
pub fn in_minutes(minutes: i128) -> String {
    let now = DateTimeOffset::now().unix_nanos();
    DateTimeOffset::from_unix_nanos(now + minutes * 60 * 1_000_000_000)
        .as_str()
        .to_owned()
}

/// A subscription body for `resource`, all change types, one hour, to `url`.
pub fn subscription(resource: &str, url: &str) -> Value {
    json!({
        "changeType": "created,updated,deleted",
        "notificationUrl": url,
        "resource": resource,
        "expirationDateTime": in_minutes(60),
        "clientState": "secret-client-state",
    })
}

/// `method url` with a JSON body; the status and the body (JSON, or text as a string).
pub async fn send(method: reqwest::Method, url: &str, body: Option<&Value>) -> (u16, Value) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let mut request = client.request(method, url);
    if let Some(b) = body {
        request = request.json(b);
    }
    let response = match tokio::time::timeout(PATIENCE, request.send()).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => panic!("{url}: {e}"),
        Err(_) => panic!("{url}: no answer"),
    };
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// `POST /v1.0/subscriptions`.
pub async fn subscribe(emu: &Emulator, body: &Value) -> (u16, Value) {
    send(
        reqwest::Method::POST,
        &format!("{}/subscriptions", emu.v1_url()),
        Some(body),
    )
    .await
}

/// Waits (bounded) until `check` holds.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !check() {
        if tokio::time::Instant::now() > deadline {
            panic!("never happened: {what}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
