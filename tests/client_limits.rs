//! The transport against hostile servers: endless bodies, endless error bodies, a pager dropped
//! mid-prefetch, dot segments, stuck and short-lived credentials, odd `$batch` answers.
//! Each server here is purpose-built on a raw loopback socket and counts what it served.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use graph_odata::auth::{AccessToken, token_fn};
use graph_odata::batch::Batch;
use graph_odata::prelude::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a raw server saw: connections accepted, body bytes written, and when a connection was
/// found closed by the client.
#[derive(Default)]
struct Counters {
    connections: AtomicU32,
    body_bytes: AtomicU64,
    closed_at: std::sync::Mutex<Option<Instant>>,
}

/// Reads one request head (up to the blank line); `false` when the client closed first.
async fn read_head(socket: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match socket.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return false,
        }
    }
    true
}

/// Serves every connection with `status` and a body that never ends (chunked, 64 KiB chunks,
/// as fast as the socket takes them).
async fn endless_server(status: &'static str) -> (String, Arc<Counters>) {
    endless_server_paced(status, 64 * 1024, None).await
}

/// Like [`endless_server`], with `chunk`-byte chunks and, with `pace`, a pause after each: a
/// paced body never fills the socket buffers, so what the server wrote before it saw the
/// connection closed is close to what the client read.
async fn endless_server_paced(
    status: &'static str,
    chunk: usize,
    pace: Option<Duration>,
) -> (String, Arc<Counters>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let root = format!("http://{}/v1.0", listener.local_addr().unwrap());
    let counters = Arc::new(Counters::default());
    let c = counters.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            c.connections.fetch_add(1, Ordering::SeqCst);
            let c = c.clone();
            tokio::spawn(async move {
                if !read_head(&mut socket).await {
                    return;
                }
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                );
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let frame = [
                    format!("{chunk:x}\r\n").into_bytes(),
                    vec![b' '; chunk],
                    b"\r\n".to_vec(),
                ]
                .concat();
                loop {
                    if socket.write_all(&frame).await.is_err() {
                        *c.closed_at.lock().unwrap() = Some(Instant::now());
                        return;
                    }
                    c.body_bytes.fetch_add(chunk as u64, Ordering::SeqCst);
                    if let Some(pace) = pace {
                        tokio::time::sleep(pace).await;
                    }
                }
            });
        }
    });
    (root, counters)
}

#[tokio::test]
async fn an_endless_body_stops_at_the_limit_and_is_not_retried() {
    let (root, seen) = endless_server("200 OK").await;
    let client = Client::builder()
        .service_root(&root)
        .retry(support::fast_retry())
        .max_response_size(1024 * 1024)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .send(Request::<Value>::get("/users"))
        .await
        .unwrap_err();
    assert!(err.is_too_large(), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert!(err.to_string().contains("1 MiB"), "{err}");
    assert!(err.to_string().contains("max_response_size"), "{err}");
    assert_eq!(err.attempts(), 1, "not retried");
    // The server notices the dropped connection soon after.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let closed = seen
        .closed_at
        .lock()
        .unwrap()
        .expect("the client dropped the connection");
    assert!(closed - started < Duration::from_secs(2));
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    // 1 MiB read, plus what loopback socket buffers held: far from unbounded.
    let served = seen.body_bytes.load(Ordering::SeqCst);
    assert!(served < 24 * 1024 * 1024, "served {served} bytes");

    // A request can raise (or lower) its own limit.
    let err = client
        .send(Request::<Value>::get("/users").max_response_size(2 * 1024 * 1024))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("2 MiB"), "{err}");
}

#[tokio::test]
async fn an_announced_oversized_body_is_refused_before_reading() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let root = format!("http://{}/v1.0", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                if read_head(&mut socket).await {
                    let _ = socket
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 10737418240\r\n\r\n{")
                        .await;
                    tokio::time::sleep(Duration::from_secs(30)).await;
                }
            });
        }
    });
    let started = Instant::now();
    let err = support::client_at(&root)
        .send(Request::<Value>::get("/users"))
        .await
        .unwrap_err();
    assert!(err.is_too_large(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused at once"
    );
}

