//! Long-running operations, as Graph runs them:
//!
//! - `POST …/items/{id}/copy`: `202 Accepted` with `Location` on the emulator's second origin
//!   (`/monitor/{id}`, pre-authenticated: a request that carries `Authorization` there is
//!   refused with 400 `tokenSentToMonitor`). The monitor answers `inProgress` (with
//!   `percentageComplete`) once, then `completed` with the copy's `resourceId`; the copy is in
//!   the store from then on.
//! - `POST /teams`: `202 Accepted` with `Location: /teams('{id}')/operations('{op}')` (a path
//!   below the service root, as Graph writes it) and `Content-Location: /teams('{id}')`. The
//!   operation (`GET /teams/{id}/operations/{op}`, with the bearer token) answers `inProgress`
//!   once, then `succeeded` with `targetResourceLocation`; the team exists from then on.
//! - Any `POST` to the generic store with `Prefer: respond-async`: `202 Accepted` with
//!   `Location` on the service's own origin (`/monitor/{id}`, the bearer token required when
//!   one is); the monitor answers `202` once, then `303 See Other` to the created entity.
//!
//! Every monitor sends `Retry-After: 0`.

use std::collections::HashMap;

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::routes::{Call, Reply};
use crate::store::{Store, StorePath, Target};

/// The operations running, by id, and where their monitors live.
#[derive(Debug, Default)]
pub(crate) struct Operations {
    /// The second origin (`http://127.0.0.1:port`), home of pre-authenticated monitors.
    pub(crate) second_origin: String,
    running: HashMap<String, Operation>,
}

#[derive(Debug)]
struct Operation {
    /// Polls that still answer "in progress".
    polls_left: u32,
    outcome: Outcome,
}

#[derive(Debug)]
enum Outcome {
    /// A drive item copy: the copy to insert into the collection.
    Copy {
        collection: Vec<String>,
        item: Value,
    },
    /// A team: the team to insert into `/teams`.
    Team { team: Value },
    /// `Prefer: respond-async`: the created entity's URL.
    SeeOther { location: String },
}

/// The Graph rows of long-running operations.
pub(crate) fn routes() -> Vec<(Method, &'static str, crate::graph::GraphFn)> {
    vec![
        (Method::POST, "/**/items/{id}/copy", copy),
        (Method::POST, "/teams", create_team),
        (Method::GET, "/teams/{team}/operations/{op}", team_operation),
    ]
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// `POST …/items/{id}/copy` with `{"name"?, "parentReference"?}`.
fn copy(call: &mut Call<'_>) -> Reply {
    let source = StorePath(call.path[..call.path.len().saturating_sub(1)].to_vec());
    let (collection, item) = match call.store.resolve(&source) {
        Target::Entity { collection, id } => match call.store.entity(&collection, &id) {
            Some(v) => (collection, v.clone()),
            None => return not_found(),
        },
        _ => return not_found(),
    };
    let mut copy = item;
    if let Some(object) = copy.as_object_mut() {
        object.remove("id");
        if let Some(name) = call
            .body
            .as_ref()
            .and_then(|b| b.get("name"))
            .and_then(Value::as_str)
        {
            object.insert("name".into(), Value::String(name.to_owned()));
        }
    }
    let ops = &mut call.store.operations;
    let id = new_id();
    let location = format!("{}/monitor/{id}", ops.second_origin);
    ops.running.insert(
        id,
        Operation {
            polls_left: 1,
            outcome: Outcome::Copy {
                collection,
                item: copy,
            },
        },
    );
    accepted(&location)
}

fn not_found() -> Reply {
    Reply::error(
        StatusCode::NOT_FOUND,
        "itemNotFound",
        "The resource could not be found.",
    )
}

fn accepted(location: &str) -> Reply {
    Reply {
        status: StatusCode::ACCEPTED,
        ..Reply::no_content()
    }
    .header("Location", location)
}

/// `POST /teams`: the team is created by an operation.
fn create_team(call: &mut Call<'_>) -> Reply {
    let Some(Value::Object(mut team)) = call.body.clone() else {
        return Reply::bad_request("The body must be a JSON object.");
    };
    let team_id = new_id();
    team.insert("id".into(), Value::String(team_id.clone()));
    let op = new_id();
    call.store.operations.running.insert(
        op.clone(),
        Operation {
            polls_left: 1,
            outcome: Outcome::Team {
                team: Value::Object(team),
            },
        },
    );
    accepted(&format!("/teams('{team_id}')/operations('{op}')"))
        .header("Content-Location", &format!("/teams('{team_id}')"))
}

/// `GET /teams/{team}/operations/{op}`: a `teamsAsyncOperation`.
fn team_operation(call: &mut Call<'_>) -> Reply {
    let (team_id, op) = (call.param("team").to_owned(), call.param("op").to_owned());
    let store = &mut *call.store;
    let done = match store.operations.running.get_mut(&op) {
        None => return not_found(),
        Some(o) if o.polls_left > 0 => {
            o.polls_left -= 1;
            false
        }
        Some(_) => true,
    };
    let mut body = json!({
        "id": op,
        "operationType": "createTeam",
        "targetResourceId": team_id,
        "status": "inProgress",
    });
    if done {
        if let Some(Operation {
            outcome: Outcome::Team { team },
            ..
        }) = store.operations.running.remove(&op)
        {
            let _ = store.insert("/teams", team);
        }
        body["status"] = json!("succeeded");
        body["targetResourceLocation"] = json!(format!("/teams('{team_id}')"));
    }
    Reply::json(StatusCode::OK, body).header("Retry-After", "0")
}

/// Registers a `Prefer: respond-async` creation whose answer was `created`; the `202` to send
/// instead. `None` when `created` is not a 201 with a `Location`.
pub(crate) fn respond_async(store: &mut Store, base_url: &str, created: &Reply) -> Option<Reply> {
    if created.status != StatusCode::CREATED {
        return None;
    }
    let location = created
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.clone())?;
    let id = new_id();
    store.operations.running.insert(
        id.clone(),
        Operation {
            polls_left: 1,
            outcome: Outcome::SeeOther { location },
        },
    );
    Some(accepted(&format!("{base_url}/monitor/{id}")))
}

