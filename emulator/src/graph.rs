//! Built-in Graph behaviour beyond the generic store: the `createLink` action on drive and list
//! items, the client-chosen ids of external connections, the typed `identitySources` of connected
//! organizations, and `delta()` on any collection ([`delta`](crate::delta)). Installed by
//! [`Emulator::start`](crate::Emulator::start); routes added by the user run first.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::routes::{Call, Reply};
use crate::store::StorePath;

/// A built-in Graph behaviour: a plain function, installed as a `routes::Handler::Call`.
pub(crate) type GraphFn = fn(&mut Call<'_>) -> Reply;

/// `(method, pattern, handler)` for every built-in route.
pub(crate) fn routes() -> Vec<(Method, &'static str, GraphFn)> {
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
        (Method::GET, "/**/delta()", crate::delta::delta),
        (Method::GET, "/**/delta", crate::delta::delta),
    ]
}

/// The path of the item an action is bound to, as the store spells it.
fn binding_path(call: &Call<'_>) -> String {
    encoded_path(&call.path[..call.path.len().saturating_sub(1)])
}

/// `segs` as a percent-encoded path.
fn encoded_path(segs: &[String]) -> String {
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

/// Collections whose members are drive items or list items.
const ITEM_COLLECTIONS: &[&str] = &[
    "items",
    "children",
    "bundles",
    "special",
    "following",
    "workbooks",
];

/// Single-valued navigations that lead to a drive item.
const TO_DRIVE_ITEM: &[&str] = &["root", "driveItem", "filesFolder"];

/// Single-valued navigations a path may take on the way from an entity to a drive item.
const ON_THE_WAY: &[&str] = &["root", "driveItem", "filesFolder", "listItem", "drive"];

/// Whether `call` is bound to a drive item or list item that exists, as Graph requires of
/// `createLink`: a member of an item collection (`…/items/{id}`, `…/children/{id}`, …) in the
/// store, or a single-valued navigation to a drive item (`…/root`, `…/driveItem`,
/// `…/filesFolder`, through `drive`, `listItem` or a `microsoft.graph.*` cast) of an entity in
/// the store (or of `/me`, the signed-in user, who always exists). A missing item is 404
/// `itemNotFound`; a binding that is not an item at all is 400.
fn check_item_exists(call: &Call<'_>) -> Result<(), Reply> {
    let segs = &call.path[..call.path.len().saturating_sub(1)];
    let shown = binding_path(call);
    let mut owner = segs.len();
    while owner > 0
        && (ON_THE_WAY.contains(&segs[owner - 1].as_str())
            || segs[owner - 1].starts_with("microsoft.graph."))
    {
        owner -= 1;
    }
    let by_navigation = owner < segs.len();
    let shareable = if by_navigation {
        segs.last()
            .is_some_and(|s| TO_DRIVE_ITEM.contains(&s.as_str()))
    } else {
        segs.len() >= 2 && ITEM_COLLECTIONS.contains(&segs[segs.len() - 2].as_str())
    };
    if !shareable || owner == 0 {
        return Err(Reply::bad_request(&format!(
            "createLink is bound to a driveItem or a listItem; `{shown}` is neither."
        )));
    }
    let owner = &segs[..owner];
    let exists = (by_navigation && owner == ["me"])
        || matches!(
            call.store.resolve(&StorePath(owner.to_vec())),
            crate::store::Target::Entity { .. }
        );
    if exists {
        Ok(())
    } else {
        Err(Reply::error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            &format!(
                "The item to share was not found: `{}` does not exist.",
                encoded_path(owner)
            ),
        ))
    }
}

/// `createLink` on a driveItem or listItem that exists: a sharing link of the asked type and
/// scope. An existing link of the same type and scope is returned with 200, a new one with 201,
/// as Graph documents.
fn create_link(call: &mut Call<'_>) -> Reply {
    if let Err(refusal) = check_item_exists(call) {
        return refusal;
    }
    let Some(Value::Object(body)) = call.body.clone() else {
        return Reply::bad_request("The request body must be a JSON object with at least `type`.");
    };
    let Some(kind) = body.get("type").and_then(Value::as_str).map(str::to_owned) else {
        return Reply::bad_request("The parameter `type` is required (view, edit, embed, …).");
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
        return Reply::bad_request(&format!(
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
        return Reply::bad_request(&format!(
            "The link scope `{scope}` is not valid; expected one of {}.",
            SCOPES.join(", ")
        ));
    }
    let permissions = format!("{}/permissions", binding_path(call));
    if StorePath::parse(&permissions).is_err() {
        return Reply::bad_request("The item path is not valid.");
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
        Err(message) => Reply::bad_request(&message),
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
        return Reply::bad_request(
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
        Some(why) => Reply::bad_request(&format!("The connection id `{id}` {why}.")),
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
                return Reply::bad_request(&format!(
                    "identitySources[{i}] has no `@odata.type`; microsoft.graph.identitySource is abstract, so name the derived type (e.g. #microsoft.graph.azureActiveDirectoryTenant)."
                ));
            }
        }
    }
    Reply::next()
}
