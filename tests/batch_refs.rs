//! `$batch` beyond Graph's habits: content-ID references (a child created under a parent created in
//! the same call), answers decoded by their content type, the per-call size as a setting, and item
//! URLs in the form the OData spec gives for services that are not Graph.

mod support;

use graph_odata::batch::Batch;
use graph_odata::bytes::Bytes;
use graph_odata::prelude::*;
use serde_json::{Value, json};
use support::{client_for, emulator, holding_server, json_answer};

#[tokio::test]
async fn a_parent_and_its_child_are_created_in_one_call() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let mut batch = Batch::new();
    let list = batch.add(Request::<Value>::post(
        "/me/todo/lists",
        &json!({"displayName": "Trip"}),
    ));
    let task = batch.add(Request::<Value>::post(
        list.path("tasks"),
        &json!({"title": "Book flights"}),
    ));
    let again = batch.add(Request::<Value>::get(list.path("")));
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.calls(), 1);
    let list: Value = results.get(&list).unwrap();
    let task: Value = results.get(&task).unwrap();
    let again: Value = results.get(&again).unwrap();
    let list_id = list["id"].as_str().unwrap();
    assert_eq!(again["displayName"], "Trip");
    assert_eq!(
        emu.get(&format!(
            "/me/todo/lists/{list_id}/tasks/{}",
            task["id"].as_str().unwrap()
        ))
        .unwrap()["title"],
        "Book flights"
    );

    let call = emu.last_request().unwrap();
    let items = call.body.unwrap()["requests"].as_array().unwrap().clone();
    // The emulator is shaped like Graph: Graph's form, relative to the version root.
    assert_eq!(items[0]["url"], "/me/todo/lists");
    assert_eq!(items[1]["url"], "$1/tasks");
    assert_eq!(items[1]["dependsOn"], json!(["1"]));
    assert_eq!(items[2]["url"], "$1");
}

#[tokio::test]
async fn a_reference_to_a_failed_parent_fails_with_424() {
    let emu = emulator().await;
    emu.fault(
        graph_odata_emulator::Fault::status(400)
            .path("/v1.0/me/todo/lists")
            .method(http::Method::POST),
    );
    let client = client_for(&emu);
    let mut batch = Batch::new();
    let list = batch.add(Request::<Value>::post(
        "/me/todo/lists",
        &json!({"displayName": "x"}),
    ));
    let task = batch.add(Request::<Value>::post(
        list.path("tasks"),
        &json!({"title": "y"}),
    ));
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.status(&list), Some(http::StatusCode::BAD_REQUEST));
    assert_eq!(
        results.status(&task),
        Some(http::StatusCode::FAILED_DEPENDENCY)
    );
}

#[tokio::test]
async fn a_reference_to_a_request_that_is_not_earlier_is_a_build_error_and_not_sent() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let mut batch = Batch::new();
    let me = batch.add(Request::<Value>::post(
        "/users",
        &json!({"displayName": "A"}),
    ));
    let bad = batch.add(Request::<Value>::get("/$7/tasks"));
    let results = client.send_batch(batch).await.unwrap();
    results.get(&me).unwrap();
    let err = results.get(&bad).unwrap_err();
    assert!(err.is_build(), "{err:?}");
    assert!(
        err.to_string()
            .contains("depends on `7`, which is not an earlier request"),
        "{err}"
    );
    let sent = emu.last_request().unwrap().body.unwrap()["requests"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(sent, 1, "the bad item was not sent");
}

#[tokio::test]
async fn answers_are_decoded_by_their_content_type() {
    let reply = json!({"responses": [
        {"id": "1", "status": 200, "headers": {"content-type": "text/plain"}, "body": "5"},
        {"id": "2", "status": 200, "headers": {"content-type": "application/octet-stream"}, "body": "aGVsbG8="},
        {"id": "3", "status": 200, "headers": {"content-type": "text/csv"}, "body": "a,b\n1,2\n"},
        {"id": "4", "status": 200, "headers": {"content-type": "application/json"}, "body": {"id": "u"}},
    ]})
    .to_string();
    let (root, _holder) = holding_server(move |_| vec![json_answer("200 OK", &reply)]).await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let mut batch = Batch::new();
    let count = batch.add(Request::<i64>::get("/users/$count"));
    let photo = batch.add(Request::<()>::get("/me/photo/$value").bytes());
    let report = batch.add(Request::<()>::get("/reports/usage").bytes());
    let user = batch.add(Request::<Value>::get("/users/u"));
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(
        results.get(&count).unwrap(),
        5,
        "a text/plain number, not the string \"5\""
    );
    assert_eq!(
        results.get(&photo).unwrap(),
        Bytes::from_static(b"hello"),
        "base64 decoded"
    );
    assert_eq!(
        results.get(&report).unwrap(),
        Bytes::from_static(b"a,b\n1,2\n")
    );
    assert_eq!(results.get(&user).unwrap()["id"], "u");
}

#[tokio::test]
async fn the_number_per_call_is_a_setting() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let mut batch = Batch::new().max_per_call(3);
    let handles: Vec<_> = (0..7)
        .map(|i| {
            batch.add(Request::<Value>::post(
                "/groups",
                &json!({"displayName": format!("g{i}")}),
            ))
        })
        .collect();
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.calls(), 3);
    for h in &handles {
        results.get(h).unwrap();
    }
}

/// Graph takes 20 requests per `$batch`; the OData spec sets no limit, so for other services the
/// whole batch goes in one call unless `max_per_call` says otherwise.
#[tokio::test]
async fn the_default_number_per_call_is_graphs_20_for_graph_only() {
    use std::sync::{Arc, Mutex};
    let sizes: Arc<Mutex<Vec<usize>>> = Arc::default();
    let s = sizes.clone();
    let app = axum::Router::new().fallback(axum::routing::post(move |body: String| {
        let s = s.clone();
        async move {
            let body: Value = serde_json::from_str(&body).unwrap_or_default();
            let items = body["requests"].as_array().cloned().unwrap_or_default();
            s.lock().map(|mut v| v.push(items.len())).ok();
            let responses: Vec<Value> = items
                .iter()
                .map(|i| json!({"id": i["id"], "status": 204}))
                .collect();
            axum::Json(json!({ "responses": responses }))
        }
    }));
    let origin = support::serve(app).await;
    for (root, per_call, expected) in [
        ("/v1.0", None, vec![20, 5]),
        ("/odata", None, vec![25]),
        ("/odata", Some(10), vec![10, 10, 5]),
    ] {
        sizes.lock().unwrap().clear();
        let client = Client::builder()
            .service_root(format!("{origin}{root}"))
            .credential(StaticToken::new("t"))
            .build()
            .unwrap();
        let mut batch = match per_call {
            Some(n) => Batch::new().max_per_call(n),
            None => Batch::new(),
        };
        let handles: Vec<_> = (0..25)
            .map(|i| batch.add(Request::delete(format!("/items/{i}"))))
            .collect();
        let results = client.send_batch(batch).await.unwrap();
        for h in &handles {
            results.get(h).unwrap();
        }
        assert_eq!(*sizes.lock().unwrap(), expected, "{root} {per_call:?}");
    }
}
