//! Paging: streams and pages over `@odata.nextLink`, with throttling, foreign hosts and loops.

#[path = "../examples/graph_models/mod.rs"]
mod graph_models;
mod support;

use axum::Router;
use axum::routing::any;
use futures_util::TryStreamExt;
use graph_odata::batch::Batch;
use graph_odata::prelude::*;
use graph_odata_emulator::{Fault, Reply};
use http::{Method, StatusCode};
use serde_json::json;
use support::{Seen, client_for, emulator, seen, serve};

#[derive(serde::Deserialize, Debug)]
struct User {
    id: String,
}

fn seed_users(emu: &graph_odata_emulator::Emulator, n: usize) {
    for i in 0..n {
        emu.insert(
            "/users",
            json!({"id": format!("u{i:04}"), "displayName": format!("User {i}")}),
        );
    }
}

#[tokio::test]
async fn a_stream_yields_every_item_across_pages_in_order() {
    let emu = emulator().await;
    seed_users(&emu, 250);
    let client = client_for(&emu);
    let users: Vec<User> = client
        .stream(Request::<Page<User>>::get("/users").query("$top", "100"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(users.len(), 250);
    assert!(
        users
            .iter()
            .enumerate()
            .all(|(i, u)| u.id == format!("u{i:04}"))
    );
    let log = emu.requests();
    assert_eq!(log.len(), 3, "three pages");
    assert_eq!(log[1].query_param("$skiptoken").as_deref(), Some("100"));
    assert_eq!(log[2].query_param("$skiptoken").as_deref(), Some("200"));
}

#[tokio::test]
async fn pages_keep_the_first_requests_headers_and_report_counts() {
    let emu = emulator().await;
    seed_users(&emu, 5);
    let client = client_for(&emu);
    let mut pages = client.pages(
        Request::<Page<User>>::get("/users")
            .query("$top", "2")
            .query("$count", "true")
            .header("ConsistencyLevel", "eventual"),
    );
    let mut sizes = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.unwrap();
        assert_eq!(page.count, Some(5));
        sizes.push(page.value.len());
    }
    assert_eq!(sizes, [2, 2, 1]);
    assert!(
        emu.requests()
            .iter()
            .all(|r| r.header("consistencylevel") == Some("eventual"))
    );
}

#[tokio::test]
async fn a_429_in_the_middle_is_retried_and_the_stream_goes_on() {
    let emu = emulator().await;
    seed_users(&emu, 30);
    let client = client_for(&emu);
    emu.fault(
        Fault::throttle("0.05")
            .method(Method::GET)
            .path("/v1.0/users")
            .after(1),
    );
    let users: Vec<User> = client
        .stream(Request::<Page<User>>::get("/users").query("$top", "10"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(users.len(), 30);
    let retried: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.header("retry-attempt").is_some())
        .collect();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].query_param("$skiptoken").as_deref(), Some("10"));
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    let (foreign, foreign_seen): (String, Seen) = {
        let seen: Seen = Default::default();
        let s = seen.clone();
        let app = Router::new().fallback(any(move |headers: http::HeaderMap| {
            let s = s.clone();
            async move {
                s.lock().map(|mut v| v.push(headers)).ok();
                axum::Json(json!({"value": []}))
            }
        }));
        (serve(app).await, seen)
    };
    let emu = emulator().await;
    let next = format!(
        "{}/v1.0/users?$skiptoken=stolen",
        foreign.replace("127.0.0.1", "localhost")
    );
    emu.route(Method::GET, "/users", move |_| {
        Reply::json(
            StatusCode::OK,
            json!({"value": [{"id": "a"}], "@odata.nextLink": next}),
        )
    });
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(StaticToken::new("secret-token"))
        .build()
        .unwrap();
    let mut items = client.stream(Request::<Page<User>>::get("/users"));
    assert_eq!(items.try_next().await.unwrap().unwrap().id, "a");
    let err = items.try_next().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.to_string().contains("not this service's host"), "{err}");
    assert!(
        !err.to_string().contains("stolen"),
        "no query in messages: {err}"
    );
    assert!(
        items.try_next().await.unwrap().is_none(),
        "the stream ends after the error"
    );
    assert!(
        seen(&foreign_seen).is_empty(),
        "nothing was sent to the foreign host"
    );
}

