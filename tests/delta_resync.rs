//! Delta that survives: cursor fingerprints, `Prefer` on every link, and the typed resync outcome
//! for tokens the service does not know (forged, altered, expired), against the emulator.

mod support;

use graph_odata::delta::{Delta, DeltaCursor, Resync};
use graph_odata::prelude::*;
use serde_json::{Value, json};
use support::{client_for, emulator};

const IMMUTABLE: &str = "IdType=\"ImmutableId\"";

fn users_delta() -> Request<Page<Delta<Value>>> {
    Request::get("/users/delta()").query("$top", "2")
}

fn id_of(user: &Value) -> Option<String> {
    user["id"].as_str().map(str::to_owned)
}

async fn read_to_end(
    pages: &mut graph_odata::Pager<Delta<Value>>,
) -> Result<Vec<Delta<Value>>, graph_odata::Error> {
    let mut items = Vec::new();
    while let Some(page) = pages.next_page().await {
        items.extend(page?.value);
    }
    Ok(items)
}

async fn five_users() -> graph_odata_emulator::Emulator {
    let emu = emulator().await;
    for i in 1..=5 {
        emu.insert(
            "/users",
            json!({"id": format!("u{i}"), "displayName": format!("User {i}")}),
        );
    }
    emu
}

#[tokio::test]
async fn a_resumed_cursor_with_another_select_is_refused() {
    let emu = five_users().await;
    let client = client_for(&emu);
    let start = users_delta().query("$select", "id,displayName");
    let mut pages = client.pages(start.clone());
    read_to_end(&mut pages).await.unwrap();
    let saved = serde_json::to_string(&pages.cursor().unwrap()).unwrap();
    let cursor: DeltaCursor = serde_json::from_str(&saved).unwrap();

    let other = users_delta().query("$select", "id");
    let refused = client.resume_delta(&cursor, &other).unwrap_err();
    assert_eq!(refused.what, "query options");
    assert_eq!(refused.saved, "$top=2&$select=id,displayName");
    assert_eq!(refused.requested, "$top=2&$select=id");
    let err: graph_odata::Error = refused.into();
    assert!(err.to_string().contains("$select=id,displayName"), "{err}");

    let immutable = start.clone().header("Prefer", IMMUTABLE);
    let refused = client.resume_delta(&cursor, &immutable).unwrap_err();
    assert_eq!(refused.what, "Prefer header");
    assert_eq!(refused.requested, IMMUTABLE);

    let mut same = client.resume_delta(&cursor, &start).unwrap();
    assert!(
        read_to_end(&mut same).await.unwrap().is_empty(),
        "nothing changed"
    );
}

#[tokio::test]
async fn prefer_rides_every_next_and_delta_link() {
    let emu = five_users().await;
    let client = client_for(&emu);
    let start = users_delta().header("Prefer", IMMUTABLE);
    let mut pages = client.pages(start.clone());
    assert_eq!(read_to_end(&mut pages).await.unwrap().len(), 5);
    let cursor = pages.cursor().unwrap();
    emu.insert("/users", json!({"id": "u6"}));
    // A later process: the cursor comes back from storage.
    let cursor: DeltaCursor =
        serde_json::from_str(&serde_json::to_string(&cursor).unwrap()).unwrap();
    let mut more = client.resume_delta(&cursor, &start).unwrap();
    assert_eq!(read_to_end(&mut more).await.unwrap().len(), 1);
    let mut plain = client.pages(cursor.request::<Delta<Value>>());
    read_to_end(&mut plain).await.unwrap();

    let delta_calls: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("delta"))
        .collect();
    assert_eq!(
        delta_calls.len(),
        5,
        "3 pages, the resumed round, the plain request"
    );
    assert!(
        delta_calls
            .iter()
            .filter(|r| r.query.as_deref().is_some_and(|q| q.contains("skiptoken")))
            .count()
            >= 2
    );
    for call in delta_calls {
        assert_eq!(call.header("prefer"), Some(IMMUTABLE), "{:?}", call.query);
    }
}

