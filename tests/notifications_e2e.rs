//! Change notifications end to end on loopback, both sides built here: the emulator plays Graph
//! (handshake, deliveries, redelivery, lifecycle events, rich content signed and encrypted with
//! RustCrypto) against the app's receiver and subscription manager (`graph_odata::notify`, its
//! tokens checked with jsonwebtoken, its content opened with aws-lc-rs). Two independent
//! implementations of Graph's scheme meeting is the test that each follows it.

mod support;

use std::time::Duration;

use graph_odata::notify::{
    ChangeNotification, ChangeType, Decryptor, KeySource, LifecycleEvent, LifecycleOutcome,
    Notifications, Receiver, SubscriptionManager, SubscriptionSpec, TokenVerifier, axum::router,
};
use graph_odata::prelude::*;
use graph_odata_emulator::{DEFAULT_APP_ID, DEFAULT_TENANT_ID, Emulator};
use serde_json::{Value, json};

#[graph_entity(get = "GET /me/todo/lists/{todoTaskListId}/tasks/{todoTaskId}")]
#[derive(Debug, Default)]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

const STATE: &str = "e2e-client-state-4f1c9a";

/// Serves `receiver` on 127.0.0.1; its notification URL.
async fn serve(receiver: Receiver<TodoTask>) -> String {
    format!(
        "{}/notify",
        support::serve(router("/notify", receiver)).await
    )
}

/// A new To Do list; the resource of its tasks (`me/todo/lists/{id}/tasks`).
async fn tasks_of_a_new_list(client: &Client) -> String {
    let list: Value = client
        .send(Request::post(
            "/me/todo/lists",
            &json!({"displayName": "L"}),
        ))
        .await
        .unwrap();
    format!("me/todo/lists/{}/tasks", list["id"].as_str().unwrap())
}

async fn next(changes: &mut Notifications<TodoTask>) -> ChangeNotification<TodoTask> {
    tokio::time::timeout(Duration::from_secs(20), changes.recv())
        .await
        .expect("a notification within 20 s")
        .expect("the receiver is still up")
}

async fn new_task(client: &Client, tasks: &str, title: &str) -> String {
    let task: Value = client
        .send(Request::post(format!("/{tasks}"), &json!({"title": title})))
        .await
        .unwrap();
    task["id"].as_str().unwrap().to_owned()
}

fn fast_redelivery(emu: &Emulator) {
    emu.set_redelivery_schedule([
        Duration::from_millis(50),
        Duration::from_millis(100),
        Duration::from_millis(200),
        Duration::from_millis(400),
        Duration::from_millis(800),
    ]);
}

#[tokio::test]
async fn changes_reach_the_receiver_typed_after_a_real_handshake() {
    let emu = support::emulator().await;
    let client = support::client_for(&emu);
    let (receiver, mut changes) = Receiver::<TodoTask>::builder().client_state(STATE).build();
    let url = serve(receiver).await;
    let tasks = tasks_of_a_new_list(&client).await;
    let manager = SubscriptionManager::new(client.clone());
    let sub = manager
        .create(SubscriptionSpec::new(tasks.clone(), "created,updated", url).client_state(STATE))
        .await
        .expect("the emulator's handshake against the receiver succeeds");
    let sub_id = sub.id.clone().unwrap();

    let task = new_task(&client, &tasks, "Write the report").await;
    client
        .send(
            Request::<Value>::patch(format!("/{tasks}/{task}"), &json!({"title": "Final"}))
                .no_content(),
        )
        .await
        .unwrap();
    let created = next(&mut changes).await;
    let updated = next(&mut changes).await;
    for (change, kind) in [
        (&created, ChangeType::Created),
        (&updated, ChangeType::Updated),
    ] {
        assert_eq!(change.change_type, Some(kind), "{change:?}");
        assert_eq!(change.subscription_id, sub_id);
        assert_eq!(
            change.resource_data.as_ref().and_then(|t| t.id.as_deref()),
            Some(task.as_str())
        );
    }

    // Deleted, the subscription sends nothing more.
    manager.delete(&sub_id).await.unwrap();
    new_task(&client, &tasks, "unseen").await;
    assert!(
        tokio::time::timeout(Duration::from_millis(500), changes.recv())
            .await
            .is_err(),
        "nothing after the subscription is gone"
    );
}

