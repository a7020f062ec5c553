//! Relative links, as OData services that are not Graph write them (OData JSON Format 4.01 §4.3):
//! a relative `@odata.nextLink` is resolved against the context URL (itself relative to the
//! request URL, or to the service root where only that names `{root}/$metadata`), else against the
//! request URL; the same-origin rule applies after resolution.

mod support;

use futures_util::TryStreamExt;
use graph_odata::prelude::*;
use serde_json::{Value, json};
use support::{client_for, emulator, holding_server, json_answer};

#[tokio::test]
async fn paging_follows_relative_links_of_top_level_and_nested_collections() {
    let emu = emulator().await;
    emu.set_relative_links(true);
    for i in 0..5 {
        emu.insert("/users", json!({"id": format!("u{i}")}));
    }
    let list = emu.insert("/me/todo/lists", json!({"id": "L1"}));
    for i in 0..5 {
        emu.insert(
            &format!("/me/todo/lists/{list}/tasks"),
            json!({"id": format!("t{i}")}),
        );
    }
    let client = client_for(&emu);

    // The first page, as the service wrote it: relative context and nextLink.
    let raw: Value = client
        .send(Request::get("/me/todo/lists/L1/tasks").query("$top", "2"))
        .await
        .unwrap();
    assert_eq!(raw["@odata.context"], "$metadata#me/todo/lists('L1')/tasks");
    assert_eq!(
        raw["@odata.nextLink"],
        "me/todo/lists/L1/tasks?$top=2&$skiptoken=2"
    );

    let mut pages =
        client.pages(Request::<Page<Value>>::get("/me/todo/lists/L1/tasks").query("$top", "2"));
    let first = pages.next_page().await.unwrap().unwrap();
    let root = emu.v1_url();
    assert_eq!(
        first.context.as_deref(),
        Some("$metadata#me/todo/lists('L1')/tasks")
    );
    assert_eq!(
        first.next_link.as_deref(),
        Some(format!("{root}/me/todo/lists/L1/tasks?$top=2&$skiptoken=2").as_str()),
        "handed out absolute"
    );
    let mut ids: Vec<String> = first
        .value
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    while let Some(page) = pages.next_page().await {
        ids.extend(
            page.unwrap()
                .value
                .iter()
                .map(|t| t["id"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(ids, ["t0", "t1", "t2", "t3", "t4"]);

    emu.clear_requests();
    let users: Vec<Value> = client
        .stream(Request::<Page<Value>>::get("/users").query("$top", "2"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(users.len(), 5);
    let paths: Vec<String> = emu.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        ["/v1.0/users", "/v1.0/users", "/v1.0/users"],
        "never a doubled path"
    );
}

#[tokio::test]
async fn without_a_context_url_the_request_url_is_the_base() {
    let (root, _holder) = holding_server(|_| {
        vec![
            json_answer(
                "200 OK",
                r#"{"value":[1,2],"@odata.nextLink":"items?page=2"}"#,
            ),
            json_answer("200 OK", r#"{"value":[3]}"#),
        ]
    })
    .await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let all: Vec<i64> = client
        .stream(Request::<Page<i64>>::get("/svc/items"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, [1, 2, 3]);
}

#[tokio::test]
async fn a_relative_link_that_leaves_the_service_is_refused_after_resolution() {
    for (body, says) in [
        // A network-path reference: another host.
        (
            r#"{"value":[1],"@odata.nextLink":"//evil.example/v1.0/users?$skiptoken=2"}"#,
            "evil.example",
        ),
        // A context URL on another host makes the relative link point there.
        (
            r#"{"@odata.context":"https://evil.example/svc/$metadata#users","value":[1],"@odata.nextLink":"users?$skiptoken=2"}"#,
            "evil.example",
        ),
    ] {
        let body = body.to_owned();
        let (root, holder) = holding_server(move |_| vec![json_answer("200 OK", &body)]).await;
        let client = Client::builder()
            .service_root(&root)
            .credential(StaticToken::new("t"))
            .build()
            .unwrap();
        let mut pages = client.pages(Request::<Page<i64>>::get("/users"));
        pages.next_page().await.unwrap().unwrap();
        let err = pages.next_page().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol, "{err:?}");
        assert!(err.to_string().contains(says), "{err}");
        assert_eq!(
            holder.requests.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "nothing sent there"
        );
    }
}

/// A trip of a person, as an OData reference service writes it: every link relative to the
/// context URL.
#[graph_entity(
    "Trippin.Trip",
    metadata = "tests/fixtures/trippin.csdl.xml",
    rename_all = "PascalCase"
)]
#[derive(Debug, Default)]
pub struct Trip {
    #[graph(key)]
    pub trip_id: Option<i32>,
    pub name: Option<String>,
    #[graph(odata_context)]
    pub context: Option<String>,
    #[graph(odata_id)]
    pub odata_id: Option<String>,
    #[graph(odata_edit_link)]
    pub edit_link: Option<String>,
    #[graph(odata_read_link)]
    pub read_link: Option<String>,
    #[graph(odata_media_read_link)]
    pub media_read_link: Option<String>,
    #[graph(odata_media_edit_link)]
    pub media_edit_link: Option<String>,
}

const TRIP: &str = r#"{"@odata.context":"$metadata#People('russell')/Trips/$entity","@odata.id":"People('russell')/Trips(1)","@odata.editLink":"People('russell')/Trips(1)","@odata.readLink":"People('russell')/Trips(1)?$select=Name","@odata.mediaReadLink":"People('russell')/Trips(1)/Photo/$value","@odata.mediaEditLink":"https://media.example/trips/1","TripId":1,"Name":"Tokyo"}"#;

#[tokio::test]
async fn entity_links_and_location_resolve_against_the_context_url() {
    let (origin, _holder) = holding_server(|_| {
        vec![format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nlocation: Trips(1)\r\ncontent-length: {}\r\n\r\n{TRIP}",
            TRIP.len()
        )
        .into_bytes()]
    })
    .await;
    let root = format!("{origin}/svc/v4");
    let client = Client::builder().service_root(&root).build().unwrap();
    let response = client
        .execute(Request::<Trip>::post(
            "/People('russell')/Trips",
            &json!({"Name": "Tokyo"}),
        ))
        .await
        .unwrap();
    assert_eq!(
        response.url().map(|u| u.as_str()),
        Some(format!("{root}/People('russell')/Trips").as_str())
    );
    assert_eq!(
        response.context(),
        Some("$metadata#People('russell')/Trips/$entity")
    );
    // `Location` is relative to the request URL (HTTP's rule): a sibling of `Trips`.
    assert_eq!(
        response.location().unwrap().unwrap().as_str(),
        format!("{root}/People('russell')/Trips(1)")
    );
    let trip = response.body();
    assert_eq!(trip.name.as_deref(), Some("Tokyo"));
    assert_eq!(trip.trip_id, Some(1));
    let resolve = |link: &Option<String>| {
        response
            .resolve(link.as_deref().unwrap())
            .unwrap()
            .to_string()
    };
    // Payload links are relative to the context URL, `{root}/$metadata`: never a doubled path.
    let entity = format!("{root}/People('russell')/Trips(1)");
    assert_eq!(resolve(&trip.odata_id), entity);
    assert_eq!(resolve(&trip.edit_link), entity);
    assert_eq!(resolve(&trip.read_link), format!("{entity}?$select=Name"));
    assert_eq!(
        resolve(&trip.media_read_link),
        format!("{entity}/Photo/$value")
    );
    assert_eq!(
        resolve(&trip.media_edit_link),
        "https://media.example/trips/1"
    );

    // Read and written back losslessly, in OData's order of annotations.
    let written = serde_json::to_value(graph_odata::wire::Lossless(trip)).unwrap();
    assert_eq!(written["@odata.editLink"], "People('russell')/Trips(1)");
    assert_eq!(
        written["@odata.mediaReadLink"],
        "People('russell')/Trips(1)/Photo/$value"
    );
    // Plain writes (create, update) leave annotations out.
    let plain = serde_json::to_value(trip).unwrap();
    assert!(plain.get("@odata.editLink").is_none(), "{plain}");
}

#[tokio::test]
async fn without_a_context_links_resolve_against_the_request_url() {
    let body = r#"{"value":"x","@odata.editLink":"Items(2)"}"#;
    let (origin, _holder) = holding_server(move |_| vec![json_answer("200 OK", body)]).await;
    let client = Client::builder().service_root(&origin).build().unwrap();
    let response = client
        .execute(Request::<Value>::get("/svc/Items(1)/Name"))
        .await
        .unwrap();
    assert_eq!(response.context(), None);
    assert_eq!(response.location().map(|r| r.is_ok()), None, "no header");
    assert_eq!(
        response.resolve("Items(2)").unwrap().as_str(),
        format!("{origin}/svc/Items(1)/Items(2)")
    );
    assert_eq!(
        response.resolve("../Other").unwrap().as_str(),
        format!("{origin}/svc/Other")
    );
}

#[tokio::test]
async fn a_broken_link_is_a_protocol_error_that_leaves_the_query_out() {
    let (origin, _holder) = holding_server(|_| {
        let body = r#"{"@odata.context":"http://[::1/$metadata#x","id":"1"}"#;
        vec![format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nlocation: http://[::1/Items?tempauth=SECRET\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()]
    })
    .await;
    let client = Client::builder().service_root(&origin).build().unwrap();
    let response = client
        .execute(Request::<Value>::post("/Items", &json!({})))
        .await
        .unwrap();
    let err = response.location().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.to_string().contains("Location header"), "{err}");
    assert!(!err.to_string().contains("SECRET"), "{err}");
    let err = response.resolve("Items(1)").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.to_string().contains("@odata.context"), "{err}");
}

#[tokio::test]
async fn the_emulators_relative_location_resolves_and_a_foreign_one_gets_no_token() {
    let emu = emulator().await;
    emu.set_relative_links(true);
    let client = client_for(&emu);
    let created = client
        .execute(Request::<Value>::post(
            "/me/todo/lists",
            &json!({"displayName": "Trip"}),
        ))
        .await
        .unwrap();
    let id = created.body()["id"].as_str().unwrap().to_owned();
    assert!(
        created.header("location").unwrap().starts_with("/v1.0/"),
        "the emulator wrote a relative Location: {:?}",
        created.header("location")
    );
    let location = created.location().unwrap().unwrap();
    let again: Value = client.send(Request::get(location.as_str())).await.unwrap();
    assert_eq!(again["id"], id.as_str());

    // A Location on another host resolves too; the client sends no token there.
    let log: support::Seen = Default::default();
    let l = log.clone();
    let foreign = support::serve(axum::Router::new().fallback(move |h: http::HeaderMap| {
        let l = l.clone();
        async move {
            l.lock().map(|mut v| v.push(h)).ok();
            axum::Json(json!({}))
        }
    }))
    .await
    .replace("127.0.0.1", "localhost");
    let with_token = Client::builder()
        .service_root(emu.v1_url())
        .credential(StaticToken::new("secret-token"))
        .build()
        .unwrap();
    let response = with_token
        .execute(Request::<Value>::get(format!("{foreign}/v1.0/me")))
        .await
        .unwrap();
    assert_eq!(response.url().unwrap().host_str(), Some("localhost"));
    let seen = support::seen(&log);
    assert_eq!(seen.len(), 1);
    assert!(seen[0].get("authorization").is_none(), "{:?}", seen[0]);
}

/// A service that follows OData JSON 4.01 §4.3 to the letter writes its context URL relative to the
/// request URL (`../$metadata#B` from `{root}/A(1)/b`); a service that writes `$metadata#…` at any
/// depth means the service root's. Both lead the pager to `{root}/A(1)/b?$skiptoken=3`, and any
/// other URL is a 404 here.
#[tokio::test]
async fn a_context_url_relative_to_the_request_url_leads_to_the_right_next_page() {
    for context in ["../$metadata#B", "$metadata#A(1)/b"] {
        let router = axum::Router::new()
            .route(
                "/svc/A(1)/b",
                axum::routing::get(move |query: axum::extract::RawQuery| async move {
                    let body = if query.0.as_deref() == Some("$skiptoken=3") {
                        json!({"value": [3]})
                    } else {
                        json!({
                            "@odata.context": context,
                            "value": [1, 2],
                            "@odata.nextLink": "A(1)/b?$skiptoken=3",
                        })
                    };
                    axum::Json(body)
                }),
            )
            .fallback(|uri: http::Uri| async move {
                (http::StatusCode::NOT_FOUND, format!("no page at {uri}"))
            });
        let origin = support::serve(router).await;
        let client = support::client_no_retry(&format!("{origin}/svc"));
        let all: Vec<i64> = client
            .stream(Request::<Page<i64>>::get("/A(1)/b"))
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("context {context}: {e}"));
        assert_eq!(all, [1, 2, 3], "context {context}");
    }
}
