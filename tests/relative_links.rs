//! Relative links, as OData services that are not Graph write them (OData JSON Format 4.01 §4.3):
//! a relative `@odata.nextLink` is resolved against the context URL (itself relative to the
//! service root's `$metadata`), else against the request URL; the same-origin rule applies after
//! resolution.

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
