//! Change notifications from the emulator, to a receiver started by each test on 127.0.0.1:
//! the validation handshake, subscription rules, delivery after create/update/delete,
//! redelivery, lifecycle events.

mod notify_support;

use std::time::Duration;

use graph_odata_emulator::{DEFAULT_TENANT_ID, LifecycleError, LifecycleEvent};
use notify_support::*;
use reqwest::Method;
use serde_json::{Value, json};

/// An emulator with a To Do list `L1` and quick redeliveries.
async fn todo_emulator() -> graph_odata_emulator::Emulator {
    let emu = emulator().await;
    emu.insert(
        "/me/todo/lists",
        json!({"id": "L1", "displayName": "Tasks"}),
    );
    emu.set_redelivery_schedule([Duration::from_millis(5); 3]);
    emu
}

const TASKS: &str = "me/todo/lists/L1/tasks";

#[tokio::test]
async fn the_handshake_echoes_the_decoded_token_before_the_201() {
    let emu = todo_emulator().await;
    let rx = Receiver::start().await;
    let (status, body) = subscribe(&emu, &subscription(TASKS, &rx.hook_url())).await;
    assert_eq!(status, 201, "{body}");
    let tokens = rx.tokens();
    assert_eq!(tokens.len(), 1, "one handshake before the answer");
    assert!(
        tokens[0].contains(' '),
        "the token needs decoding: {}",
        tokens[0]
    );
    assert_eq!(body["resource"], TASKS);
    assert_eq!(body["changeType"], "created,updated,deleted");
    assert!(
        body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("$metadata#subscriptions/$entity")
    );
    let id = body["id"].as_str().unwrap();
    let (status, one) = send(
        Method::GET,
        &format!("{}/subscriptions/{id}", emu.v1_url()),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(one["id"], id);
    let (status, list) = send(
        Method::GET,
        &format!("{}/subscriptions", emu.v1_url()),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_wrong_echo_fails_the_handshake_with_a_400_and_nothing_is_stored() {
    let emu = todo_emulator().await;
    let rx = Receiver::start().await;
    for (mode, expect) in [
        (Handshake::WrongToken, "exactly match"),
        (Handshake::WrongContentType, "text/plain"),
        (Handshake::Redirect, "redirect"),
    ] {
        rx.set_handshake(mode);
        let (status, body) = subscribe(&emu, &subscription(TASKS, &rx.hook_url())).await;
        assert_eq!(status, 400, "{mode:?}: {body}");
        assert_eq!(body["error"]["code"], "ValidationError", "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(expect), "{mode:?}: {message}");
        assert!(!message.contains("secret-client-state"), "{message}");
    }
    assert!(emu.subscriptions().is_empty());
}

#[tokio::test]
async fn the_lifecycle_url_is_validated_too() {
    let emu = todo_emulator().await;
    let good = Receiver::start().await;
    let bad = Receiver::start().await;
    bad.set_handshake(Handshake::WrongToken);
    let mut body = subscription(TASKS, &good.hook_url());
    body["lifecycleNotificationUrl"] = json!(bad.life_url());
    let (status, answer) = subscribe(&emu, &body).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("lifecycleNotificationUrl")
    );
    assert!(emu.subscriptions().is_empty());
}

#[tokio::test]
async fn bodies_that_break_graphs_rules_are_refused_before_any_call() {
    let emu = todo_emulator().await;
    let rx = Receiver::start().await;
    let base = subscription(TASKS, &rx.hook_url());
    let cases: Vec<(Value, &str)> = vec![
        (json!({"changeType": "renamed"}), "'renamed'"),
        (json!({"changeType": null}), "'changeType' is required"),
        (json!({"resource": "/v1.0/me/messages"}), "version"),
        (json!({"expirationDateTime": in_minutes(-5)}), "future"),
        (
            json!({"expirationDateTime": in_minutes(4231)}),
            "4230 minutes",
        ),
        (json!({"expirationDateTime": "soon"}), "DateTimeOffset"),
        (json!({"clientState": "x".repeat(129)}), "128 characters"),
        (
            json!({"includeResourceData": true}),
            "encryptionCertificate",
        ),
        (json!({"notificationUrl": "ftp://127.0.0.1/hook"}), "https"),
    ];
    for (patch, expect) in cases {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, answer) = subscribe(&emu, &body).await;
        assert_eq!(status, 400, "{patch}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(expect), "{patch}: {message}");
    }
    assert!(rx.tokens().is_empty(), "no handshake for a refused body");
    let (status, _) = subscribe(&emu, &json!("not an object")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn renewal_takes_only_the_expiration_within_the_limit_and_delete_removes() {
    let emu = todo_emulator().await;
    let rx = Receiver::start().await;
    let (_, body) = subscribe(&emu, &subscription(TASKS, &rx.hook_url())).await;
    let url = format!(
        "{}/subscriptions/{}",
        emu.v1_url(),
        body["id"].as_str().unwrap()
    );
    let later = in_minutes(120);
    let (status, renewed) = send(
        Method::PATCH,
        &url,
        Some(&json!({"expirationDateTime": later})),
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    assert_ne!(renewed["expirationDateTime"], body["expirationDateTime"]);
    let (status, e) = send(
        Method::PATCH,
        &url,
        Some(&json!({"expirationDateTime": in_minutes(5000)})),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    let (status, e) = send(
        Method::PATCH,
        &url,
        Some(&json!({"notificationUrl": rx.hook_url()})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("notificationUrl"),
        "{e}"
    );
    let (status, _) = send(Method::DELETE, &url, None).await;
    assert_eq!(status, 204);
    let (status, _) = send(Method::GET, &url, None).await;
    assert_eq!(status, 404);
    let (status, _) = send(Method::DELETE, &url, None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn create_update_and_delete_are_delivered_with_graphs_fields() {
    let emu = todo_emulator().await;
    let rx = Receiver::start().await;
    let (_, sub) = subscribe(&emu, &subscription(TASKS, &rx.hook_url())).await;
    let sub_id = sub["id"].as_str().unwrap();
    let tasks = format!("{}/{TASKS}", emu.v1_url());
    let (status, task) = send(Method::POST, &tasks, Some(&json!({"title": "Buy milk"}))).await;
    assert_eq!(status, 201);
    let task_id = task["id"].as_str().unwrap().to_owned();
    let (status, _) = send(
        Method::PATCH,
        &format!("{tasks}/{task_id}"),
        Some(&json!({"title": "Buy oat milk"})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = send(Method::DELETE, &format!("{tasks}/{task_id}"), None).await;
    assert_eq!(status, 204);

    let mut seen = Vec::new();
    for _ in 0..3 {
        let (path, collection) = rx.next().await;
        assert_eq!(path, "/hook");
        assert!(collection.get("validationTokens").is_none(), "{collection}");
        let value = collection["value"].as_array().unwrap();
        assert_eq!(value.len(), 1);
        seen.push(value[0].clone());
    }
    seen.sort_by_key(|n| match n["changeType"].as_str() {
        Some("created") => 0,
        Some("updated") => 1,
        _ => 2,
    });
    let kinds: Vec<_> = seen
        .iter()
        .map(|n| n["changeType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "updated", "deleted"]);
    for n in &seen {
        assert_eq!(n["subscriptionId"], sub_id);
        assert_eq!(n["clientState"], "secret-client-state");
        assert_eq!(n["tenantId"], DEFAULT_TENANT_ID);
        assert_eq!(
            n["subscriptionExpirationDateTime"],
            sub["expirationDateTime"]
        );
        assert_eq!(n["resource"], format!("{TASKS}/{task_id}"));
        assert_eq!(n["resourceData"]["id"], task_id.as_str());
        assert_eq!(
            n["resourceData"]["@odata.type"],
            "#microsoft.graph.todoTask"
        );
        assert_eq!(n["resourceData"]["@odata.id"], format!("{TASKS}/{task_id}"));
        assert!(n.get("encryptedContent").is_none());
    }
    assert!(seen[0]["resourceData"]["@odata.etag"].is_string());
    assert!(
        seen[2]["resourceData"].get("@odata.etag").is_none(),
        "a deletion has no etag"
    );
    eventually("three deliveries counted", || {
        emu.delivery_stats().delivered == 3
    })
    .await;
}

#[tokio::test]
async fn only_matching_subscriptions_and_change_types_are_notified() {
    let emu = todo_emulator().await;
    emu.insert("/me/todo/lists", json!({"id": "L2"}));
    let deletions = Receiver::start().await;
    let other_list = Receiver::start().await;
    let mut body = subscription(TASKS, &deletions.hook_url());
    body["changeType"] = json!("deleted");
    assert_eq!(subscribe(&emu, &body).await.0, 201);
    let body = subscription("me/todo/lists('L2')/tasks", &other_list.hook_url());
    assert_eq!(subscribe(&emu, &body).await.0, 201);
    let id = emu.insert(&format!("/{TASKS}"), json!({"title": "a"}));
    emu.insert("/me/todo/lists/L2/tasks", json!({"title": "b"}));
    let (status, _) = send(
        Method::DELETE,
        &format!("{}/{TASKS}/{id}", emu.v1_url()),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, n) = deletions.next().await;
    assert_eq!(
        n["value"][0]["changeType"], "deleted",
        "the creation is not sent: {n}"
    );
    let (_, n) = other_list.next().await;
    assert_eq!(n["value"][0]["changeType"], "created");
    assert_eq!(
        n["value"][0]["resource"]
            .as_str()
            .unwrap()
            .split('/')
            .nth(3),
        Some("L2")
    );
    eventually("two deliveries", || emu.delivery_stats().delivered == 2).await;
    assert_eq!(deletions.attempts() + other_list.attempts(), 2);
}

#[tokio::test]
async fn a_503_is_redelivered_until_taken() {
    let emu = todo_emulator().await;
    let rx = Receiver::start().await;
    rx.fail_next(2);
    subscribe(&emu, &subscription(TASKS, &rx.hook_url())).await;
    emu.insert(&format!("/{TASKS}"), json!({"title": "retry me"}));
    let (_, n) = rx.next().await;
    assert_eq!(n["value"][0]["changeType"], "created");
    eventually("delivered once", || emu.delivery_stats().delivered == 1).await;
    let stats = emu.delivery_stats();
    assert_eq!(stats.failed_attempts, 2);
    assert_eq!(stats.dropped, 0);
    assert_eq!(rx.attempts(), 3);
}

#[tokio::test]
async fn a_receiver_that_always_fails_gets_the_schedule_then_nothing() {
    let emu = todo_emulator().await;
    let rx = Receiver::start().await;
    rx.always_fail();
    subscribe(&emu, &subscription(TASKS, &rx.hook_url())).await;
    emu.insert(&format!("/{TASKS}"), json!({"title": "never taken"}));
    eventually("dropped after the schedule", || {
        emu.delivery_stats().dropped == 1
    })
    .await;
    let stats = emu.delivery_stats();
    assert_eq!(stats.failed_attempts, 4, "one try and three redeliveries");
    assert_eq!(stats.delivered, 0);
    assert_eq!(rx.attempts(), 4);
}

#[tokio::test]
async fn lifecycle_events_go_to_the_lifecycle_url_through_the_admin_route() {
    let emu = todo_emulator().await;
    let rx = Receiver::start().await;
    let mut body = subscription(TASKS, &rx.hook_url());
    body["lifecycleNotificationUrl"] = json!(rx.life_url());
    let (status, sub) = subscribe(&emu, &body).await;
    assert_eq!(status, 201, "{sub}");
    assert_eq!(rx.tokens().len(), 2, "both URLs were validated");
    let id = sub["id"].as_str().unwrap();
    let admin = format!("{}/emulator/subscriptions/{id}/lifecycle", emu.base_url());

    let (status, _) = send(Method::POST, &admin, Some(&json!({"event": "missed"}))).await;
    assert_eq!(status, 202);
    let (path, n) = rx.next().await;
    assert_eq!(path, "/life");
    assert_eq!(n["value"][0]["lifecycleEvent"], "missed");
    assert_eq!(n["value"][0]["subscriptionId"], id);
    assert_eq!(n["value"][0]["clientState"], "secret-client-state");
    assert_eq!(n["value"][0]["tenantId"], DEFAULT_TENANT_ID);

    emu.send_lifecycle_event(id, LifecycleEvent::ReauthorizationRequired)
        .unwrap();
    let (_, n) = rx.next().await;
    assert_eq!(n["value"][0]["lifecycleEvent"], "reauthorizationRequired");
    let reauthorize = format!("{}/subscriptions/{id}/reauthorize", emu.v1_url());
    assert_eq!(send(Method::POST, &reauthorize, None).await.0, 204);

    let (status, e) = send(Method::POST, &admin, Some(&json!({"event": "exploded"}))).await;
    assert_eq!(status, 400);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("exploded"),
        "{e}"
    );

    let (status, _) = send(
        Method::POST,
        &admin,
        Some(&json!({"event": "subscriptionRemoved"})),
    )
    .await;
    assert_eq!(status, 202);
    let (_, n) = rx.next().await;
    assert_eq!(n["value"][0]["lifecycleEvent"], "subscriptionRemoved");
    let (status, _) = send(
        Method::GET,
        &format!("{}/subscriptions/{id}", emu.v1_url()),
        None,
    )
    .await;
    assert_eq!(status, 404, "Graph removed it");
    assert_eq!(
        send(Method::POST, &admin, Some(&json!({"event": "missed"})))
            .await
            .0,
        404
    );
    assert_eq!(
        emu.send_lifecycle_event(id, LifecycleEvent::Missed),
        Err(LifecycleError::UnknownSubscription)
    );
}

#[tokio::test]
async fn a_lifecycle_event_needs_a_lifecycle_url() {
    let emu = todo_emulator().await;
    let rx = Receiver::start().await;
    let (_, sub) = subscribe(&emu, &subscription(TASKS, &rx.hook_url())).await;
    let id = sub["id"].as_str().unwrap();
    assert_eq!(
        emu.send_lifecycle_event(id, LifecycleEvent::Missed),
        Err(LifecycleError::NoLifecycleUrl)
    );
}

#[tokio::test]
async fn an_expired_subscription_is_gone_and_not_notified() {
    let emu = todo_emulator().await;
    let rx = Receiver::start().await;
    let mut body = subscription(TASKS, &rx.hook_url());
    let now = graph_odata_runtime::edm::DateTimeOffset::now().unix_nanos();
    body["expirationDateTime"] = json!(
        graph_odata_runtime::edm::DateTimeOffset::from_unix_nanos(now + 300_000_000).as_str()
    );
    let (status, sub) = subscribe(&emu, &body).await;
    assert_eq!(status, 201, "{sub}");
    eventually("the subscription expires", || {
        emu.subscriptions().is_empty()
    })
    .await;
    emu.insert(&format!("/{TASKS}"), json!({"title": "too late"}));
    let stats = emu.delivery_stats();
    assert_eq!(
        (stats.delivered, stats.failed_attempts, stats.dropped),
        (0, 0, 0)
    );
    let url = format!(
        "{}/subscriptions/{}",
        emu.v1_url(),
        sub["id"].as_str().unwrap()
    );
    assert_eq!(send(Method::GET, &url, None).await.0, 404);
    assert_eq!(rx.attempts(), 0);
}

#[tokio::test]
async fn a_resource_spelled_with_an_alternate_key_matches_the_stored_entity() {
    let emu = todo_emulator().await;
    let user = emu.insert(
        "/users",
        json!({"userPrincipalName": "alice@contoso.com", "displayName": "Alice"}),
    );
    let rx = Receiver::start().await;
    let mut body = subscription("users/alice@contoso.com", &rx.hook_url());
    body["changeType"] = json!("updated");
    let (status, sub) = subscribe(&emu, &body).await;
    assert_eq!(status, 201, "{sub}");
    let (status, _) = send(
        Method::PATCH,
        &format!("{}/users/{user}", emu.v1_url()),
        Some(&json!({"displayName": "Alice B."})),
    )
    .await;
    assert_eq!(status, 204);
    let (_, n) = rx.next().await;
    assert_eq!(n["value"][0]["resource"], format!("users/{user}"));
    assert_eq!(
        n["value"][0]["resourceData"]["@odata.type"],
        "#microsoft.graph.user"
    );
}
