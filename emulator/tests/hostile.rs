//! Hostile clients over loopback: endless bodies, forged `Host` headers, cross-site browser
//! requests, a flood of requests against the log. Each test attacks the emulator and asserts the
//! safe outcome.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use graph_odata_emulator::Emulator;
use serde_json::{Value, json};

async fn emulator() -> Emulator {
    match Emulator::start().await {
        Ok(emu) => emu,
        Err(e) => panic!("cannot start the emulator on loopback: {e}"),
    }
}

/// One HTTP answer read off a raw connection.
struct Answer {
    head: String,
    body: String,
}

impl Answer {
    fn status(&self) -> u16 {
        self.head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {:?}", self.head))
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// Reads one answer with a `Content-Length` body from `stream`.
fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).into_owned();
                return Answer { head, body };
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) => panic!(
                "the connection closed before a whole answer: {:?}",
                String::from_utf8_lossy(&buf)
            ),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) => panic!("no answer: {e}"),
        }
    }
}

/// Whether the peer has closed `stream` (EOF or a reset) before the read timeout.
fn closed(stream: &mut TcpStream) -> bool {
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            Err(_) => return true,
        }
    }
}

fn connect(emu: &Emulator) -> TcpStream {
    let stream = TcpStream::connect(emu.addr()).expect("a loopback connection");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_body_gets_413_while_the_client_is_still_sending() {
    let emu = emulator().await;
    emu.set_max_body_size(1 << 20);
    let addr = emu.addr();
    let mut reader = connect(&emu);
    let mut writer = reader.try_clone().expect("a second handle");
    // The client never stops on its own: only the emulator closing the connection ends it, so
    // any answer arrives while it is still sending.
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let head = format!(
            "POST /v1.0/users HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\n\r\n"
        );
        let piece = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
        let mut sent = 0usize;
        let mut result = writer.write_all(head.as_bytes());
        while result.is_ok() {
            result = writer.write_all(piece.as_bytes());
            sent += piece.len();
        }
        let _ = done_tx.send((sent, result));
    });

    let answer = read_answer(&mut reader);
    assert_eq!(answer.status(), 413, "{}", answer.head);
    assert_eq!(answer.header("connection").as_deref(), Some("close"));
    let error: Value = serde_json::from_str(&answer.body).expect("a JSON error body");
    assert_eq!(error["error"]["code"], "RequestEntityTooLarge");
    let message = error["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("1048576 bytes"), "{message}");
    assert!(message.contains("set_max_body_size"), "{message}");
    assert!(closed(&mut reader), "the emulator closes the connection");
    let (sent, stopped) = done_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the client's endless upload is cut off");
    assert!(stopped.is_err());
    // What the client got into the connection before the cut: the cap, what hyper reads ahead,
    // and the kernel's socket buffers (a few MiB on loopback), not an unbounded stream.
    assert!(sent < (1 << 20) + (64 << 20), "{sent} bytes went in");
    // The emulator is still there for well-behaved clients.
    let fine = reqwest::Client::new()
        .post(format!("{}/users", emu.v1_url()))
        .json(&json!({"displayName": "Ada"}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(fine.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_length_over_the_cap_is_refused_before_any_body_byte() {
    let emu = emulator().await;
    let mut stream = connect(&emu);
    let head = format!(
        "POST /v1.0/users HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: 1099511627776\r\n\r\n",
        emu.addr()
    );
    stream.write_all(head.as_bytes()).expect("the head is sent");
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status(), 413, "{}", answer.head);
    let default = graph_odata_emulator::DEFAULT_MAX_BODY_SIZE.to_string();
    assert!(answer.body.contains(&default), "{}", answer.body);
    assert!(closed(&mut stream));
}

#[tokio::test]
async fn a_body_at_the_cap_is_accepted_and_one_byte_more_is_not() {
    let emu = emulator().await;
    emu.set_max_body_size(64);
    let http = reqwest::Client::new();
    let body = |len: usize| {
        let text = format!(r#"{{"displayName":"{}"}}"#, "a".repeat(len - 18));
        assert_eq!(text.len(), len);
        text
    };
    let at_cap = http
        .post(format!("{}/users", emu.v1_url()))
        .header("content-type", "application/json")
        .body(body(64))
        .send()
        .await
        .unwrap();
    assert_eq!(at_cap.status(), 201);
    let over = http
        .post(format!("{}/users", emu.v1_url()))
        .header("content-type", "application/json")
        .body(body(65))
        .send()
        .await
        .unwrap();
    assert_eq!(over.status(), 413);
    let logged = emu.last_request().expect("the refused request is logged");
    assert!(logged.raw_body.is_empty(), "the body is not kept");
}

#[tokio::test]
async fn a_flood_of_requests_keeps_the_log_at_its_capacity() {
    let emu = emulator().await;
    assert_eq!(graph_odata_emulator::DEFAULT_LOG_CAPACITY, 1000);
    emu.set_log_capacity(5);
    emu.insert("/users", json!({"displayName": "Ada"}));
    let http = reqwest::Client::new();
    for i in 0..12 {
        let answer = http
            .get(format!("{}/users?n={i}", emu.v1_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    let log = emu.requests();
    let kept: Vec<_> = log.iter().filter_map(|r| r.query_param("n")).collect();
    assert_eq!(kept, ["7", "8", "9", "10", "11"], "the oldest drop out");
    assert_eq!(emu.dropped_requests(), 7);

    emu.clear_requests();
    emu.set_log_capacity(100);
    emu.set_log_body_budget(1000);
    for _ in 0..3 {
        http.post(format!("{}/users", emu.v1_url()))
            .json(&json!({"displayName": "x".repeat(400)}))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        emu.requests().len(),
        2,
        "two 400-byte bodies fit in 1000 bytes"
    );
    assert_eq!(emu.dropped_requests(), 1);
}

/// Sends `method /v1.0{path}` with `headers` (each `Name: value`) and a small JSON body on a
/// fresh connection, as a browser or a forging client would, and reads the answer.
fn send_raw(emu: &Emulator, method: &str, path: &str, headers: &[&str]) -> Answer {
    let mut stream = connect(emu);
    let body = r#"{"displayName":"Mallory"}"#;
    let mut head = format!("{method} /v1.0{path} HTTP/1.1\r\n");
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    stream
        .write_all(head.as_bytes())
        .expect("the request is sent");
    read_answer(&mut stream)
}

fn error_code(answer: &Answer) -> String {
    let v: Value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
    v["error"]["code"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_host_is_refused_as_dns_rebinding() {
    let emu = emulator().await;
    emu.create_collection("/users");
    let port = emu.addr().port();
    for host in [
        "evil.example".to_owned(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "10.0.0.1".to_owned(),
        format!("[::ffff:8.8.8.8]:{port}"),
    ] {
        let answer = send_raw(&emu, "POST", "/users", &[&format!("Host: {host}")]);
        assert_eq!(answer.status(), 421, "Host: {host}");
        assert_eq!(error_code(&answer), "MisdirectedRequest", "Host: {host}");
        assert!(answer.body.contains("DNS rebinding"), "{}", answer.body);
        assert!(answer.body.contains(&host), "{}", answer.body);
    }
    assert_eq!(emu.count("/users"), Some(0), "nothing was created");
    let without = send_raw(&emu, "POST", "/users", &[]);
    assert_eq!(without.status(), 400, "{}", without.body);
    assert!(
        without.body.contains("no `Host` header"),
        "{}",
        without.body
    );
    assert_eq!(emu.count("/users"), Some(0));

    for host in [
        format!("127.0.0.1:{port}"),
        "127.0.0.1".to_owned(),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
        "127.1.2.3:80".to_owned(),
    ] {
        let answer = send_raw(&emu, "POST", "/users", &[&format!("Host: {host}")]);
        assert_eq!(answer.status(), 201, "Host: {host}: {}", answer.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_site_browser_request_is_refused() {
    let emu = emulator().await;
    emu.create_collection("/users");
    let host = format!("Host: {}", emu.addr());
    for origin in [
        "Origin: https://evil.example",
        "Origin: http://evil.example:80",
        "Origin: http://127.0.0.1.evil.example",
        "Origin: null",
        "Origin: file://",
    ] {
        let answer = send_raw(&emu, "POST", "/users", &[&host, origin]);
        assert_eq!(answer.status(), 403, "{origin}");
        assert!(answer.body.contains("cross-site"), "{}", answer.body);
        // A CORS preflight gets the same answer, so the browser never sends the real request.
        let preflight = send_raw(&emu, "OPTIONS", "/users", &[&host, origin]);
        assert_eq!(preflight.status(), 403, "{origin}");
        assert!(preflight.header("access-control-allow-origin").is_none());
    }
    let no_cors = send_raw(
        &emu,
        "POST",
        "/users",
        &[&host, "Sec-Fetch-Site: cross-site"],
    );
    assert_eq!(no_cors.status(), 403);
    assert!(no_cors.body.contains("Sec-Fetch-Site"), "{}", no_cors.body);
    assert_eq!(emu.count("/users"), Some(0), "nothing was created");

    for allowed in [
        &[host.as_str()][..],
        &[&host, "Origin: http://localhost:3000"],
        &[&host, "Origin: http://127.0.0.1:5173"],
        &[&host, "Origin: https://[::1]"],
        &[&host, "Sec-Fetch-Site: same-origin"],
        &[&host, "Sec-Fetch-Site: none"],
    ] {
        let answer = send_raw(&emu, "POST", "/users", allowed);
        assert_eq!(answer.status(), 201, "{allowed:?}: {}", answer.body);
    }
    // Clients that are not browsers send no Origin: they are unaffected.
    let sdk = reqwest::Client::new()
        .post(format!("{}/users", emu.v1_url()))
        .json(&json!({"displayName": "Ada"}))
        .send()
        .await
        .unwrap();
    assert_eq!(sdk.status(), 201);
}
