//! Hostile receivers and requests: the emulator calls only loopback, and a receiver that is
//! slow, endless, redirecting or failing cannot hold it or make it grow without bound.

mod notify_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use notify_support::*;
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TASKS: &str = "me/todo/lists/L1/tasks";

async fn emulator_with_list() -> graph_odata_emulator::Emulator {
    let emu = emulator().await;
    emu.insert("/me/todo/lists", json!({"id": "L1"}));
    emu
}

/// A raw receiver on 127.0.0.1 that reads each request's head and then runs `answer` on the
/// socket; counts connections.
async fn raw_receiver<F, Fut>(answer: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head).await;
                answer(socket).await;
            });
        }
    });
    (url, connections)
}

#[tokio::test]
async fn notification_urls_off_loopback_are_refused_and_never_called() {
    let emu = emulator_with_list().await;
    for (url, expect) in [
        ("http://example.com/hook", "Graph requires https"),
        ("https://example.com/hook", "only to loopback"),
        ("https://10.1.2.3/hook", "only to loopback"),
        ("https://[2001:db8::1]/hook", "only to loopback"),
        ("https://127.0.0.1.nip.io/hook", "only to loopback"),
        ("https://localhost.evil.test/hook", "only to loopback"),
    ] {
        let (status, e) = subscribe(&emu, &subscription(TASKS, url)).await;
        assert_eq!(status, 400, "{url}: {e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(expect), "{url}: {message}");
        assert_eq!(e["error"]["code"], "InvalidRequest");
    }
    let mut body = subscription(TASKS, "http://127.0.0.1:9/hook");
    body["lifecycleNotificationUrl"] = json!("https://example.com/life");
    let (status, e) = subscribe(&emu, &body).await;
    assert_eq!(status, 400);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("lifecycleNotificationUrl"),
        "{e}"
    );
}

#[tokio::test]
async fn a_receiver_that_never_answers_fails_the_handshake_at_the_timeout() {
    let emu = emulator_with_list().await;
    emu.set_callback_timeout(Duration::from_millis(200));
    let (url, connections) = raw_receiver(|socket| async move {
        tokio::time::sleep(PATIENCE).await;
        drop(socket);
    })
    .await;
    let (status, e) = subscribe(&emu, &subscription(TASKS, &url)).await;
    assert_eq!(status, 400, "{e}");
    let message = e["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("did not answer within 200 ms"),
        "{message}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    assert!(emu.subscriptions().is_empty());
}

#[tokio::test]
async fn a_receiver_that_answers_endlessly_is_cut_off() {
    let emu = emulator_with_list().await;
    let (url, _) = raw_receiver(|mut socket| async move {
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = format!("{:x}\r\n{}\r\n", 1024, "A".repeat(1024));
        // Bounded: 64 MiB at most, far past what the emulator reads.
        for _ in 0..65_536 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
        }
    })
    .await;
    let (status, e) = subscribe(&emu, &subscription(TASKS, &url)).await;
    assert_eq!(status, 400, "{e}");
    let message = e["error"]["message"].as_str().unwrap();
    assert!(message.contains("longer than 4096 bytes"), "{message}");
}

#[tokio::test]
async fn a_receiver_that_drips_its_answer_fails_at_the_timeout() {
    let emu = emulator_with_list().await;
    emu.set_callback_timeout(Duration::from_millis(300));
    let (url, _) = raw_receiver(|mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if socket.write_all(b"V").await.is_err() {
                return;
            }
        }
    })
    .await;
    let (status, e) = subscribe(&emu, &subscription(TASKS, &url)).await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did not answer within"),
        "{e}"
    );
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let emu = emulator_with_list().await;
    let target = Receiver::start().await;
    let location = target.hook_url();
    let (url, _) = raw_receiver(move |mut socket| {
        let location = location.clone();
        async move {
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    })
    .await;
    let (status, e) = subscribe(&emu, &subscription(TASKS, &url)).await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("redirect"),
        "{e}"
    );
    assert!(
        target.tokens().is_empty(),
        "the redirect's target was never called"
    );
}

#[tokio::test]
async fn a_closed_port_fails_the_handshake_with_a_reason() {
    let emu = emulator_with_list().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    drop(listener);
    let (status, e) = subscribe(&emu, &subscription(TASKS, &url)).await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("could not be reached"),
        "{e}"
    );
}

#[tokio::test]
async fn subscriptions_are_bounded() {
    let emu = emulator_with_list().await;
    emu.set_max_subscriptions(3);
    let rx = Receiver::start().await;
    for _ in 0..3 {
        assert_eq!(
            subscribe(&emu, &subscription(TASKS, &rx.hook_url()))
                .await
                .0,
            201
        );
    }
    let (status, e) = subscribe(&emu, &subscription(TASKS, &rx.hook_url())).await;
    assert_eq!(status, 403, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 3"),
        "{e}"
    );
    assert_eq!(rx.tokens().len(), 3, "no handshake past the bound");
}

/// With the receiver hung, deliveries stay in flight; the queue holds what it can and drops the
/// rest (counted), and changes are still answered at once.
#[tokio::test]
async fn a_hung_receiver_neither_blocks_requests_nor_grows_the_queue_without_bound() {
    let emu = emulator_with_list().await;
    let rx = Receiver::start().await;
    assert_eq!(
        subscribe(&emu, &subscription(TASKS, &rx.hook_url()))
            .await
            .0,
        201
    );
    rx.hang();
    emu.set_callback_timeout(Duration::from_secs(3600));
    let total = graph_odata_emulator::DELIVERY_QUEUE_CAPACITY + 200;
    emu.with_store(|store| {
        for i in 0..total {
            store
                .insert(&format!("/{TASKS}"), json!({"title": i}))
                .unwrap();
        }
    });
    // The test runtime has one thread: nothing was taken off the queue while the changes were
    // made, so exactly the excess was dropped.
    assert_eq!(emu.delivery_stats().dropped, 200);
    let (status, _) = send(
        Method::POST,
        &format!("{}/{TASKS}", emu.v1_url()),
        Some(&json!({"title": "still answered"})),
    )
    .await;
    assert_eq!(status, 201);
}
