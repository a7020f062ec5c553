//! Delta queries: a function declared with the macros, removed items surfaced, and a cursor that
//! is saved (serde) and resumed in a later "process" without reading anything twice.

mod support;

use graph_odata::delta::{Delta, DeltaCursor};
use graph_odata::prelude::*;
use serde_json::json;
use support::{client_for, emulator};

#[graph_entity]
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
}

/// `GET /users/delta`: the Graph docs' form, with and without the parentheses.
#[graph_function("microsoft.graph.delta", returns = Page<Delta<User>>, paths = ["GET /users/delta", with_parens = "GET /users/delta()"])]
pub struct UsersDelta;

fn ids(items: &[Delta<User>]) -> Vec<String> {
    items
        .iter()
        .map(|d| match d {
            Delta::Changed(u) => format!("changed:{}", u.id.as_deref().unwrap_or("?")),
            Delta::Removed { id, .. } => format!("removed:{id}"),
        })
        .collect()
}

async fn read_round(
    client: &Client,
    start: Request<Page<Delta<User>>>,
) -> (Vec<Delta<User>>, DeltaCursor) {
    let mut pages = client.pages(start);
    let mut items = Vec::new();
    while let Some(page) = pages.next_page().await {
        items.extend(page.unwrap().value);
    }
    (
        items,
        pages.cursor().expect("a delta round ends with a deltaLink"),
    )
}

#[tokio::test]
async fn delta_rounds_report_changes_and_removals() {
    let emu = emulator().await;
    for i in 1..=5 {
        emu.insert(
            "/users",
            json!({"id": format!("u{i}"), "displayName": format!("User {i}")}),
        );
    }
    let client = client_for(&emu);
    assert_eq!(UsersDelta.users().path(), "/users/delta()");
    assert_eq!(UsersDelta.with_parens().path(), "/users/delta()");

    let (first, cursor) = read_round(&client, UsersDelta.users().top(2)).await;
    assert_eq!(
        ids(&first),
        [
            "changed:u1",
            "changed:u2",
            "changed:u3",
            "changed:u4",
            "changed:u5"
        ]
    );
    assert!(cursor.is_round_complete());
    let saved = serde_json::to_string(&cursor).unwrap();

    // Changes between the rounds.
    client
        .send(Request::<()>::patch("/users/u1", &json!({"displayName": "Ada"})).no_content())
        .await
        .unwrap();
    client.send(Request::delete("/users/u2")).await.unwrap();
    emu.insert("/users", json!({"id": "u6", "displayName": "User 6"}));

    // Later, maybe in another process: resume from the saved cursor.
    let cursor: DeltaCursor = serde_json::from_str(&saved).unwrap();
    let (second, cursor) = read_round(&client, cursor.request()).await;
    assert_eq!(ids(&second), ["changed:u1", "changed:u6", "removed:u2"]);
    assert!(matches!(&second[0], Delta::Changed(u) if u.display_name.as_deref() == Some("Ada")));
    let (third, _) = read_round(&client, cursor.request()).await;
    assert!(third.is_empty(), "nothing changed since: {third:?}");
}

#[tokio::test]
async fn a_cursor_taken_mid_round_resumes_without_rereading() {
    let emu = emulator().await;
    for i in 1..=5 {
        emu.insert("/users", json!({"id": format!("u{i}")}));
    }
    let client = client_for(&emu);
    let mut pages = client.pages(UsersDelta.users().top(2));
    let first = pages.next_page().await.unwrap().unwrap();
    assert_eq!(ids(&first.value), ["changed:u1", "changed:u2"]);
    let cursor = pages.cursor().unwrap();
    assert!(!cursor.is_round_complete());
    drop(pages); // the process stops here
    let saved = serde_json::to_string(&cursor).unwrap();

    let cursor: DeltaCursor = serde_json::from_str(&saved).unwrap();
    let (rest, end) = read_round(&client, cursor.request()).await;
    assert_eq!(ids(&rest), ["changed:u3", "changed:u4", "changed:u5"]);
    assert!(end.is_round_complete());
}

/// A service that writes relative links (OData allows it): the delta round's nextLinks and
/// deltaLink are relative to the context URL; the pager and the saved cursor make them absolute.
#[tokio::test]
async fn delta_rounds_work_over_relative_links() {
    let emu = emulator().await;
    emu.set_relative_links(true);
    for i in 1..=5 {
        emu.insert("/users", json!({"id": format!("u{i}")}));
    }
    let client = client_for(&emu);
    let raw: serde_json::Value = client
        .send(Request::get("/users/delta()").query("$top", "2"))
        .await
        .unwrap();
    assert_eq!(raw["@odata.context"], "$metadata#users/$delta");
    let next = raw["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with("users/delta()?$skiptoken=") && next.ends_with("&$top=2"),
        "{next}"
    );

    let (first, cursor) = read_round(&client, UsersDelta.users().top(2)).await;
    assert_eq!(first.len(), 5);
    let saved = serde_json::to_string(&cursor).unwrap();
    assert!(
        saved.contains(&format!("{}/users/delta()?$deltatoken=", emu.v1_url())),
        "the cursor holds an absolute link: {saved}"
    );
    client.send(Request::delete("/users/u2")).await.unwrap();
    let cursor: DeltaCursor = serde_json::from_str(&saved).unwrap();
    let (second, _) = read_round(&client, cursor.request()).await;
    assert_eq!(ids(&second), ["removed:u2"]);
    let paths: Vec<String> = emu.requests().iter().map(|r| r.path.clone()).collect();
    assert!(
        paths
            .iter()
            .all(|p| p == "/v1.0/users/delta()" || p == "/v1.0/users/u2"),
        "never a doubled path: {paths:?}"
    );
}