#[tokio::test]
async fn a_wrong_client_state_in_the_subscription_never_reaches_user_code() {
    let emu = support::emulator().await;
    fast_redelivery(&emu);
    let client = support::client_for(&emu);
    let (receiver, mut changes) = Receiver::<TodoTask>::builder().client_state(STATE).build();
    let url = serve(receiver).await;
    let tasks = tasks_of_a_new_list(&client).await;
    SubscriptionManager::new(client.clone())
        .create(SubscriptionSpec::new(tasks.clone(), "created", url).client_state("another-state"))
        .await
        .expect("the handshake carries no clientState");
    new_task(&client, &tasks, "t").await;
    // The receiver answers 403 to each delivery; the emulator retries, then gives up.
    for _ in 0..200 {
        if emu.delivery_stats().dropped > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stats = emu.delivery_stats();
    assert!(
        stats.failed_attempts >= 1 && stats.dropped == 1,
        "{stats:?}"
    );
    assert!(changes.try_recv().is_none(), "nothing was handed out");
}

#[tokio::test]
async fn a_full_receiver_answers_503_and_the_emulator_delivers_again() {
    let emu = support::emulator().await;
    fast_redelivery(&emu);
    let client = support::client_for(&emu);
    let (receiver, mut changes) = Receiver::<TodoTask>::builder()
        .client_state(STATE)
        .capacity(1)
        .build();
    let url = serve(receiver).await;
    let tasks = tasks_of_a_new_list(&client).await;
    SubscriptionManager::new(client.clone())
        .create(SubscriptionSpec::new(tasks.clone(), "created", url).client_state(STATE))
        .await
        .unwrap();
    let first = new_task(&client, &tasks, "one").await;
    let second = new_task(&client, &tasks, "two").await;
    // The second delivery meets a full stream (503) until the first is taken.
    for _ in 0..200 {
        if emu.delivery_stats().failed_attempts > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        emu.delivery_stats().failed_attempts > 0,
        "a 503 was answered"
    );
    let got: Vec<Option<String>> = vec![
        next(&mut changes).await.resource_data.and_then(|t| t.id),
        next(&mut changes).await.resource_data.and_then(|t| t.id),
    ];
    assert_eq!(got, [Some(first), Some(second)]);
    assert_eq!(emu.delivery_stats().dropped, 0);
}

#[tokio::test]
async fn a_reauthorization_request_renews_through_the_manager() {
    let emu = support::emulator().await;
    let client = support::client_for(&emu);
    let (receiver, mut changes) = Receiver::<TodoTask>::builder().client_state(STATE).build();
    let url = serve(receiver).await;
    let tasks = tasks_of_a_new_list(&client).await;
    let manager = SubscriptionManager::new(client.clone());
    let sub = manager
        .create(
            SubscriptionSpec::new(tasks, "created", url.clone())
                .client_state(STATE)
                .lifecycle_url(url)
                .lifetime(Duration::from_secs(3600)),
        )
        .await
        .unwrap();
    let id = sub.id.clone().unwrap();
    emu.send_lifecycle_event(
        &id,
        graph_odata_emulator::LifecycleEvent::ReauthorizationRequired,
    )
    .unwrap();
    let event = next(&mut changes).await;
    assert_eq!(
        event.lifecycle_event,
        Some(LifecycleEvent::ReauthorizationRequired)
    );
    match manager.handle_lifecycle(&event).await.unwrap() {
        LifecycleOutcome::Renewed(renewed) => {
            assert!(
                renewed.expiration_date_time > sub.expiration_date_time,
                "{renewed:?}"
            );
        }
        other => panic!("expected a renewal, got {other:?}"),
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/emulator/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[tokio::test]
async fn rich_notifications_verify_against_the_emulators_keys_and_decrypt_into_the_model() {
    let emu = support::emulator().await;
    let client = support::client_for(&emu);
    let verifier = TokenVerifier::new(
        client.clone(),
        DEFAULT_APP_ID,
        KeySource::Url(emu.jwks_url()),
    )
    .tenant(DEFAULT_TENANT_ID);
    let (receiver, mut changes) = Receiver::<TodoTask>::builder()
        .client_state(STATE)
        .verify_tokens(verifier)
        .build();
    let url = serve(receiver).await;
    let decryptor = Decryptor::new()
        .with_certificate_pem(
            "cert-1",
            &fixture("notify-cert-key.pem"),
            &fixture("notify-cert.pem"),
        )
        .unwrap();
    let certificate = String::from_utf8(fixture("notify-cert.b64")).unwrap();
    let tasks = tasks_of_a_new_list(&client).await;
    SubscriptionManager::new(client.clone())
        .create(
            SubscriptionSpec::new(tasks.clone(), "created", url)
                .client_state(STATE)
                .resource_data(certificate.trim().to_owned(), "cert-1"),
        )
        .await
        .unwrap();
    let id = new_task(&client, &tasks, "The secret plan").await;
    let change = next(&mut changes).await;
    let content = change.encrypted_content.as_ref().expect("rich content");
    let task: TodoTask = decryptor.decrypt(content).expect("decrypts");
    assert_eq!(task.id.as_deref(), Some(id.as_str()));
    assert_eq!(task.title.as_deref(), Some("The secret plan"));
}

#[tokio::test]
async fn rich_notifications_for_another_app_are_refused_before_user_code() {
    let emu = support::emulator().await;
    fast_redelivery(&emu);
    let client = support::client_for(&emu);
    // The tokens are issued to the emulator's app id: a receiver for another app refuses them.
    let verifier = TokenVerifier::new(
        client.clone(),
        "00000000-0000-0000-0000-00000000beef",
        KeySource::Url(emu.jwks_url()),
    );
    let (receiver, mut changes) = Receiver::<TodoTask>::builder()
        .client_state(STATE)
        .verify_tokens(verifier)
        .build();
    let url = serve(receiver).await;
    let certificate = String::from_utf8(fixture("notify-cert.b64")).unwrap();
    let tasks = tasks_of_a_new_list(&client).await;
    SubscriptionManager::new(client.clone())
        .create(
            SubscriptionSpec::new(tasks.clone(), "created", url)
                .client_state(STATE)
                .resource_data(certificate.trim().to_owned(), "cert-1"),
        )
        .await
        .unwrap();
    new_task(&client, &tasks, "t").await;
    for _ in 0..200 {
        if emu.delivery_stats().dropped > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        emu.delivery_stats().dropped,
        1,
        "{:?}",
        emu.delivery_stats()
    );
    assert!(changes.try_recv().is_none());
}
