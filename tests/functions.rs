//! `#[graph_function]`: GET, parameters in the URL, strings quoted with `'` doubled and
//! percent-encoded, `None` left out, answers unwrapped from `{"value": …}`.

mod support;

use graph_odata::prelude::*;
use graph_odata_emulator::Reply;
use http::{Method, StatusCode};
use serde_json::json;

/// `microsoft.graph.reminder` (complex), as reminderView returns it.
#[graph_complex]
#[derive(Debug, PartialEq)]
pub struct Reminder {
    pub event_id: Option<String>,
    pub event_subject: Option<String>,
    pub reminder_fire_time: Option<serde_json::Value>,
}

/// `GET /me/reminderView(StartDateTime=…,EndDateTime=…)`: the fields are the parameters.
#[graph_function(
    returns = Vec<Reminder>,
    paths = ["GET /me/reminderView", users = "GET /users/{id|userPrincipalName}/reminderView"],
    // The v1.0 metadata spells these parameters with a capital (the `$metadata` check insists).
    rename_all = "PascalCase",
)]
pub struct ReminderView {
    pub start_date_time: String,
    pub end_date_time: String,
}

/// A driveItem search: the parameter is a placeholder of the path.
#[graph_function(returns = Vec<serde_json::Value>, paths = ["GET /me/drive/root/search(q='{q}')"])]
pub struct Search;

/// A function with typed and optional parameters.
#[graph_function(
    "contoso.test.usage",
    metadata = "tests/fixtures/contoso.csdl.xml",
    returns = i64,
    paths = ["GET /reports/usage"]
)]
pub struct Usage {
    pub period: Period,
    pub top: Option<i32>,
    pub since: Option<DateTimeOffset>,
    pub include_guests: bool,
}

#[graph_enum("contoso.test.period", metadata = "tests/fixtures/contoso.csdl.xml")]
#[derive(Debug, Clone, PartialEq)]
pub enum Period {
    D7,
    D30,
    #[graph(other)]
    Other(String),
}

#[test]
fn parameters_are_written_into_the_url() {
    let view = ReminderView {
        start_date_time: "2017-06-05T10:00:00.0000000".into(),
        end_date_time: "2017-06-11T11:00:00.0000000".into(),
    };
    let r = view.me();
    assert_eq!(r.method(), Method::GET);
    assert_eq!(
        r.path(),
        "/me/reminderView(StartDateTime='2017-06-05T10%3A00%3A00.0000000',EndDateTime='2017-06-11T11%3A00%3A00.0000000')"
    );
    assert_eq!(r.body(), None, "a function has no body");
    assert_eq!(
        view.users("ada@contoso.com").path(),
        "/users/ada%40contoso.com/reminderView(StartDateTime='2017-06-05T10%3A00%3A00.0000000',EndDateTime='2017-06-11T11%3A00%3A00.0000000')"
    );
    assert_eq!(
        Search.me_drive_root("O'Neil & sons/2025").path(),
        "/me/drive/root/search(q='O%27%27Neil%20%26%20sons%2F2025')"
    );
    let usage = Usage {
        period: Period::D7,
        top: None,
        since: None,
        include_guests: false,
    };
    assert_eq!(
        usage.reports().path(),
        "/reports/usage(period='d7',includeGuests=false)"
    );
    let usage = Usage {
        top: Some(5),
        since: Some("2026-01-01T00:00:00Z".parse().unwrap()),
        ..usage
    };
    assert_eq!(
        usage.reports().path(),
        "/reports/usage(period='d7',top=5,since=2026-01-01T00:00:00Z,includeGuests=false)"
    );
}

#[tokio::test]
async fn functions_round_trip_through_the_emulator() {
    let emu = support::emulator().await;
    emu.route(Method::GET, "/me/{call}", |call| {
        if !call.param("call").starts_with("reminderView(") {
            return Reply::next();
        }
        Reply::json(
            StatusCode::OK,
            json!({"@odata.context": "x", "value": [{"eventId": "e1", "eventSubject": "Standup"}]}),
        )
    });
    // Answers only the exact call the test sends, so a wrongly written URL fails the test.
    emu.route(Method::GET, "/reports/{call}", |call| {
        if call.param("call") != "usage(period='d30',includeGuests=true)" {
            return Reply::next();
        }
        Reply::json(StatusCode::OK, json!({"value": 42}))
    });
    let client = support::client_for(&emu);
    let reminders = client
        .send(
            ReminderView {
                start_date_time: "2017-06-05T10:00:00".into(),
                end_date_time: "2017-06-11T11:00:00".into(),
            }
            .me(),
        )
        .await
        .unwrap();
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].event_subject.as_deref(), Some("Standup"));
    let logged = emu.last_request().unwrap();
    assert_eq!(logged.method, Method::GET);
    assert_eq!(
        logged.path,
        "/v1.0/me/reminderView(StartDateTime='2017-06-05T10%3A00%3A00',EndDateTime='2017-06-11T11%3A00%3A00')"
    );
    let n = client
        .send(
            Usage {
                period: Period::D30,
                top: None,
                since: None,
                include_guests: true,
            }
            .reports(),
        )
        .await
        .unwrap();
    assert_eq!(n, 42);
    let logged = emu.last_request().unwrap();
    assert_eq!(
        logged.path,
        "/v1.0/reports/usage(period='d30',includeGuests=true)"
    );
}

