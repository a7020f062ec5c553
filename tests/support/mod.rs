//! Shared helpers for the integration tests.
#![allow(dead_code)] // each test file uses a different subset

use std::time::Duration;

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
    Client::builder()
        .service_root(emu.v1_url())
        .retry(fast_retry())
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

/// Takes a snapshot of what a server recorded.
pub fn seen(s: &Seen) -> Vec<http::HeaderMap> {
    s.lock().map(|v| v.clone()).unwrap_or_default()
}
