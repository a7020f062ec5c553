//! Create, read, list, update and delete a Microsoft To Do list with hand-built requests.
//!
//! Offline (default): starts the built-in emulator on 127.0.0.1 and talks to it over HTTP.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Against real Microsoft Graph: put a delegated token with `Tasks.ReadWrite` in `GRAPH_TOKEN`
//! (e.g. from Graph Explorer). The example creates a list named "graph-odata quickstart" and
//! deletes it again.
//!
//! ```text
//! GRAPH_TOKEN=eyJ0... cargo run --example quickstart
//! ```

use graph_odata::prelude::*;
use graph_odata_emulator::{Emulator, Fault};
use serde::Deserialize;
use serde_json::{Value, json};

/// The fields of microsoft.graph.todoTaskList this example reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TodoTaskList {
    id: String,
    display_name: String,
}

/// A page of a collection.
#[derive(Debug, Deserialize)]
struct Page<T> {
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the emulator alive for the whole run; it stops when dropped.
    let (client, emulator) = match std::env::var("GRAPH_TOKEN") {
        Ok(token) if !token.trim().is_empty() => {
            println!("using Microsoft Graph v1.0 with the token in GRAPH_TOKEN");
            let client = Client::builder()
                .credential(StaticToken::new(token.trim()))
                .user_agent("graph-odata-quickstart")
                .build()?;
            (client, None)
        }
        _ => {
            let emulator = Emulator::start().await?;
            println!(
                "using the local emulator at {} (set GRAPH_TOKEN to use Microsoft Graph)",
                emulator.v1_url()
            );
            emulator.create_collection("/me/todo/lists");
            let client = Client::builder()
                .service_root(emulator.v1_url())
                .user_agent("graph-odata-quickstart")
                .build()?;
            (client, Some(emulator))
        }
    };

    // Create: POST returns 201 with the new entity.
    let created = client
        .execute(Request::<TodoTaskList>::post(
            "/me/todo/lists",
            &json!({"displayName": "graph-odata quickstart"}),
        ))
        .await?;
    let list = created.body();
    println!(
        "created  {} {:?} ({}, Location: {})",
        created.status(),
        list.display_name,
        list.id,
        created.header("location").unwrap_or("-")
    );
    let path = format!("/me/todo/lists/{}", encode_segment(&list.id)?);

    // Read it back.
    let got: TodoTaskList = client.send(Request::get(&path)).await?;
    println!("read     {:?}", got.display_name);

    // List, following @odata.nextLink.
    let mut next = Some("/me/todo/lists?$top=10".to_owned());
    let mut names = Vec::new();
    while let Some(url) = next.take() {
        let page: Page<TodoTaskList> = client.send(Request::get(url)).await?;
        names.extend(page.value.into_iter().map(|l| l.display_name));
        next = page.next_link;
    }
    println!("listed   {} list(s): {names:?}", names.len());

    // Update: PATCH answers 204 No Content.
    if let Some(emulator) = &emulator {
        // Show the retry policy at work: the emulator throttles the next PATCH once.
        emulator.fault(Fault::throttle("0.2").method(http::Method::PATCH));
    }
    client
        .send(
            Request::<()>::patch(
                &path,
                &json!({"displayName": "graph-odata quickstart (renamed)"}),
            )
            .no_content(),
        )
        .await?;
    let renamed: TodoTaskList = client.send(Request::get(&path)).await?;
    println!("updated  {:?}", renamed.display_name);

    // Delete, then show the typed error a missing entity produces.
    client.send(Request::delete(&path)).await?;
    println!("deleted  {}", list.id);
    match client.send(Request::<Value>::get(&path)).await {
        Ok(_) => println!("still there?"),
        Err(err) => println!(
            "read again: {} (status {:?}, code {:?})",
            err.kind(),
            err.status().map(|s| s.as_u16()),
            err.code().unwrap_or("-")
        ),
    }

    if let Some(emulator) = &emulator {
        let log = emulator.requests();
        println!("\nthe emulator saw {} requests:", log.len());
        for r in &log {
            println!(
                "  {} {}{}{}",
                r.method,
                r.path,
                r.query
                    .as_deref()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default(),
                r.header("retry-attempt")
                    .map(|a| format!("  (retry {a})"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(())
}
