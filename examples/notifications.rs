//! Change notifications end to end: subscribe to a To Do list's tasks, create and rename a task,
//! and print the typed notifications as they arrive.
//!
//! Offline (default): the built-in emulator plays Graph on 127.0.0.1. It calls the receiver this
//! example serves for the validation handshake before it creates the subscription, and posts each
//! change to it.
//!
//! ```text
//! cargo run --example notifications
//! ```
//!
//! Against Microsoft Graph the same code runs with a delegated token that has `Tasks.ReadWrite` in
//! `GRAPH_TOKEN` and a public `https` URL that reaches the receiver (a tunnel to the local port in
//! `GRAPH_NOTIFICATION_PORT`, 8080 by default) in `GRAPH_NOTIFICATION_URL`:
//!
//! ```text
//! GRAPH_TOKEN=eyJ0... GRAPH_NOTIFICATION_URL=https://example.org/graph/notifications \
//!   cargo run --example notifications
//! ```

#[path = "graph_models/mod.rs"]
mod graph_models;

use std::time::Duration;

use graph_models::run::{self, Failure};
use graph_odata::notify::{Receiver, SubscriptionManager, SubscriptionSpec, axum::router};
use graph_odata::prelude::*;
use serde_json::{Value, json};

/// `microsoft.graph.todoTask`, as much of it as this example reads.
#[graph_entity(get = "GET /me/todo/lists/{todoTaskListId}/tasks/{todoTaskId}")]
#[derive(Debug, Default)]
pub struct TodoTask {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub title: Option<String>,
}

/// Where the receiver listens in the example.
const PATH: &str = "/graph/notifications";

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let (client, emulator) = run::connect().await?;
    // A secret of this run: Graph echoes it in every notification, the receiver checks it.
    let client_state = uuid::Uuid::new_v4().simple().to_string();

    // The receiver: Graph's handshake, clientState, a 202 at once, typed changes on a stream.
    let (receiver, mut changes) = Receiver::<TodoTask>::builder()
        .client_state(client_state.clone())
        .build();
    let port: u16 = match &emulator {
        Some(_) => 0,
        None => std::env::var("GRAPH_NOTIFICATION_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(8080),
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let local = format!("http://{}{PATH}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router(PATH, receiver)).await });
    let url = match &emulator {
        Some(_) => local.clone(),
        None => std::env::var("GRAPH_NOTIFICATION_URL").map_err(|_| {
            "against Graph, set GRAPH_NOTIFICATION_URL to a public https URL that reaches the receiver"
        })?,
    };
    println!("receiver listening at {local} (notification URL {url})");

    // A list to watch.
    let list: Value = client
        .send(Request::post(
            "/me/todo/lists",
            &json!({"displayName": "graph-odata notifications example"}),
        ))
        .await?;
    let list_id = list["id"]
        .as_str()
        .ok_or("the new list has no id")?
        .to_owned();
    let tasks = format!("me/todo/lists/{list_id}/tasks");

    // The subscription: the service calls the receiver's handshake before it answers.
    let manager = SubscriptionManager::new(client.clone());
    let subscription = manager
        .create(
            SubscriptionSpec::new(tasks.clone(), "created,updated", url.clone())
                .client_state(client_state.clone()),
        )
        .await?;
    let subscription_id = subscription.id.clone().unwrap_or_default();
    println!(
        "subscribed to {tasks} (subscription {subscription_id}, expires {})",
        subscription.expiration_date_time.as_deref().unwrap_or("?")
    );

    // Two changes: a task created, then renamed.
    let task: Value = client
        .send(Request::post(
            format!("/{tasks}"),
            &json!({"title": "Write the report"}),
        ))
        .await?;
    let task_id = task["id"]
        .as_str()
        .ok_or("the new task has no id")?
        .to_owned();
    client
        .send(
            Request::<Value>::patch(
                format!("/{tasks}/{task_id}"),
                &json!({"title": "Write the final report"}),
            )
            .no_content(),
        )
        .await?;

    // Graph may take a few seconds; the emulator delivers at once.
    for _ in 0..2 {
        match tokio::time::timeout(Duration::from_secs(60), changes.recv()).await {
            Ok(Some(change)) => println!(
                "notification: {:?} {} (task {:?})",
                change.change_type,
                change.resource.as_deref().unwrap_or("?"),
                change.resource_data.and_then(|t| t.id)
            ),
            Ok(None) => return Err("the receiver stopped".into()),
            Err(_) => return Err("no notification within a minute".into()),
        }
    }

    manager.delete(&subscription_id).await?;
    client
        .send(Request::delete(format!("/me/todo/lists/{list_id}")))
        .await?;
    println!("subscription and list deleted");
    run::print_log(emulator.as_ref());
    Ok(())
}