#[tokio::test]
async fn a_repeated_next_link_stops_instead_of_looping() {
    let emu = emulator().await;
    let next = format!("{}/users?$skiptoken=again", emu.v1_url());
    emu.route(Method::GET, "/users", move |_| {
        Reply::json(
            StatusCode::OK,
            json!({"value": [{"id": "x"}], "@odata.nextLink": next}),
        )
    });
    let client = client_for(&emu);
    let mut pages = client.pages(Request::<Page<User>>::get("/users"));
    assert!(pages.next_page().await.unwrap().is_ok());
    assert!(pages.next_page().await.unwrap().is_ok());
    let err = pages.next_page().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(
        err.to_string().contains("same @odata.nextLink twice"),
        "{err}"
    );
    assert!(pages.next_page().await.is_none());
    assert_eq!(emu.requests().len(), 2);
}

#[tokio::test]
async fn try_collect_stops_at_the_limit_without_fetching_further() {
    let emu = emulator().await;
    seed_users(&emu, 250);
    let client = client_for(&emu);
    let users = client
        .pages(Request::<Page<User>>::get("/users").query("$top", "100"))
        .try_collect(150)
        .await
        .unwrap();
    assert_eq!(users.len(), 150);
    assert_eq!(users[149].id, "u0149");
    assert_eq!(emu.requests().len(), 2);
}

#[tokio::test]
async fn generated_list_endpoints_stream_too() {
    let emu = emulator().await;
    emu.insert(
        "/identityGovernance/entitlementManagement/connectedOrganizations",
        json!({"id": "o1"}),
    );
    emu.insert(
        "/identityGovernance/entitlementManagement/connectedOrganizations",
        json!({"id": "o2"}),
    );
    emu.set_page_size(1);
    let client = client_for(&emu);
    let orgs: Vec<graph_models::ConnectedOrganization> = client
        .stream(graph_models::ConnectedOrganization::list())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(orgs.len(), 2);
    assert_eq!(emu.requests().len(), 2);
}

#[tokio::test]
async fn typed_query_options_on_generated_endpoints() {
    use graph_models::{
        ConnectedOrganization, ConnectedOrganizationField as F, ConnectedOrganizationState,
    };
    use graph_odata::query::{Filter, Order};
    let emu = emulator().await;
    for name in ["Contoso", "Fabrikam", "O'Neil & Sons"] {
        emu.insert(
            "/identityGovernance/entitlementManagement/connectedOrganizations",
            json!({"displayName": name, "state": "configured", "description": "partner"}),
        );
    }
    let client = client_for(&emu);
    let request = ConnectedOrganization::list()
        .select([F::Id, F::DisplayName])
        .filter(
            Filter::eq(F::State, ConnectedOrganizationState::Configured)
                .and(Filter::starts_with(F::DisplayName, "O'Neil")),
        )
        .order_by([(F::DisplayName, Order::Desc)])
        .top(2)
        .count();
    assert_eq!(
        request.url_path(),
        "/identityGovernance/entitlementManagement/connectedOrganizations\
         ?$select=id,displayName&$filter=state%20eq%20'configured'%20and%20startswith(displayName,'O''Neil')\
         &$orderby=displayName%20desc&$top=2&$count=true"
    );
    // The emulator evaluates the filter (on the whole item) before `$select` projects it.
    let filtered = client.send(request).await.unwrap();
    assert_eq!(filtered.count, Some(1));
    assert_eq!(filtered.value.len(), 1);
    assert_eq!(
        filtered.value[0].display_name.as_deref(),
        Some("O'Neil & Sons")
    );
    assert_eq!(filtered.value[0].state, None, "not selected");
    let page = client
        .send(
            ConnectedOrganization::list()
                .select([F::DisplayName])
                .top(2)
                .count(),
        )
        .await
        .unwrap();
    assert_eq!(page.count, Some(3));
    assert_eq!(page.value.len(), 2);
    assert!(
        page.value
            .iter()
            .all(|o| o.description.is_none() && o.display_name.is_some())
    );
    let sent = emu.last_request().unwrap();
    assert_eq!(sent.header("consistencylevel"), Some("eventual"));
    assert_eq!(sent.query_param("$select").as_deref(), Some("displayName"));
}

