//! Built-in Graph behaviour beyond the generic store: bound actions and per-type rules of the seed
//! operations. Installed by [`Emulator::start`](crate::Emulator::start); routes added by the user run
//! first.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::routes::{Call, Reply};
use crate::store::StorePath;

/// A built-in handler.
type Handler = fn(&mut Call<'_>) -> Reply;

/// `(method, pattern, handler)` for every built-in route.
pub(crate) fn routes() -> Vec<(Method, &'static str, Handler)> {
    vec![
        (Method::POST, "/**/createLink", create_link),
        (Method::POST, "/**/microsoft.graph.createLink", create_link),
        (Method::POST, "/external/connections", external_connection),
        (Method::POST, "/connections", external_connection),
        (
            Method::POST,
            "/**/connectedOrganizations",
            connected_organization,
        ),
    ]
}

fn bad_request(message: &str) -> Reply {
    Reply::error(StatusCode::BAD_REQUEST, "BadRequest", message)
}

/// The path of the item an action is bound to, as the store spells it.
fn binding_path(call: &Call<'_>) -> String {
    let segs = &call.path[..call.path.len().saturating_sub(1)];
    let mut out = String::new();
    for s in segs {
        out.push('/');
        out.push_str(
            &graph_odata_runtime::path::encode_segment(s)
                .map_or_else(|_| s.clone(), |c| c.into_owned()),
        );
    }
    out
}

/// `createLink` on a driveItem or listItem: a sharing link of the asked type and scope. An existing
/// link of the same type and scope is returned with 200, a new one with 201, as Graph documents.
fn create_link(call: &mut Call<'_>) -> Reply {
    let Some(Value::Object(body)) = call.body.clone() else {
        return bad_request("The request body must be a JSON object with at least `type`.");
    };
    let Some(kind) = body.get("type").and_then(Value::as_str).map(str::to_owned) else {
        return bad_request("The parameter `type` is required (view, edit, embed, …).");
    };
    const TYPES: &[&str] = &[
        "view",
        "review",
        "edit",
        "embed",
        "blocksDownload",
        "createOnly",
        "addressBar",
        "adminDefault",
    ];
    if !TYPES.contains(&kind.as_str()) {
        return bad_request(&format!(
            "The link type `{kind}` is not valid; expected one of {}.",
            TYPES.join(", ")
        ));
    }
    let scope = body
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("anonymous")
        .to_owned();
    const SCOPES: &[&str] = &["anonymous", "organization", "users", "existingAccess"];
    if !SCOPES.contains(&scope.as_str()) {
        return bad_request(&format!(
            "The link scope `{scope}` is not valid; expected one of {}.",
            SCOPES.join(", ")
        ));
    }
    let permissions = format!("{}/permissions", binding_path(call));
    if StorePath::parse(&permissions).is_err() {
        return bad_request("The item path is not valid.");
    }
    let existing = call.store.items(&permissions).and_then(|items| {
        items
            .into_iter()
            .find(|p| p["link"]["type"] == kind.as_str() && p["link"]["scope"] == scope.as_str())
            .cloned()
    });
    if let Some(found) = existing {
        return Reply::json(StatusCode::OK, found);
    }
    let token = uuid::Uuid::new_v4().simple().to_string();
    let mut permission = json!({
        "roles": [if kind == "edit" { "write" } else { "read" }],
        "hasPassword": body.get("password").is_some_and(|p| !p.is_null()),
        "link": {
            "type": kind,
            "scope": scope,
            "webUrl": format!("https://contoso-my.sharepoint.com/:u:/g/personal/{}", &token[..16]),
            "preventsDownload": false,
        },
    });
    if let Some(when) = body.get("expirationDateTime").filter(|v| !v.is_null()) {
        permission["expirationDateTime"] = when.clone();
    }
    match call.store.insert(&permissions, permission) {
        Ok(id) => {
            let stored = call
                .store
                .get(&format!("{permissions}/{id}"))
                .cloned()
                .unwrap_or(Value::Null);
            Reply::json(StatusCode::CREATED, stored)
        }
        Err(message) if message.starts_with("no item") => Reply::error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            &format!("The item to share was not found: {message}."),
        ),
        Err(message) => bad_request(&message),
    }
}

/// Connection ids are chosen by the client: 3 to 32 letters or digits, not starting with `Microsoft`
/// and not one of the names Graph reserves.
fn external_connection(call: &mut Call<'_>) -> Reply {
    const RESERVED: &[&str] = &[
        "None",
        "Directory",
        "Exchange",
        "ExchangeArchive",
        "LinkedIn",
        "Mailbox",
        "OneDriveBusiness",
        "SharePoint",
        "Teams",
        "Yammer",
        "Connectors",
        "TaskFabric",
        "PowerBI",
        "Assistant",
        "TopicEngine",
        "MSFT_All_Connectors",
    ];
    let id = call
        .body
        .as_ref()
        .and_then(|b| b.get("id"))
        .and_then(Value::as_str);
    let Some(id) = id else {
        return bad_request(
            "The connection `id` is required: the client chooses it (3 to 32 letters or digits).",
        );
    };
    let problem = if !(3..=32).contains(&id.chars().count()) {
        Some("must be 3 to 32 characters long")
    } else if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        Some("may contain only letters and digits")
    } else if id.to_ascii_lowercase().starts_with("microsoft") {
        Some("cannot begin with `Microsoft`")
    } else if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(id)) {
        Some("is a reserved name")
    } else {
        None
    };
    match problem {
        Some(why) => bad_request(&format!("The connection id `{id}` {why}.")),
        None => Reply::next(),
    }
}

/// `identitySource` is abstract: every element of `identitySources` names its derived type.
fn connected_organization(call: &mut Call<'_>) -> Reply {
    let sources = call.body.as_ref().and_then(|b| b.get("identitySources"));
    if let Some(Value::Array(items)) = sources {
        for (i, item) in items.iter().enumerate() {
            let typed = item
                .get("@odata.type")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.is_empty());
            if !typed {
                return bad_request(&format!(
                    "identitySources[{i}] has no `@odata.type`; microsoft.graph.identitySource is abstract, so name the derived type (e.g. #microsoft.graph.azureActiveDirectoryTenant)."
                ));
            }
        }
    }
    Reply::next()
}