#[tokio::test]
async fn an_endless_error_body_is_read_only_for_its_snippet() {
    // 1 KiB every millisecond: the client reads each piece as it comes, so the bytes written
    // before the server saw the close are the bytes the client read, plus the few pieces sent
    // while it closed. A client that read on for a while (or to `max_response_size`) would show
    // here, not vanish into loopback socket buffers.
    let (root, seen) =
        endless_server_paced("400 Bad Request", 1024, Some(Duration::from_millis(1))).await;
    let client = support::client_at(&root);
    let call = client.send(Request::<Value>::get("/users"));
    let err = tokio::time::timeout(Duration::from_secs(20), call)
        .await
        .expect("the client stops reading the error body")
        .unwrap_err();
    assert!(err.is_api(), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::BAD_REQUEST));
    let snippet = err.api().and_then(|a| a.body_snippet.clone());
    assert!(snippet.is_some(), "{err:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        seen.closed_at.lock().unwrap().is_some(),
        "connection dropped"
    );
    let served = seen.body_bytes.load(Ordering::SeqCst);
    let cap = graph_odata::limits::ERROR_BODY_CAP;
    assert!(
        served <= cap + 48 * 1024,
        "served {served} bytes for a {cap}-byte cap"
    );
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1, "not retried");
}

/// The RSS half of the endless-body test: a child process (this test binary, running the ignored
/// test below) reads an endless body with the default limit and reports its peak RSS.
#[test]
fn an_endless_body_keeps_the_process_memory_bounded() {
    let Some(v) = support::child_report("endless_body_child") else {
        return;
    };
    let (peak_kib, served) = (v[0], v[1]);
    // The default limit is 64 MiB: the body buffer plus the test binary's own use stays far below
    // what an unbounded read reaches (gigabytes within seconds).
    assert!(peak_kib < 200 * 1024, "peak RSS {peak_kib} KiB");
    assert!(
        served >= 64 * 1024 * 1024,
        "the child read up to the limit: {served}"
    );
    assert!(served < 100 * 1024 * 1024, "served {served} bytes");
}

#[tokio::test]
#[ignore = "run by an_endless_body_keeps_the_process_memory_bounded in a child process"]
async fn endless_body_child() {
    let (root, seen) = endless_server("200 OK").await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let err = client
        .send(Request::<Value>::get("/users"))
        .await
        .unwrap_err();
    assert!(err.is_too_large(), "{err:?}");
    let peak = support::peak_rss_kib().expect("/proc/self/status has VmHWM");
    println!("\nCHILD {peak} {}", seen.body_bytes.load(Ordering::SeqCst));
}

