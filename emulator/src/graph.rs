//! Built-in Graph behaviour beyond the generic store: the `createLink` action on drive and list
//! items, the client-chosen ids of external connections, the typed `identitySources` of connected
//! organizations, and `delta()` on any collection. Installed by
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
        (Method::GET, "/**/delta()", delta),
        (Method::GET, "/**/delta", delta),
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

/// `GET /{collection}/delta()`: the first round returns every member, later rounds (through the
/// `@odata.deltaLink`) what changed since, removed members as `{"id", "@removed"}`. Pages follow
/// `$top` (default 100) with `@odata.nextLink`; the last page carries `@odata.deltaLink`.
fn delta(call: &mut Call<'_>) -> Reply {
    let collection_path = StorePath(call.path[..call.path.len().saturating_sub(1)].to_vec());
    let canon = match call.store.resolve(&collection_path) {
        crate::store::Target::Collection(c) | crate::store::Target::Unknown(c) => c,
        _ => {
            return Reply::error(
                StatusCode::NOT_FOUND,
                "ResourceNotFound",
                "delta() applies to a collection.",
            );
        }
    };
    let param = |k: &str| {
        call.query
            .iter()
            .find(|(q, _)| q == k)
            .map(|(_, v)| v.clone())
    };
    let number = |v: &str| {
        v.parse::<u64>()
            .map_err(|_| Reply::bad_request(&format!("The token `{v}` is not valid.")))
    };
    let (since, offset) = match (param("$skiptoken"), param("$deltatoken")) {
        (Some(skip), _) => {
            let (a, b) = skip.split_once('-').unwrap_or(("0", "0"));
            match (number(a), number(b)) {
                (Ok(a), Ok(b)) => (a, b as usize),
                (Err(r), _) | (_, Err(r)) => return r,
            }
        }
        (None, Some(token)) => match number(&token) {
            Ok(t) => (t, 0),
            Err(r) => return r,
        },
        (None, None) => (0, 0),
    };
    let size = match param("$top").map(|t| t.parse::<usize>()) {
        None => crate::DEFAULT_PAGE_SIZE,
        Some(Ok(n)) if n > 0 => n.min(999),
        Some(_) => return Reply::bad_request("Invalid value for $top."),
    };
    let changes = call.store.changes(&canon, since);
    let mut all = changes.changed;
    all.extend(
        changes
            .removed
            .into_iter()
            .map(|id| json!({"id": id, "@removed": {"reason": "deleted"}})),
    );
    let page: Vec<Value> = all.iter().skip(offset).take(size).cloned().collect();
    // Relative links: the context is relative to the service root's `$metadata`, and the links
    // relative to the context URL, hence to the service root.
    let root = if call.relative_links {
        String::new()
    } else {
        format!("{}/{}/", call.base_url, call.version)
    };
    let mut link = root.trim_end_matches('/').to_owned();
    for (i, s) in call.path.iter().enumerate() {
        if i > 0 || !call.relative_links {
            link.push('/');
        }
        // Graph writes the function call as `delta()`, parentheses unencoded.
        link.push_str(
            &graph_odata_runtime::path::encode_segment(s)
                .map_or_else(|_| s.clone(), |c| c.into_owned())
                .replace("%28", "(")
                .replace("%29", ")"),
        );
    }
    let mut out = serde_json::Map::new();
    out.insert(
        "@odata.context".into(),
        Value::String(format!("{root}$metadata#{}/$delta", canon.join("/"))),
    );
    out.insert("value".into(), Value::Array(page));
    if offset + size < all.len() {
        out.insert(
            "@odata.nextLink".into(),
            Value::String(format!(
                "{link}?$skiptoken={since}-{}&$top={size}",
                offset + size
            )),
        );
    } else {
        out.insert(
            "@odata.deltaLink".into(),
            Value::String(format!("{link}?$deltatoken={}", changes.version)),
        );
    }
    Reply::json(StatusCode::OK, Value::Object(out))
}
