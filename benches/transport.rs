//! `client.send` of a small GET versus the same request with raw reqwest, against one local axum
//! server, in one run. `python3 benches/ratios.py` runs this and prints the ratio.
//!
//! Both sides decode the same JSON into the same struct; graph-odata adds its policies (a
//! client-request-id UUID, the retry loop, tracing spans, path-aware decode errors).

use std::sync::LazyLock;

use axum::Router;
use axum::routing::get;
use divan::Bencher;
use graph_odata::prelude::*;
use serde::Deserialize;

#[allow(dead_code)]
fn main() {
    divan::main();
}

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct User {
    id: String,
    display_name: String,
    mail: Option<String>,
}

struct Setup {
    client_rt: tokio::runtime::Runtime,
    graph: Client,
    raw: reqwest::Client,
    raw_url: String,
    _server_rt: tokio::runtime::Runtime,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let root = server_rt.block_on(async {
        let app = Router::new().route(
            "/v1.0/users/{id}",
            get(|| async {
                (
                    [("content-type", "application/json")],
                    r#"{"@odata.context":"x","id":"87d349ed-44d7-43e1-9a83-5f2406dee5bd","displayName":"Adele Vance","mail":"AdeleV@contoso.com"}"#,
                )
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    });
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let (graph, raw) = client_rt.block_on(async {
        (
            Client::builder()
                .service_root(format!("{root}/v1.0"))
                .build()
                .expect("client"),
            reqwest::Client::new(),
        )
    });
    Setup {
        client_rt,
        graph,
        raw,
        raw_url: format!("{root}/v1.0/users/87d349ed"),
        _server_rt: server_rt,
    }
});

/// One small GET with raw reqwest, decoded with serde_json.
pub fn raw_once() -> User {
    let s = &*SETUP;
    s.client_rt.block_on(async {
        let response = s.raw.get(&s.raw_url).send().await.expect("send");
        assert!(response.status().is_success());
        let bytes = response.bytes().await.expect("body");
        serde_json::from_slice::<User>(&bytes).expect("decode")
    })
}

/// The same GET through `Client::send`.
pub fn graph_once() -> User {
    let s = &*SETUP;
    s.client_rt.block_on(async {
        s.graph
            .send(Request::<User>::get("/users/87d349ed"))
            .await
            .expect("send")
    })
}

#[divan::bench(sample_count = 2000)]
fn raw_reqwest(b: Bencher) {
    b.bench_local(raw_once);
}

#[divan::bench(sample_count = 2000)]
fn graph_odata_send(b: Bencher) {
    b.bench_local(graph_once);
}
