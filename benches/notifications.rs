//! Change notifications through the receiver, in one run:
//!
//! - `receiver_plain`: notifications handled per second by `Receiver::handle` (decode, constant-time
//!   `clientState`, hand-off to the channel), batches of 1 and 50 notifications;
//! - `receiver_rich`: the same with `validationTokens` verified (RS256, keys cached) and each
//!   notification's `encryptedContent` decrypted (RSA-OAEP, HMAC-SHA256, AES-256-CBC) into the model;
//! - `answer_202`: one POST over loopback HTTP answered by an axum route that returns `202` at once,
//!   and by the receiver's router: the difference is the latency the receiver adds to the `202`;
//! - `decode`: a 50-notification body decoded the receiver's way into `#[graph_entity]` resource
//!   data versus plain serde into a `#[derive(Deserialize)]` mirror of the same structs (goal ≤ 1.10×).
//!
//! `cargo bench --bench notifications` runs it; `-- --test` runs each benchmark once;
//! `-- --ratios` prints the decode ratios measured alternately (robust on a busy machine).

use std::sync::LazyLock;

use bytes::Bytes;
use divan::{Bencher, black_box, counter::ItemsCount};
use graph_odata::notify::{
    ChangeNotificationCollection, Decryptor, KeySource, Receiver, TokenVerifier, axum::router,
};
use graph_odata::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

fn main() {
    if std::env::args().any(|a| a == "--ratios") {
        decode_ratios();
        return;
    }
    divan::main();
}

/// `-- --ratios`: the decode pairs run alternately (the order flips each round), 41 rounds of 200
/// decodes each; prints the median of the per-round ratios, which drift in machine load hits alike.
fn decode_ratios() {
    use std::time::Instant;
    fn time(f: &dyn Fn()) -> f64 {
        let start = Instant::now();
        for _ in 0..200 {
            f();
        }
        start.elapsed().as_secs_f64()
    }
    let receiver = || {
        black_box(graph_odata::notify::decode::<TodoTask>(black_box(&DECODE_BODY)).is_ok());
    };
    let same = || {
        let r: Result<ChangeNotificationCollection<TodoTask>, _> =
            serde_json::from_slice(black_box(&DECODE_BODY));
        black_box(r.is_ok());
    };
    let mirror = || {
        let r: Result<SerdeCollection, _> = serde_json::from_slice(black_box(&DECODE_BODY));
        black_box(r.is_ok());
    };
    for (name, base) in [
        ("serde on the same struct", &same as &dyn Fn()),
        ("serde derive on a mirror", &mirror as &dyn Fn()),
    ] {
        let mut ratios = Vec::new();
        for round in 0..41 {
            let (a, b) = if round % 2 == 0 {
                let a = time(&receiver);
                (a, time(base))
            } else {
                let b = time(base);
                (time(&receiver), b)
            };
            ratios.push(a / b);
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "decode_receiver / {name}: median ratio {:.3}",
            ratios[ratios.len() / 2]
        );
    }
}

#[graph_entity(get = "GET /me/todo/lists/{todoTaskListId}/tasks/{todoTaskId}")]
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

/// The same payload as plain serde structs: the baseline of `decode`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct SerdeCollection {
    value: Vec<SerdeNotification>,
    #[serde(default)]
    validation_tokens: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct SerdeNotification {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    subscription_id: String,
    #[serde(default)]
    subscription_expiration_date_time: Option<String>,
    #[serde(default)]
    client_state: Option<String>,
    #[serde(default)]
    change_type: Option<String>,
    #[serde(default)]
    resource: Option<String>,
    #[serde(default)]
    tenant_id: Option<String>,
    #[serde(default)]
    resource_data: Option<SerdeTask>,
    #[serde(default)]
    encrypted_content: Option<Value>,
    #[serde(default)]
    lifecycle_event: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct SerdeTask {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

const STATE: &str = "bench-client-state";
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/notifications");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).expect("the committed fixture is readable")
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).expect("JSON fixture")
}

fn body(n: usize, rich: bool) -> Bytes {
    let encrypted = fixture_json("encrypted.json")["good"].clone();
    let value: Vec<Value> = (0..n)
        .map(|i| {
            let mut item = json!({
                "subscriptionId": "2c6f8a0e-7d0c-4ef4-9b0a-3a3d1c8d5e71", "clientState": STATE,
                "changeType": "updated", "subscriptionExpirationDateTime": "2026-12-08T10:00:00.0000000Z",
                "resource": format!("Users/u1/todo/lists/L1/tasks/AAMkTask{i}"),
                "tenantId": "84bd8158-6d4d-4958-8b9f-9d6445542f95",
                "resourceData": {"@odata.type": "#microsoft.graph.todoTask",
                    "@odata.id": format!("Users/u1/todo/lists/L1/tasks/AAMkTask{i}"),
                    "@odata.etag": "W/\"J/pa0NQpn0m2Xal9gI1uGgAAAiD2SA==\"", "id": format!("AAMkTask{i}")}
            });
            if rich {
                item["encryptedContent"] = encrypted.clone();
            }
            item
        })
        .collect();
    let mut out = json!({ "value": value });
    if rich {
        out["validationTokens"] = json!([fixture_json("tokens.json")["good"]]);
    }
    Bytes::from(out.to_string())
}

