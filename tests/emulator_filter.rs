//! Code that filters, tested offline: the client's typed and raw `$filter`, `$orderby` and
//! `$count` as they go on the wire, against the emulator's evaluation of them (results that differ
//! from the unfiltered collection), paging over a filtered, ordered collection, and `/$count`
//! alone and in `$batch`. The emulator's own rules (what it cannot evaluate, which collections
//! exist) are tested in `emulator/tests/filter_rules.rs`.

mod support;

use futures_util::TryStreamExt;
use graph_odata::prelude::*;
use graph_odata::query::{Filter, Order};
use serde_json::{Value, json};
use support::{client_for, emulator};

#[graph_entity(list = "GET /users")]
#[derive(Debug)]
pub struct User {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub mail: Option<String>,
}

async fn seeded() -> graph_odata_emulator::Emulator {
    let emu = emulator().await;
    for (name, mail, age) in [
        ("Olga O'Neil", "olga@contoso.com", 41),
        ("Omar", "omar@fabrikam.com", 29),
        ("Bea", "bea@contoso.com", 35),
        ("Olaf", "olaf@contoso.com", 52),
        ("Carl", "carl@northwind.com", 19),
    ] {
        emu.insert(
            "/users",
            json!({"displayName": name, "mail": mail, "age": age, "otherMails": [mail]}),
        );
    }
    emu
}

#[tokio::test]
async fn typed_filters_and_ordering_select_the_right_items_across_pages() {
    let emu = seeded().await;
    let client = client_for(&emu);
    let users: Vec<User> = client
        .stream(
            User::list()
                .filter(Filter::starts_with(UserField::DisplayName, "O"))
                .order_by([(UserField::DisplayName, Order::Desc)])
                .top(2),
        )
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = users
        .iter()
        .filter_map(|u| u.display_name.as_deref())
        .collect();
    assert_eq!(names, ["Omar", "Olga O'Neil", "Olaf"]);
    let log = emu.requests();
    assert_eq!(log.len(), 2, "two pages of two");
    // What the typed builders wrote, on the first request and kept by the next link.
    for r in &log {
        let pairs = r.query_pairs();
        let option = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(option("$filter"), Some("startswith(displayName,'O')"));
        assert_eq!(option("$orderby"), Some("displayName desc"));
    }
    // The same list unfiltered has all five users: the filter did the choosing.
    let all: Vec<User> = client.stream(User::list()).try_collect().await.unwrap();
    assert_eq!(all.len(), 5);
}

#[tokio::test]
async fn raw_filters_with_lambdas_counts_and_nested_logic() {
    let emu = seeded().await;
    let client = client_for(&emu);
    let page: Page<Value> = client
        .send(
            Request::get("/users")
                .query(
                    "$filter",
                    "otherMails/any(m:endswith(m,'@contoso.com')) and not (age ge 50)",
                )
                .query("$orderby", "age")
                .query("$count", "true"),
        )
        .await
        .unwrap();
    let names: Vec<&str> = page
        .value
        .iter()
        .filter_map(|u| u["displayName"].as_str())
        .collect();
    assert_eq!(names, ["Bea", "Olga O'Neil"]);
    assert_eq!(
        page.count,
        Some(2),
        "the count is of the filtered collection"
    );
    let sent = emu.last_request().unwrap();
    assert_eq!(
        sent.query_pairs(),
        [
            (
                "$filter".to_owned(),
                "otherMails/any(m:endswith(m,'@contoso.com')) and not (age ge 50)".to_owned()
            ),
            ("$orderby".to_owned(), "age".to_owned()),
            ("$count".to_owned(), "true".to_owned()),
        ]
    );
    // A raw option's value is percent-encoded as a whole (spaces and quotes included).
    assert_eq!(
        sent.query.as_deref(),
        Some(
            "$filter=otherMails/any(m:endswith(m,%27@contoso.com%27))%20and%20not%20(age%20ge%2050)\
             &$orderby=age&$count=true"
        )
    );
    let unfiltered: Page<Value> = client
        .send(Request::get("/users").query("$count", "true"))
        .await
        .unwrap();
    assert_eq!(unfiltered.count, Some(5));
}

/// `GET /users/$count` answers the number as `text/plain` (after `$filter`), alone and in `$batch`.
#[tokio::test]
async fn the_count_segment_answers_text() {
    let emu = emulator().await;
    for (i, name) in ["Ada", "Alan", "Grace"].iter().enumerate() {
        emu.insert(
            "/users",
            json!({"id": format!("u{i}"), "displayName": name}),
        );
    }
    let client = client_for(&emu);
    let all = client
        .execute(Request::<i64>::get("/users/$count"))
        .await
        .unwrap();
    assert_eq!(*all.body(), 3);
    assert!(
        all.header("content-type")
            .unwrap()
            .starts_with("text/plain"),
        "{:?}",
        all.header("content-type")
    );
    let some: i64 = client
        .send(Request::get("/users/$count").query("$filter", "startswith(displayName,'A')"))
        .await
        .unwrap();
    assert_eq!(some, 2, "fewer than the three unfiltered");
    let sent = emu.last_request().unwrap();
    assert_eq!(sent.path, "/v1.0/users/$count");
    assert_eq!(
        sent.query.as_deref(),
        Some("$filter=startswith(displayName,%27A%27)")
    );
    let mut batch = graph_odata::batch::Batch::new();
    let counted = batch.add(Request::<i64>::get("/users/$count"));
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.get(&counted).unwrap(), 3);
    let item = &emu.last_request().unwrap();
    assert_eq!(item.path, "/v1.0/$batch");
    let err = client
        .send(Request::<i64>::get("/$count"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
}
