//! Shared helpers for the integration tests.
#![allow(dead_code)] // each test file uses a different subset

use std::time::Duration;

mod rss;
pub mod trace;
#[allow(unused_imports)]
pub use rss::peak_rss_kib;

use graph_odata::prelude::*;
use graph_odata_emulator::Emulator;

/// A fresh emulator on 127.0.0.1.
pub async fn emulator() -> Emulator {
    match Emulator::start().await {
        Ok(emu) => emu,
        Err(e) => panic!("cannot start the emulator on loopback: {e}"),
    }
}

/// Retries fast enough for tests: 10 ms backoff, no jitter.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(40))
        .jitter(false)
}

/// A client for the emulator's v1.0 root with [`fast_retry`].
pub fn client_for(emu: &Emulator) -> Client {
    client_at(&emu.v1_url())
}

/// A client for the service root `root` (a test server on loopback) with [`fast_retry`].
pub fn client_at(root: &str) -> Client {
    Client::builder()
        .service_root(root)
        .retry(fast_retry())
        .build()
        .expect("a loopback service root is valid")
}

/// A client for the service root `root` that never retries: each request is sent once.
pub fn client_no_retry(root: &str) -> Client {
    Client::builder()
        .service_root(root)
        .retry(RetryPolicy::none())
        .build()
        .expect("a loopback service root is valid")
}

/// Serves `router` on 127.0.0.1 with a free port for the rest of the test; returns its root URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

/// Headers seen by a purpose-built server, shared with the test.
pub type Seen = std::sync::Arc<std::sync::Mutex<Vec<http::HeaderMap>>>;

/// A server on loopback that records every request's headers and answers `{"ok": true}` to
/// anything; returns its root URL and what it saw.
pub async fn recorder() -> (String, Seen) {
    use axum::extract::State;
    let seen: Seen = Seen::default();
    let app = axum::Router::new()
        .fallback(axum::routing::any(
            |State(s): State<Seen>, headers: http::HeaderMap| async move {
                s.lock().map(|mut v| v.push(headers)).ok();
                axum::Json(serde_json::json!({"ok": true}))
            },
        ))
        .with_state(seen.clone());
    (serve(app).await, seen)
}

/// Takes a snapshot of what a server recorded.
pub fn seen(s: &Seen) -> Vec<http::HeaderMap> {
    s.lock().map(|v| v.clone()).unwrap_or_default()
}

/// Whether this run is CI: `CI` is set to anything but empty, `0` or `false` (`.ci/run` sets
/// `CI=1`). Under CI a test never skips for want of an external file.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The file that the environment variable `var` names, for tests that need data from outside the
/// repository (`what` says which). Outside CI a missing variable or file prints what is skipped and
/// gives `None`; under CI (see [`in_ci`]) it fails the test, naming the variable and the file.
pub fn external_file(var: &str, what: &str) -> Option<std::path::PathBuf> {
    let problem = match std::env::var_os(var).filter(|v| !v.is_empty()) {
        None => format!("{var} is not set"),
        Some(path) => {
            let path = std::path::PathBuf::from(path);
            if path.is_file() {
                return Some(path);
            }
            format!("{var}={} is not a readable file", path.display())
        }
    };
    if in_ci() {
        panic!("CI needs {what}: {problem} (.ci/run points it into ../shared/graph/)");
    }
    // Written to the process's stderr directly: the test harness captures `eprintln!`, and a skip
    // must show in a plain `cargo test`.
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped (needs {what}): {problem}");
    None
}

/// Asserts `d` is in `[lo_ms, hi_ms)`. The upper bound is loose (shared, noisy machines) but far
/// below what a wrong reading (ten times too long, or an added backoff) would give.
pub fn within(d: Duration, lo_ms: u64, hi_ms: u64, what: &str) {
    assert!(
        d >= Duration::from_millis(lo_ms) && d < Duration::from_millis(hi_ms),
        "{what}: waited {d:?}, expected {lo_ms}..{hi_ms} ms"
    );
}

/// What a [`holding_server`] saw.
#[derive(Default, Debug)]
pub struct Holder {
    /// Requests whose head arrived.
    pub requests: std::sync::atomic::AtomicU32,
    /// When the first request past the scripted answers arrived (it is never answered).
    pub held_at: std::sync::Mutex<Option<std::time::Instant>>,
    /// When the client closed a connection.
    pub closed_at: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Holder {
    /// Waits up to 5 s for `cond`.
    pub async fn wait_for(&self, what: &str, cond: impl Fn(&Holder) -> bool) {
        for _ in 0..500 {
            if cond(self) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the server never saw {what}: {self:?}");
    }

    /// When a held request arrived.
    pub fn held(&self) -> Option<std::time::Instant> {
        *self.held_at.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// When the client closed a connection.
    pub fn closed(&self) -> Option<std::time::Instant> {
        *self.closed_at.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A raw HTTP/1.1 server on 127.0.0.1 that writes `answers(origin)[i]` (raw bytes; `origin` is
/// `http://127.0.0.1:port`; a body may be left incomplete on purpose) to the i-th request and holds
/// every later request open without answering. It records when a client closes a connection:
/// the tests of cancellation drop a future and expect the close within a second. Returns the
/// `/v1.0` root.
pub async fn holding_server(
    answers: impl FnOnce(&str) -> Vec<Vec<u8>>,
) -> (String, std::sync::Arc<Holder>) {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let origin = format!(
        "http://{}",
        listener
            .local_addr()
            .expect("a bound listener has an address")
    );
    let answers = std::sync::Arc::new(answers(&origin));
    let holder = std::sync::Arc::new(Holder::default());
    let h = holder.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (h, answers) = (h.clone(), answers.clone());
            tokio::spawn(async move {
                let closed = |h: &Holder| {
                    *h.closed_at.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(std::time::Instant::now());
                };
                loop {
                    // The head, then the body its Content-Length announces.
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match socket.read(&mut byte).await {
                            Ok(1) => head.push(byte[0]),
                            _ => return closed(&h),
                        }
                    }
                    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
                    let len: usize = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    let mut body = vec![0u8; len];
                    if socket.read_exact(&mut body).await.is_err() {
                        return closed(&h);
                    }
                    let i = h.requests.fetch_add(1, Ordering::SeqCst) as usize;
                    match answers.get(i) {
                        Some(answer) => {
                            if socket.write_all(answer).await.is_err() {
                                return closed(&h);
                            }
                        }
                        None => {
                            *h.held_at.lock().unwrap_or_else(|e| e.into_inner()) =
                                Some(std::time::Instant::now());
                            let _ = socket.read(&mut byte).await;
                            return closed(&h);
                        }
                    }
                }
            });
        }
    });
    (format!("{origin}/v1.0"), holder)
}

/// A complete JSON answer for [`holding_server`].
pub fn json_answer(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Runs the ignored test `child` of this test binary in a child process and returns the numbers it
/// printed after `CHILD ` (the memory tests report their peak RSS this way, measured in a process
/// of their own). `None` off Linux, where `/proc/self/status` is not there to read.
pub fn child_report(child: &str) -> Option<Vec<u64>> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            child,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .expect("the test binary runs as a child");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = text
        .lines()
        .find_map(|l| l.split_once("CHILD ").map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("no report from the child: {text}"));
    Some(
        line.split_whitespace()
            .map(|n| {
                n.parse()
                    .unwrap_or_else(|_| panic!("not a number in `{line}`"))
            })
            .collect(),
    )
}