/// Whether `prefer` (a `Prefer` header) asks for an asynchronous answer.
pub(crate) fn prefers_async(prefer: Option<&str>) -> bool {
    prefer.is_some_and(|v| {
        v.split(',')
            .any(|p| p.trim().eq_ignore_ascii_case("respond-async"))
    })
}

/// Where a monitor is served, for the monitor endpoint's checks.
pub(crate) enum Home {
    /// On the second origin, pre-authenticated.
    Second,
    /// On the service's origin, behind the bearer check.
    Service,
}

/// Where the monitor of `id` lives, if the operation exists.
pub(crate) fn home(store: &Store, id: &str) -> Option<Home> {
    store.operations.running.get(id).map(|o| match o.outcome {
        Outcome::Copy { .. } => Home::Second,
        _ => Home::Service,
    })
}

/// `GET /monitor/{id}`: the state of an operation.
pub(crate) fn monitor(store: &mut Store, method: &Method, id: &str) -> Reply {
    if method != Method::GET {
        return Reply::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "methodNotAllowed",
            "A monitor answers GET only.",
        );
    }
    let Some(op) = store.operations.running.get_mut(id) else {
        return not_found();
    };
    if op.polls_left > 0 {
        op.polls_left -= 1;
        let reply = match op.outcome {
            Outcome::SeeOther { .. } => accepted_without_location(),
            _ => Reply::json(
                StatusCode::ACCEPTED,
                json!({"operation": "ItemCopy", "status": "inProgress", "percentageComplete": 50.0}),
            ),
        };
        return reply.header("Retry-After", "0");
    }
    match store.operations.running.remove(id).map(|o| o.outcome) {
        Some(Outcome::Copy { collection, item }) => match store.insert_at(collection, item) {
            Ok((new_id, _)) => Reply::json(
                StatusCode::OK,
                json!({"operation": "ItemCopy", "status": "completed", "percentageComplete": 100.0, "resourceId": new_id}),
            ),
            Err(message) => Reply::json(
                StatusCode::OK,
                json!({"operation": "ItemCopy", "status": "failed", "error": {"code": "generalException", "message": message}}),
            ),
        },
        Some(Outcome::SeeOther { location }) => Reply {
            status: StatusCode::SEE_OTHER,
            ..Reply::no_content()
        }
        .header("Location", &location),
        Some(Outcome::Team { .. }) | None => not_found(),
    }
}

fn accepted_without_location() -> Reply {
    Reply {
        status: StatusCode::ACCEPTED,
        ..Reply::no_content()
    }
}
