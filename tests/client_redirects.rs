//! Cross-origin redirects against two loopback servers (two ports: two origins): credentials of
//! every kind stay behind, and a 307/308 that would carry the body elsewhere is refused.

mod support;

use std::sync::Arc;

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::{any, get, post};
use graph_odata::prelude::*;
use http::{HeaderName, StatusCode};
use serde_json::{Value, json};
use support::{fast_retry, seen, serve};

const TOKEN: &str = "eyJ0eXAiOiJKV1Qi.secret-token-value";

/// The service: every route redirects to `target` with the status in its path.
async fn redirector(target: String) -> String {
    let to = |code: StatusCode, target: String| {
        move || {
            let target = target.clone();
            async move { (code, [("location", target)]).into_response() }
        }
    };
    let app = Router::new()
        .route("/v1.0/get302", get(to(StatusCode::FOUND, target.clone())))
        .route(
            "/v1.0/post307",
            post(to(StatusCode::TEMPORARY_REDIRECT, target.clone())),
        )
        .route(
            "/v1.0/post308",
            post(to(StatusCode::PERMANENT_REDIRECT, target.clone())),
        )
        .route(
            "/v1.0/get307",
            get(to(StatusCode::TEMPORARY_REDIRECT, target)),
        )
        .route(
            "/v1.0/own401",
            get(|| async { StatusCode::UNAUTHORIZED.into_response() }),
        );
    format!("{}/v1.0", serve(app).await)
}

#[tokio::test]
async fn cross_origin_redirects_drop_every_credential_header() {
    let (elsewhere, elsewhere_seen) = support::recorder().await;
    let root = redirector(format!("{elsewhere}/blob")).await;
    let client = Client::builder()
        .service_root(&root)
        .credential(StaticToken::new(TOKEN))
        .sensitive_header(HeaderName::from_static("x-tenant-secret"))
        .retry(fast_retry())
        .build()
        .unwrap();
    for path in ["/get302", "/get307"] {
        let _: Value = client
            .send(
                Request::get(path)
                    .header("x-api-key", "k1")
                    .header("ocp-apim-subscription-key", "k2")
                    .header("x-tenant-secret", "k3")
                    .header("x-trace", "kept"),
            )
            .await
            .unwrap();
    }
    let seen = seen(&elsewhere_seen);
    assert_eq!(seen.len(), 2);
    for headers in seen {
        for name in [
            "authorization",
            "x-api-key",
            "ocp-apim-subscription-key",
            "x-tenant-secret",
        ] {
            assert!(
                headers.get(name).is_none(),
                "`{name}` followed: {headers:?}"
            );
        }
        assert_eq!(headers.get("x-trace").unwrap(), "kept");
    }
}

#[tokio::test]
async fn a_cross_origin_307_or_308_with_a_body_is_refused() {
    let (elsewhere, elsewhere_seen) = support::recorder().await;
    let root = redirector(format!("{elsewhere}/blob")).await;
    let client = Client::builder()
        .service_root(&root)
        .credential(StaticToken::new(TOKEN))
        .retry(fast_retry())
        .build()
        .unwrap();
    for (path, code) in [("/post307", "307"), ("/post308", "308")] {
        let e = client
            .send(Request::<Value>::post(
                path,
                &json!({"password": "hunter2"}),
            ))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Redirect, "{e}");
        let text = e.to_string();
        assert!(text.contains(code) && text.contains("/blob"), "{text}");
    }
    assert!(seen(&elsewhere_seen).is_empty(), "the body went elsewhere");
}

#[tokio::test]
async fn a_401_from_a_foreign_redirect_target_keeps_the_cached_token() {
    use graph_odata::auth::{AccessToken, token_fn};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, SystemTime};

    // The foreign origin answers 401 to anything (it never got the token).
    let foreign = serve(Router::new().fallback(any(|| async {
        (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": {"code": "nope"}})),
        )
    })))
    .await;
    let root = redirector(format!("{foreign}/blob")).await;
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let client = Client::builder()
        .service_root(&root)
        .credential(token_fn(move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok(AccessToken::new("t").expires_at(SystemTime::now() + Duration::from_secs(3600)))
            }
        }))
        .retry(fast_retry())
        .build()
        .unwrap();
    for _ in 0..3 {
        let e = client
            .send(Request::<Value>::get("/get302"))
            .await
            .unwrap_err();
        assert_eq!(e.status(), Some(StatusCode::UNAUTHORIZED), "{e}");
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "one credential call in all"
    );
    // The service's own 401 still makes the next call ask the credential again.
    let e = client
        .send(Request::<Value>::get("/own401"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::UNAUTHORIZED), "{e}");
    let before = calls.load(Ordering::SeqCst);
    let _ = client.send(Request::<Value>::get("/own401")).await;
    assert!(
        calls.load(Ordering::SeqCst) > before,
        "the rejected token is forgotten"
    );
}

/// A per-try policy that only passes the request on (so that the client has a policy of its own).
#[derive(Debug)]
struct PassOn;

impl graph_odata::policy::Policy for PassOn {
    fn send<'a>(
        &'a self,
        ctx: &'a graph_odata::policy::Context,
        request: &'a mut graph_odata::policy::HttpRequest,
        next: graph_odata::policy::Next<'a>,
    ) -> graph_odata::policy::BoxFuture<'a, Result<graph_odata::policy::HttpResponse, Error>> {
        next.send(ctx, request)
    }
}

#[tokio::test]
async fn telemetry_headers_named_sensitive_stay_behind_on_another_origin_with_or_without_policies()
{
    let (elsewhere, elsewhere_seen) = support::recorder().await;
    let root = redirector(format!("{elsewhere}/blob")).await;
    for with_policy in [false, true] {
        for sensitive in [false, true] {
            let mut builder = Client::builder().service_root(&root).retry(fast_retry());
            if sensitive {
                builder = builder
                    .sensitive_header(HeaderName::from_static("client-request-id"))
                    .sensitive_header(HeaderName::from_static("user-agent"));
            }
            if with_policy {
                builder = builder.policy(PassOn);
            }
            let client = builder.build().unwrap();
            let _: Value = client.send(Request::get("/get302")).await.unwrap();
            let _: Value = client
                .send(Request::get("/get302").header("user-agent", "mine/1"))
                .await
                .unwrap();
            let seen = seen(&elsewhere_seen);
            let hops = &seen[seen.len() - 2..];
            for (i, headers) in hops.iter().enumerate() {
                let case = format!("policy {with_policy}, sensitive {sensitive}, call {i}");
                if sensitive {
                    assert!(
                        headers.get("client-request-id").is_none(),
                        "{case}: {headers:?}"
                    );
                    assert!(headers.get("user-agent").is_none(), "{case}: {headers:?}");
                } else {
                    assert_eq!(
                        headers.get_all("client-request-id").iter().count(),
                        1,
                        "{case}: {headers:?}"
                    );
                    let ua = headers.get("user-agent").and_then(|v| v.to_str().ok());
                    if i == 0 {
                        assert!(
                            ua.is_some_and(|ua| ua.starts_with("graph-odata/")),
                            "{case}"
                        );
                    } else {
                        assert_eq!(ua, Some("mine/1"), "{case}");
                    }
                }
            }
        }
    }
}