/// `ConsistencyLevel` is Graph's header: `$count`/`$search` send it to Graph roots on every page
/// (and inside `$batch`), and never to another OData service, which may refuse unknown headers.
#[tokio::test]
async fn consistency_level_goes_to_graph_roots_only() {
    let log: Seen = Default::default();
    let s = log.clone();
    let app = Router::new().fallback(any(
        move |uri: http::Uri, headers: http::HeaderMap, body: String| {
            let s = s.clone();
            async move {
                let host = headers
                    .get("host")
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                s.lock().map(|mut v| v.push(headers)).ok();
                let path = uri.path().to_owned();
                if path.ends_with("$batch") {
                    // Echo the batch body back as the item's answer, so the test can read it.
                    let sent: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                    return axum::Json(json!({"responses": [
                        {"id": "1", "status": 200, "body": {"sent": sent}}
                    ]}));
                }
                let mut page = json!({"value": [{"id": "a"}], "@odata.count": 2});
                if !uri.query().unwrap_or_default().contains("skiptoken") {
                    page["@odata.nextLink"] =
                        json!(format!("http://{host}{path}?$count=true&$skiptoken=1"));
                }
                axum::Json(page)
            }
        },
    ));
    let origin = serve(app).await;
    for (root, graph) in [("/v1.0", true), ("/odata/v4", false)] {
        log.lock().unwrap().clear();
        let client = Client::builder()
            .service_root(format!("{origin}{root}"))
            .credential(StaticToken::new("t"))
            .build()
            .unwrap();
        let users: Vec<User> = client
            .stream(Request::<Page<User>>::get("/users").count())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(users.len(), 2, "{root}: two pages");
        let mut batch = Batch::new();
        let echo = batch.add(Request::<serde_json::Value>::get("/users").search("ann"));
        let results = client.send_batch(batch).await.unwrap();
        let sent = results.get(&echo).unwrap();
        let item_headers = sent["sent"]["requests"][0]["headers"].clone();
        let on_wire: Vec<Option<String>> = seen(&log)
            .iter()
            .map(|h| {
                h.get("consistencylevel")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            })
            .collect();
        assert_eq!(on_wire.len(), 3, "{root}: two pages and a $batch");
        if graph {
            assert_eq!(
                on_wire[..2],
                [Some("eventual".to_owned()), Some("eventual".to_owned())],
                "{root}"
            );
            assert_eq!(item_headers["consistencylevel"], "eventual", "{root}");
        } else {
            assert_eq!(on_wire, [None, None, None], "{root}");
            assert!(
                item_headers.get("consistencylevel").is_none(),
                "{root}: {item_headers}"
            );
        }
    }
}

/// A server answering every page empty, with a new `@odata.nextLink` each time, forever; it
/// counts the requests.
async fn endless_empty_pages() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new().route(
        "/items",
        any(move |uri: http::Uri| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let _ = uri;
            async move {
                axum::Json(json!({"value": [], "@odata.nextLink": format!("items?page={}", n + 1)}))
            }
        }),
    );
    (serve(app).await, hits)
}

#[tokio::test]
async fn endless_empty_pages_stop_at_the_clients_page_budget() {
    let (root, hits) = endless_empty_pages().await;
    let client = Client::builder()
        .service_root(&root)
        .max_pages(40)
        .build()
        .unwrap();
    let stream = client.stream(Request::<Page<User>>::get("/items"));
    let err = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        stream.try_collect::<Vec<User>>(),
    )
    .await
    .expect("the stream ends instead of running forever")
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.to_string().contains("max_pages"), "{err}");
    assert!(err.to_string().contains("40"), "{err}");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 40);
}

#[tokio::test]
async fn try_collect_on_endless_empty_pages_stops_at_the_pagers_budget() {
    let (root, hits) = endless_empty_pages().await;
    let client = support::client_at(&root);
    let err = client
        .pages(Request::<Page<User>>::get("/items"))
        .max_pages(25)
        .try_collect(10)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.to_string().contains("max_pages"), "{err}");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 25);
}

