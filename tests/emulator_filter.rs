//! The emulator evaluates `$filter` and `$orderby`, so code that filters can be tested offline:
//! the typed query builders against stored items, paging over a filtered, ordered collection, and
//! a 400 naming what the emulator cannot evaluate; and strict collections (404 where Graph would).

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
    assert_eq!(emu.requests().len(), 2, "two pages of two");
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
}

#[tokio::test]
async fn what_the_emulator_cannot_evaluate_is_a_400_naming_it() {
    let emu = seeded().await;
    let client = client_for(&emu);
    let err = client
        .send(Request::<Value>::get("/users").query("$filter", "length(displayName) gt 3"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::BAD_REQUEST));
    assert!(
        err.to_string()
            .contains("the function `length` is not supported"),
        "{err}"
    );
}

/// By default a POST creates only where Graph has a collection (v1.0: Graph's schema, built in;
/// beta: a navigation of an existing entity); anywhere else the answer is 404, as Graph's.
#[tokio::test]
async fn collections_exist_only_where_graph_has_them() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let post = |path: &str| Request::<Value>::post(path, &json!({"displayName": "x"}));
    for wrong in [
        "/me/todo/listz",
        "/widgets",
        "/users/u1/todo/lists/nope/taskz",
    ] {
        let err = client.send(post(wrong)).await.unwrap_err();
        assert_eq!(
            err.status(),
            Some(http::StatusCode::NOT_FOUND),
            "{wrong}: {err:?}"
        );
    }
    let err = client.send(post("/me/todo/listz")).await.unwrap_err();
    assert!(err.to_string().contains("'listz'"), "{err}");
    // Graph's collections need no setup: top-level sets, singleton navigations, contained ones.
    client.send(post("/groups")).await.unwrap();
    let list = client.send(post("/me/todo/lists")).await.unwrap();
    let id = list["id"].as_str().unwrap();
    client
        .send(post(&format!("/me/todo/lists/{id}/tasks")))
        .await
        .unwrap();
    // Below an entity that does not exist: 404 too.
    let err = client
        .send(post("/me/todo/lists/nope/tasks"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
    // Registered collections exist whatever the schema says; the switch turns the rule off.
    emu.create_collection("/widgets");
    client.send(post("/widgets")).await.unwrap();
    emu.strict_collections(false);
    client.send(post("/gadgets")).await.unwrap();
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
    assert_eq!(some, 2);
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