/// The same function with parameter aliases: `usage(period=@period,…)?@period='d7'`.
#[graph_function(
    "contoso.test.usage",
    metadata = "tests/fixtures/contoso.csdl.xml",
    aliases,
    returns = i64,
    paths = ["GET /reports/usage"]
)]
pub struct UsageByAlias {
    pub period: Period,
    pub top: Option<i32>,
    pub note: String,
}

#[test]
fn parameter_aliases_move_values_to_the_query() {
    let r = UsageByAlias {
        period: Period::D30,
        top: None,
        note: "O'Neil & sons".into(),
    }
    .reports();
    assert_eq!(r.path(), "/reports/usage(period=@period,note=@note)");
    assert_eq!(
        r.query_pairs(),
        [
            ("@period".to_owned(), "'d30'".to_owned()),
            ("@note".to_owned(), "'O''Neil & sons'".to_owned())
        ]
    );
    assert_eq!(
        r.url_path(),
        "/reports/usage(period=@period,note=@note)?@period='d30'&@note='O''Neil%20%26%20sons'"
    );
}

/// An action without parameters or a return value (204 No Content).
#[graph_action("microsoft.graph.archive", paths = ["POST /teams/{teamId}/archive"])]
pub struct Archive;

#[tokio::test]
async fn actions_without_a_return_value_expect_no_content() {
    let emu = support::emulator().await;
    emu.route(Method::POST, "/teams/{teamId}/archive", |_| {
        Reply::no_content()
    });
    let client = support::client_for(&emu);
    let request = Archive.teams("19:abc@thread.skype");
    assert_eq!(request.path(), "/teams/19%3Aabc%40thread.skype/archive");
    client.send(request).await.unwrap();
    let logged = emu.last_request().unwrap();
    assert_eq!(logged.body, Some(json!({})));
    assert_eq!(format!("{Archive:?}"), "Archive");
}

/// Unquoted placeholders in a call take typed literals: a number bare, text quoted with its
/// quotes doubled, so a value can never close the literal and add parameters of its own.
#[graph_function(
    "contoso.test.recent",
    metadata = "tests/fixtures/contoso.csdl.xml",
    returns = i64,
    paths = ["GET /reports/recent(top={top},owner={owner})"]
)]
pub struct Recent;

#[test]
fn unquoted_placeholders_are_typed_literals_not_raw_text() {
    let r = Recent.reports(&25, "O'Neil',top=1000");
    assert_eq!(
        r.path(),
        "/reports/recent(top=25,owner='O%27%27Neil%27%27%2Ctop%3D1000')"
    );
    let r = Recent.reports(&None::<i32>, &Some("ann".to_owned()));
    assert_eq!(
        r.path(),
        "/reports/recent(owner='ann')",
        "None leaves it out"
    );
}

/// A collection parameter travels as a parameter alias, a JSON array in the query.
#[graph_function(
    "contoso.test.lookup",
    metadata = "tests/fixtures/contoso.csdl.xml",
    aliases,
    returns = Vec<String>,
    paths = ["GET /reports/lookup"]
)]
pub struct Lookup {
    pub ids: Vec<String>,
}

#[test]
fn collection_parameters_are_json_arrays_in_aliases() {
    let r = Lookup {
        ids: vec!["a".into(), "O'Neil \"x\"".into()],
    }
    .reports();
    assert_eq!(r.method(), http::Method::GET);
    let url = r.url_path();
    assert!(url.starts_with("/reports/lookup(ids=@ids)?@ids="), "{url}");
    // `["a","O'Neil \"x\""]`, percent-encoded.
    assert_eq!(
        url,
        "/reports/lookup(ids=@ids)?@ids=%5B%22a%22,%22O'Neil%20%5C%22x%5C%22%22%5D"
    );
}