#[tokio::test]
async fn a_next_link_cycle_of_several_pages_stops_instead_of_looping() {
    let app = Router::new().route(
        "/items",
        any(|uri: http::Uri| async move {
            let n: u32 = uri
                .query()
                .and_then(|q| q.strip_prefix("page="))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            axum::Json(json!({"value": [{"id": "x"}], "@odata.nextLink": format!("items?page={}", (n + 1) % 3)}))
        }),
    );
    let root = serve(app).await;
    let client = support::client_at(&root);
    let err = client
        .stream(Request::<Page<User>>::get("/items?page=0"))
        .try_collect::<Vec<User>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(
        err.to_string().contains("same @odata.nextLink twice"),
        "{err}"
    );
}

/// Three pages; the first request for page 2 is held for two seconds.
async fn slow_second_page() -> String {
    let held = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let app = Router::new().route(
        "/items",
        any(move |uri: http::Uri| {
            let held = held.clone();
            async move {
                let body = match uri.query() {
                    Some("page=2") => {
                        if !held.swap(true, std::sync::atomic::Ordering::SeqCst) {
                            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                        }
                        json!({"value": [{"id": "c"}, {"id": "d"}], "@odata.nextLink": "items?page=3"})
                    }
                    Some("page=3") => json!({"value": [{"id": "e"}]}),
                    _ => json!({"value": [{"id": "a"}, {"id": "b"}], "@odata.nextLink": "items?page=2"}),
                };
                axum::Json(body)
            }
        }),
    );
    serve(app).await
}

async fn next_page_survives_a_timeout(prefetch: bool) {
    let root = slow_second_page().await;
    let client = support::client_at(&root);
    let mut pages = client
        .pages(Request::<Page<User>>::get("/items"))
        .prefetch(prefetch);
    let mut ids: Vec<String> = Vec::new();
    let first = pages.next_page().await.unwrap().unwrap();
    ids.extend(first.value.into_iter().map(|u| u.id));
    let dropped =
        tokio::time::timeout(std::time::Duration::from_millis(200), pages.next_page()).await;
    assert!(dropped.is_err(), "the held page came early");
    while let Some(page) = pages.next_page().await {
        ids.extend(page.unwrap().value.into_iter().map(|u| u.id));
    }
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn a_next_page_dropped_by_a_timeout_leaves_the_page_to_the_next_call() {
    next_page_survives_a_timeout(false).await;
}

#[tokio::test]
async fn a_prefetched_page_dropped_by_a_timeout_leaves_the_page_to_the_next_call() {
    next_page_survives_a_timeout(true).await;
}

/// Two pages: the first small, the second about 20 KiB; records the headers of every request.
async fn small_then_large_page() -> (String, Seen) {
    let seen: Seen = Default::default();
    let s = seen.clone();
    let app = Router::new().route(
        "/items",
        any(move |uri: http::Uri, headers: http::HeaderMap| {
            let s = s.clone();
            async move {
                s.lock().map(|mut v| v.push(headers)).ok();
                axum::Json(match uri.query() {
                    Some("page=2") => json!({"value": (0..200)
                        .map(|i| json!({"id": format!("{i:0>96}")}))
                        .collect::<Vec<_>>()}),
                    _ => json!({"value": [{"id": "a"}], "@odata.nextLink": "items?page=2"}),
                })
            }
        }),
    );
    (serve(app).await, seen)
}

#[tokio::test]
async fn later_pages_keep_the_first_requests_max_response_size() {
    let (root, _) = small_then_large_page().await;
    let client = support::client_at(&root);
    let mut pages = client.pages(Request::<Page<User>>::get("/items").max_response_size(4096));
    assert_eq!(pages.next_page().await.unwrap().unwrap().value.len(), 1);
    let err = pages.next_page().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
}

#[tokio::test]
async fn later_pages_keep_the_first_requests_without_auth() {
    let (root, seen) = small_then_large_page().await;
    let client = Client::builder()
        .service_root(&root)
        .credential(StaticToken::new("secret-token"))
        .build()
        .unwrap();
    let items: Vec<User> = client
        .stream(Request::<Page<User>>::get("/items").without_auth())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 201);
    let seen = support::seen(&seen);
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter().all(|h| h.get("authorization").is_none()),
        "a page carried the token: {seen:?}"
    );
}