#[tokio::test]
async fn a_forged_or_altered_token_gets_the_typed_resync_outcome() {
    let emu = five_users().await;
    let client = client_for(&emu);
    let forged = client
        .send(Request::<Page<Delta<Value>>>::get("/users/delta()").query("$deltatoken", "1"))
        .await
        .unwrap_err();
    let resync = Resync::from_error(&forged).expect("a 410 is a resync");
    assert_eq!(resync.status, http::StatusCode::GONE);
    assert_eq!(resync.code.as_deref(), Some("resyncRequired"));
    assert_eq!(
        resync.restart.as_deref(),
        Some(&*format!("{}/users/delta()", emu.v1_url()))
    );

    let mut pages = client.pages(users_delta());
    read_to_end(&mut pages).await.unwrap();
    let link = pages.cursor().unwrap().link().to_owned();
    let altered = format!("{}0", link);
    let err = client
        .send(Request::<Page<Delta<Value>>>::get(altered))
        .await
        .unwrap_err();
    assert_eq!(
        Resync::from_error(&err).unwrap().code.as_deref(),
        Some("resyncRequired")
    );

    let skip = client
        .send(users_delta().query("$skiptoken", "0-2"))
        .await
        .unwrap_err();
    let resync = Resync::from_error(&skip).expect("syncStateNotFound is a resync");
    assert_eq!(resync.status, http::StatusCode::BAD_REQUEST);
    assert_eq!(resync.code.as_deref(), Some("syncStateNotFound"));

    // A token of another collection is not valid here either.
    emu.insert("/groups", json!({"id": "g1"}));
    let mut groups = client.pages(Request::<Page<Delta<Value>>>::get("/groups/delta()"));
    read_to_end(&mut groups).await.unwrap();
    let groups_link = groups.cursor().unwrap().link().to_owned();
    let token = groups_link.split("$deltatoken=").nth(1).unwrap();
    let err = client
        .send(Request::<Page<Delta<Value>>>::get("/users/delta()").query("$deltatoken", token))
        .await
        .unwrap_err();
    assert!(Resync::from_error(&err).is_some(), "{err}");

    let other = client
        .send(Request::<Value>::get("/users/nobody"))
        .await
        .unwrap_err();
    assert_eq!(Resync::from_error(&other), None, "a 404 is not a resync");
}

#[tokio::test]
async fn resync_reports_what_was_deleted_meanwhile() {
    let emu = five_users().await;
    let client = client_for(&emu);
    let start = users_delta().header("Prefer", IMMUTABLE);
    let mut pages = client.pages(start.clone());
    let known: Vec<String> = read_to_end(&mut pages)
        .await
        .unwrap()
        .iter()
        .filter_map(|d| match d {
            Delta::Changed(u) => id_of(u),
            Delta::Removed { .. } => None,
        })
        .collect();
    let cursor = pages.cursor().unwrap();
    client.send(Request::delete("/users/u2")).await.unwrap();
    client.send(Request::delete("/users/u4")).await.unwrap();
    emu.expire_delta_tokens();

    let mut resumed = client.resume_delta(&cursor, &start).unwrap();
    let err = read_to_end(&mut resumed).await.unwrap_err();
    let resync = Resync::from_error(&err).expect("an expired token is a resync");
    emu.clear_requests();
    let fresh = client
        .resync(&resync, start.clone(), known, id_of)
        .await
        .unwrap();
    assert_eq!(fresh.deleted, vec!["u2".to_owned(), "u4".to_owned()]);
    assert_eq!(fresh.items.len(), 3);
    let next = fresh.cursor.expect("a new delta link");
    assert!(next.is_round_complete());
    assert!(
        client.resume_delta(&next, &start).is_ok(),
        "the new cursor has the same fingerprint"
    );
    for call in emu.requests() {
        assert_eq!(call.header("prefer"), Some(IMMUTABLE));
    }
}

#[tokio::test]
async fn a_restart_on_another_origin_is_not_followed() {
    let emu = five_users().await;
    let client = client_for(&emu);
    let forged: Resync = {
        let err = client
            .send(Request::<Page<Delta<Value>>>::get("/users/delta()").query("$deltatoken", "x"))
            .await
            .unwrap_err();
        Resync::from_error(&err).unwrap()
    };
    let mut elsewhere = forged.clone();
    elsewhere.restart = Some("https://attacker.example/v1.0/users/delta()".into());
    let err = client
        .resync(&elsewhere, users_delta(), Vec::new(), id_of)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    assert!(emu.requests().iter().all(|r| !r.path.contains("attacker")));
}
