//! TLS on loopback: a certificate the client does not trust is a `Certificate` error, reported as
//! such and never retried; the same server is reachable once the caller's own `reqwest::Client`
//! trusts its CA. CI runs this file twice: with rustls (the default) and with
//! `--no-default-features --features native-tls,http2`, where reqwest's handshake is OpenSSL's.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use graph_odata::prelude::*;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");

/// Serves HTTPS on 127.0.0.1 with the test leaf certificate; answers every request with a small
/// JSON object. Returns the root URL and the number of TLS handshakes begun.
async fn tls_server() -> (String, Arc<AtomicU32>) {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(format!("{DIR}/leaf.pem"))
            .expect("the test certificate is readable")
            .collect::<Result<_, _>>()
            .expect("the test certificate is PEM");
    let key = PrivateKeyDer::from_pem_file(format!("{DIR}/leaf.key")).expect("the test key is PEM");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("default protocol versions")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("a valid certificate and key");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handshakes = Arc::new(AtomicU32::new(0));
    let counted = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let body = br#"{"id":"over-tls"}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.write_all(body).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (
        format!("https://127.0.0.1:{}/v1.0", addr.port()),
        handshakes,
    )
}

#[tokio::test]
async fn an_untrusted_certificate_is_reported_as_such_and_not_retried() {
    let (root, handshakes) = tls_server().await;
    let client = Client::builder()
        .service_root(root)
        .credential(StaticToken::new("never-sent-to-an-untrusted-server"))
        .retry(support::fast_retry())
        .build()
        .unwrap();
    let err = client.send(Request::<Value>::get("/me")).await.unwrap_err();
    assert!(err.is_certificate(), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Certificate);
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(
        handshakes.load(Ordering::SeqCst),
        1,
        "one handshake, no retries"
    );
    let text = err.to_string();
    assert!(text.starts_with("certificate refused"), "{text}");
    // Each backend words the reason its own way: rustls `UnknownIssuer`, OpenSSL (native-tls,
    // which reqwest uses whenever that feature is on) `unable to get local issuer certificate`.
    let reason = if cfg!(feature = "native-tls") {
        "unable to get local issuer certificate"
    } else {
        "UnknownIssuer"
    };
    assert!(text.contains(reason), "names why: {text}");
    assert!(!format!("{err:?}").contains("never-sent"), "{err:?}");
}

#[tokio::test]
async fn the_callers_client_with_its_own_roots_reaches_the_server() {
    let (root, _) = tls_server().await;
    let ca = std::fs::read(format!("{DIR}/ca.pem")).unwrap();
    let http = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&ca).unwrap()])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = Client::builder()
        .service_root(root)
        .http_client(http)
        .build()
        .unwrap();
    let me: Value = client.send(Request::get("/me")).await.unwrap();
    assert_eq!(me["id"], "over-tls");
}
