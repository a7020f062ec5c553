//! ETags and optimistic concurrency against the emulator: tags in bodies and headers,
//! `If-Match` on changes (412 typed, never retried), `If-None-Match` on reads (304 typed), and a
//! path that requires `If-Match` as Planner does.

mod support;

use graph_odata::prelude::*;
use serde_json::{Value, json};
use support::{client_for, emulator};

#[tokio::test]
async fn a_stale_etag_gets_the_typed_412_and_a_fresh_one_succeeds() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let created = client
        .execute(Request::<Value>::post(
            "/planner/tasks",
            &json!({"title": "Plan"}),
        ))
        .await
        .unwrap();
    let id = created.body()["id"].as_str().unwrap().to_owned();
    let first = created.etag().unwrap().to_owned();
    assert_eq!(
        created.body()["@odata.etag"],
        first.as_str(),
        "header and body agree"
    );
    assert!(first.starts_with("W/\""), "{first}");

    // Someone else changes the task: the tag moves on.
    let changed = client
        .execute(
            Request::<()>::patch(format!("/planner/tasks/{id}"), &json!({"title": "Plan B"}))
                .if_match(&first),
        )
        .await
        .unwrap();
    let second = changed.etag().unwrap().to_owned();
    assert_ne!(first, second);

    // The stale tag is refused, typed, after exactly one request.
    emu.clear_requests();
    let err = client
        .send(
            Request::<()>::patch(format!("/planner/tasks/{id}"), &json!({"title": "late"}))
                .if_match(&first),
        )
        .await
        .unwrap_err();
    assert!(err.is_precondition_failed(), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::PRECONDITION_FAILED));
    assert_eq!(err.attempts(), 1);
    assert_eq!(emu.requests().len(), 1, "never retried");
    assert_eq!(emu.requests()[0].header("if-match"), Some(first.as_str()));
    let task = emu.get(&format!("/planner/tasks/{id}")).unwrap();
    assert_eq!(task["title"], "Plan B", "the stale change was not applied");

    // Delete with the current tag works; `*` matches anything that exists.
    client
        .send(Request::delete(format!("/planner/tasks/{id}")).if_match(&second))
        .await
        .unwrap();
    assert!(emu.get(&format!("/planner/tasks/{id}")).is_none());
}

#[tokio::test]
async fn if_none_match_reports_not_modified_until_the_entity_changes() {
    let emu = emulator().await;
    let id = emu.insert("/me/todo/lists", json!({"displayName": "Errands"}));
    let client = client_for(&emu);
    let path = format!("/me/todo/lists/{id}");
    let read = client.execute(Request::<Value>::get(&path)).await.unwrap();
    let etag = read.etag().unwrap().to_owned();
    let err = client
        .send(Request::<Value>::get(&path).if_none_match(&etag))
        .await
        .unwrap_err();
    assert!(err.is_not_modified(), "{err:?}");
    assert_eq!(err.attempts(), 1);
    client
        .send(Request::<()>::patch(
            &path,
            &json!({"displayName": "Chores"}),
        ))
        .await
        .unwrap();
    let fresh: Value = client
        .send(Request::get(&path).if_none_match(&etag))
        .await
        .unwrap();
    assert_eq!(fresh["displayName"], "Chores");
    assert_ne!(fresh["@odata.etag"], etag.as_str());
}

#[tokio::test]
async fn a_path_can_require_if_match_as_planner_does() {
    let emu = emulator().await;
    emu.require_if_match("/v1.0/planner/tasks/*");
    let id = emu.insert("/planner/tasks", json!({"title": "T"}));
    let client = client_for(&emu);
    let err = client
        .send(Request::<()>::patch(
            format!("/planner/tasks/{id}"),
            &json!({"title": "U"}),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(http::StatusCode::PRECONDITION_REQUIRED),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("needs an If-Match header"),
        "{err}"
    );
    // Other paths are unaffected; `*` satisfies the requirement.
    client
        .send(
            Request::<()>::patch(format!("/planner/tasks/{id}"), &json!({"title": "U"}))
                .if_match("*"),
        )
        .await
        .unwrap();
}
