//! The emulator's own rules over plain HTTP (no graph-odata client): a `$filter` it cannot
//! evaluate is a 400 naming the function, and a POST creates only where Graph has a collection
//! (404 elsewhere, as Graph's), unless the collection is registered or the rule is off.

use graph_odata_emulator::Emulator;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn emulator() -> Emulator {
    match Emulator::start().await {
        Ok(emu) => emu,
        Err(e) => panic!("cannot start the emulator on loopback: {e}"),
    }
}

/// POSTs `{"displayName":"x"}` to `path` under v1.0; the status and the JSON answer.
async fn post(emu: &Emulator, path: &str) -> (StatusCode, Value) {
    let answer = reqwest::Client::new()
        .post(format!("{}{path}", emu.v1_url()))
        .json(&json!({"displayName": "x"}))
        .send()
        .await
        .unwrap();
    let status = answer.status();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn what_the_emulator_cannot_evaluate_is_a_400_naming_it() {
    let emu = emulator().await;
    emu.insert("/users", json!({"displayName": "Olga"}));
    let answer = reqwest::Client::new()
        .get(format!(
            "{}/users?$filter=length(displayName)%20gt%203",
            emu.v1_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let body: Value = answer.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("the function `length` is not supported"),
        "{body}"
    );
}

#[tokio::test]
async fn collections_exist_only_where_graph_has_them() {
    let emu = emulator().await;
    for wrong in [
        "/me/todo/listz",
        "/widgets",
        "/users/u1/todo/lists/nope/taskz",
    ] {
        let (status, body) = post(&emu, wrong).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{wrong}: {body}");
    }
    let (_, body) = post(&emu, "/me/todo/listz").await;
    assert!(body.to_string().contains("'listz'"), "{body}");
    // Graph's collections need no setup: top-level sets, singleton navigations, contained ones.
    assert_eq!(post(&emu, "/groups").await.0, StatusCode::CREATED);
    let (status, list) = post(&emu, "/me/todo/lists").await;
    assert_eq!(status, StatusCode::CREATED);
    let id = list["id"].as_str().unwrap();
    let tasks = format!("/me/todo/lists/{id}/tasks");
    assert_eq!(post(&emu, &tasks).await.0, StatusCode::CREATED);
    // Below an entity that does not exist: 404 too.
    let (status, _) = post(&emu, "/me/todo/lists/nope/tasks").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Registered collections exist whatever the schema says; the switch turns the rule off.
    emu.create_collection("/widgets");
    assert_eq!(post(&emu, "/widgets").await.0, StatusCode::CREATED);
    emu.strict_collections(false);
    assert_eq!(post(&emu, "/gadgets").await.0, StatusCode::CREATED);
}