fn request(body: &Bytes) -> http::Request<Bytes> {
    http::Request::post("/notify")
        .header("content-type", "application/json")
        .body(body.clone())
        .expect("a request")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

#[divan::bench(args = [1, 50])]
fn receiver_plain(bencher: Bencher, n: usize) {
    let rt = runtime();
    let (receiver, mut out) = Receiver::<TodoTask>::builder()
        .client_state(STATE)
        .capacity(n)
        .build();
    let body = body(n, false);
    bencher.counter(ItemsCount::new(n)).bench_local(|| {
        let answer = rt.block_on(receiver.handle(request(&body)));
        assert_eq!(answer.status(), 202);
        for _ in 0..n {
            black_box(out.try_recv());
        }
    });
}

#[divan::bench(args = [1, 50], sample_count = 20)]
fn receiver_rich(bencher: Bencher, n: usize) {
    let rt = runtime();
    let tokens = fixture_json("tokens.json");
    let (receiver, mut out, decryptor) = rt.block_on(async {
        let jwks = fixture("jwks.json");
        let root = serve(axum::Router::new().route(
            "/keys",
            axum::routing::get(move || {
                let body = jwks.clone();
                async move { ([("content-type", "application/json")], body) }
            }),
        ))
        .await;
        let client = Client::builder()
            .service_root(&root)
            .build()
            .expect("a client");
        let verifier = TokenVerifier::new(
            client,
            tokens["app_id"].as_str().unwrap_or_default(),
            KeySource::Url(format!("{root}/keys")),
        );
        let (receiver, out) = Receiver::<TodoTask>::builder()
            .client_state(STATE)
            .capacity(n)
            .verify_tokens(verifier)
            .build();
        let decryptor = Decryptor::new()
            .with_key_pem("cert-1", &fixture("key-1.pem"))
            .expect("the fixture key loads");
        (receiver, out, decryptor)
    });
    let body = body(n, true);
    bencher.counter(ItemsCount::new(n)).bench_local(|| {
        let answer = rt.block_on(receiver.handle(request(&body)));
        assert_eq!(answer.status(), 202);
        for _ in 0..n {
            let note = out.try_recv().expect("handed out");
            let content = note.encrypted_content.expect("encrypted");
            let task: TodoTask = decryptor.decrypt(&content).expect("decrypts");
            black_box(task);
        }
    });
}

static ANSWER_BODY: LazyLock<Bytes> = LazyLock::new(|| body(1, false));

#[divan::bench(args = ["bare 202", "receiver"])]
fn answer_202(bencher: Bencher, server: &str) {
    let rt = runtime();
    let (url, mut out) = rt.block_on(async {
        let (receiver, out) = Receiver::<TodoTask>::builder()
            .client_state(STATE)
            .capacity(1)
            .build();
        let app = if server == "receiver" {
            router("/notify", receiver)
        } else {
            axum::Router::new().route(
                "/notify",
                axum::routing::post(|_body: Bytes| async { http::StatusCode::ACCEPTED }),
            )
        };
        (format!("{}/notify", serve(app).await), out)
    });
    let http = reqwest::Client::new();
    bencher.bench_local(|| {
        let status = rt.block_on(async {
            http.post(&url)
                .header("content-type", "application/json")
                .body(ANSWER_BODY.clone())
                .send()
                .await
                .expect("answers")
                .status()
        });
        assert_eq!(status, 202);
        black_box(out.try_recv());
    });
}

static DECODE_BODY: LazyLock<Bytes> = LazyLock::new(|| body(50, false));

#[divan::bench(sample_count = 1000)]
fn decode_receiver(bencher: Bencher) {
    bencher.counter(ItemsCount::new(50usize)).bench(|| {
        let batch: ChangeNotificationCollection<TodoTask> =
            graph_odata::notify::decode(black_box(&DECODE_BODY)).expect("decodes");
        black_box(batch)
    });
}

#[divan::bench(sample_count = 1000)]
fn decode_serde_same_struct(bencher: Bencher) {
    bencher.counter(ItemsCount::new(50usize)).bench(|| {
        let batch: ChangeNotificationCollection<TodoTask> =
            serde_json::from_slice(black_box(&DECODE_BODY)).expect("decodes");
        black_box(batch)
    });
}

#[divan::bench(sample_count = 1000)]
fn decode_serde_mirror(bencher: Bencher) {
    bencher.counter(ItemsCount::new(50usize)).bench(|| {
        let batch: SerdeCollection =
            serde_json::from_slice(black_box(&DECODE_BODY)).expect("decodes");
        black_box(batch)
    });
}