#[tokio::test]
async fn dropping_a_pager_cancels_its_prefetch() {
    // Page 1 at once, with a link to page 2; page 2 never answers. The client prefetches page 2
    // while the caller holds page 1; dropping the pager must close that connection.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let root = format!("http://{addr}/v1.0");
    let seen = Arc::new(Counters::default());
    let c = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let c = c.clone();
            tokio::spawn(async move {
                loop {
                    if !read_head(&mut socket).await {
                        *c.closed_at.lock().unwrap() = Some(Instant::now());
                        return;
                    }
                    let n = c.connections.fetch_add(1, Ordering::SeqCst);
                    if n > 0 {
                        // Page 2: hold the request open; wait for the client to go away.
                        let mut byte = [0u8; 1];
                        let _ = socket.read(&mut byte).await;
                        *c.closed_at.lock().unwrap() = Some(Instant::now());
                        return;
                    }
                    let body = format!(
                        r#"{{"value":[{{"id":"1"}}],"@odata.nextLink":"http://{addr}/v1.0/users?$skiptoken=2"}}"#
                    );
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if socket.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let client = support::client_at(&root);
    let mut pager = client.pages(Request::<Page<Value>>::get("/users"));
    let first = pager.next_page().await.unwrap().unwrap();
    assert_eq!(first.value.len(), 1);
    // Wait until the prefetch of page 2 reached the server.
    for _ in 0..100 {
        if seen.connections.load(Ordering::SeqCst) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        seen.connections.load(Ordering::SeqCst),
        2,
        "page 2 was prefetched"
    );
    let dropped = Instant::now();
    drop(pager);
    for _ in 0..100 {
        if seen.closed_at.lock().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let closed = seen
        .closed_at
        .lock()
        .unwrap()
        .expect("the prefetch was cancelled");
    assert!(
        closed - dropped < Duration::from_secs(1),
        "closed after {:?}",
        closed - dropped
    );
}

#[tokio::test]
async fn dot_segments_are_refused_before_anything_is_sent() {
    let emu = support::emulator().await;
    let client = support::client_for(&emu);
    for path in [
        "/users/../../beta/users",
        "/users/%2e%2e/admin",
        "/me/drive/root/%2E",
    ] {
        let err = client.send(Request::<Value>::get(path)).await.unwrap_err();
        assert!(err.is_build(), "{path}: {err:?}");
        assert!(
            err.to_string().contains("would address another route"),
            "{err}"
        );
    }
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

/// 200 concurrent calls: a credential that takes 100 ms is asked once per token lifetime, not
/// once per call, for tokens living 1 s, 299 s and an hour.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_credential_call() {
    let emu = support::emulator().await;
    emu.insert("/users", json!({"id": "u1"}));
    for (lifetime, most) in [(1u64, 3u32), (299, 1), (3600, 1)] {
        let calls = Arc::new(AtomicU32::new(0));
        let c = calls.clone();
        let credential = token_fn(move |_scopes| {
            c.fetch_add(1, Ordering::SeqCst);
            async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Ok(AccessToken::new("t")
                    .expires_at(SystemTime::now() + Duration::from_secs(lifetime)))
            }
        });
        let client = Client::builder()
            .service_root(emu.v1_url())
            .credential(credential)
            .build()
            .unwrap();
        let started = Instant::now();
        let mut running = tokio::task::JoinSet::new();
        for _ in 0..200 {
            let client = client.clone();
            running.spawn(async move { client.send(Request::<Value>::get("/users/u1")).await });
        }
        while let Some(done) = running.join_next().await {
            done.unwrap().unwrap();
        }
        let n = calls.load(Ordering::SeqCst);
        assert!(
            (1..=most).contains(&n),
            "a {lifetime} s token: {n} credential calls for 200 requests"
        );
        // One credential call of 100 ms, not 200 of them one after the other (20 s).
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn a_stuck_credential_fails_the_call_after_the_credential_timeout() {
    let emu = support::emulator().await;
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(token_fn(|_| {
            std::future::pending::<Result<AccessToken, Error>>()
        }))
        .credential_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(Request::<Value>::get("/me")).await.unwrap_err();
    let took = started.elapsed();
    assert!(err.is_auth(), "{err:?}");
    assert!(err.to_string().contains("credential_timeout"), "{err}");
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert!(emu.requests().is_empty(), "nothing is sent without a token");
}

#[tokio::test(start_paused = true)]
async fn every_call_has_a_deadline_by_default() {
    // A server that accepts and never answers, on a thread of its own so the paused clock of this
    // test does not touch it; the default client gives up at its 3-minute deadline, retries of
    // the 100 s tries included, and not a second later.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for socket in listener.incoming() {
            match socket {
                Ok(s) => held.push(s),
                Err(_) => break,
            }
        }
    });
    let client = Client::builder()
        .service_root(format!("http://{addr}/v1.0"))
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let err = client
        .send(Request::<Value>::get("/users"))
        .await
        .unwrap_err();
    let waited = start.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(
        waited >= Duration::from_secs(180) && waited < Duration::from_secs(181),
        "gave up after {waited:?}"
    );
}

/// A purpose-built `$batch` endpoint answering with a duplicated id, an unknown id, and a missing one.
#[tokio::test]
async fn batch_answers_with_duplicate_unknown_or_missing_ids_are_protocol_errors() {
    let app = axum::Router::new().route(
        "/v1.0/$batch",
        axum::routing::post(|| async {
            axum::Json(json!({"responses": [
                {"id": "1", "status": 200, "body": {"n": 1}},
                {"id": "1", "status": 200, "body": {"n": 2}},
                {"id": "2", "status": 200, "body": {"n": 3}},
                {"id": "9\u{1b}[31m", "status": 200, "body": {}},
            ]}))
        }),
    );
    let root = support::serve(app).await;
    let client = support::client_at(&format!("{root}/v1.0"));
    let mut batch = Batch::new();
    let twice = batch.add(Request::<Value>::get("/a"));
    let once = batch.add(Request::<Value>::get("/b"));
    let never = batch.add(Request::<Value>::get("/c"));
    let results = client.send_batch(batch).await.unwrap();
    let e = results.get(&twice).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert!(e.to_string().contains("answers request 1 2 times"), "{e}");
    assert_eq!(results.get(&once).unwrap()["n"], 3);
    let e = results.get(&never).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    let text = e.to_string();
    assert!(text.contains("no answer for request 3"), "{text}");
    assert!(
        text.contains("9\\u{1b}[31m"),
        "the unknown id is shown escaped: {text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "no raw control characters: {text:?}"
    );
}

#[tokio::test]
async fn batch_items_still_throttled_at_the_end_of_the_budget_are_throttled_errors() {
    let emu = support::emulator().await;
    emu.insert("/users", json!({"id": "u1"}));
    let client = Client::builder()
        .service_root(emu.v1_url())
        .retry(support::fast_retry().max_retries(2))
        .build()
        .unwrap();
    emu.fault(
        graph_odata_emulator::Fault::throttle("0.01")
            .path("/v1.0/users/u1")
            .times(10),
    );
    let mut batch = Batch::new();
    let h = batch.add(Request::<Value>::get("/users/u1"));
    let results = client.send_batch(batch).await.unwrap();
    let err = results.get(&h).unwrap_err();
    assert!(err.is_throttled(), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(err.attempts(), 3);
    assert!(
        err.to_string().contains("gave up after 3 attempts"),
        "{err}"
    );
    assert_eq!(results.calls(), 3);
}

#[tokio::test]
async fn a_next_link_with_another_scheme_says_so() {
    let app = axum::Router::new().route(
        "/v1.0/users",
        axum::routing::get(|| async {
            axum::Json(json!({"value": [{"id": "1"}], "@odata.nextLink": "file:///etc/passwd"}))
        }),
    );
    let root = support::serve(app).await;
    let client = support::client_at(&format!("{root}/v1.0"));
    let mut pager = client.pages(Request::<Page<Value>>::get("/users"));
    assert!(pager.next_page().await.unwrap().is_ok());
    let err = pager.next_page().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    let text = err.to_string();
    assert!(text.contains("scheme `file`"), "{text}");
    assert!(!text.contains("null"), "{text}");
}

#[tokio::test]
async fn a_duration_too_large_for_nanoseconds_is_a_decode_error_not_a_panic() {
    #[derive(serde::Deserialize, Debug)]
    struct Timer {
        #[allow(dead_code)]
        length: graph_odata::edm::Duration,
    }
    let app = axum::Router::new().fallback(axum::routing::any(|| async {
        axum::Json(
            json!({"length": "P99999999999999999999999999DT99999999999999999999999999999999999H"}),
        )
    }));
    let root = support::serve(app).await;
    let client = support::client_no_retry(&root);
    let err = client
        .send(Request::<Timer>::get("/timer"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("too large"), "{err}");
}

/// Answers every request on a connection with `{"n":<i>,…}` under `Content-Length`, the body
/// written in two parts with a pause between; counts connections.
async fn split_body_server() -> (String, Arc<Counters>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let root = format!("http://{}/v1.0", listener.local_addr().unwrap());
    let counters = Arc::new(Counters::default());
    let c = counters.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            c.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut i = 0;
                while read_head(&mut socket).await {
                    i += 1;
                    let body = format!(r#"{{"n":{i},"pad":"{}"}}"#, "x".repeat(3000));
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    );
                    let (a, b) = body.as_bytes().split_at(body.len() / 2);
                    for part in [head.as_bytes(), a] {
                        if socket.write_all(part).await.is_err() {
                            return;
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    if socket.write_all(b).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (root, counters)
}

#[tokio::test]
async fn a_body_read_to_its_announced_length_is_whole_and_its_connection_is_reused() {
    let (root, seen) = split_body_server().await;
    let client = support::client_at(&root);
    for i in 1..=4 {
        let v: Value = client.send(Request::get("/users")).await.unwrap();
        // Both parts of each body arrived (the first alone would not parse).
        assert_eq!(v["n"], i);
        assert_eq!(v["pad"].as_str().map(str::len), Some(3000));
    }
    assert_eq!(
        seen.connections.load(Ordering::SeqCst),
        1,
        "one kept-alive connection"
    );
}
