//! `delta()` on any collection, and the tokens of its links.
//!
//! Tokens are opaque and remembered: a `$skiptoken` or `$deltatoken` the emulator never issued,
//! one altered, one issued for another collection, or one it has forgotten (the oldest past
//! [`TOKEN_CAPACITY`], or all after [`Emulator::expire_delta_tokens`](crate::Emulator::expire_delta_tokens))
//! is an error, as on Graph, never a silent restart:
//!
//! - an unknown `$deltatoken`: `410 Gone`, code `resyncRequired`, with the fresh start of the
//!   round in `Location`;
//! - an unknown `$skiptoken`: `400 Bad Request`, code `syncStateNotFound`.

use std::collections::{HashMap, VecDeque};

use http::StatusCode;
use serde_json::{Value, json};

use crate::routes::{Call, Reply};
use crate::store::StorePath;

/// How many tokens the emulator remembers; the oldest are forgotten first.
pub const TOKEN_CAPACITY: usize = 10_000;

/// The tokens issued, each with the collection and position it stands for.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    issued: HashMap<String, Position>,
    order: VecDeque<String>,
}

#[derive(Debug, Clone)]
struct Position {
    collection: Vec<String>,
    since: u64,
    offset: usize,
}

impl Tokens {
    fn issue(&mut self, collection: &[String], since: u64, offset: usize) -> String {
        if self.order.len() >= TOKEN_CAPACITY
            && let Some(oldest) = self.order.pop_front()
        {
            self.issued.remove(&oldest);
        }
        let token = uuid::Uuid::new_v4().simple().to_string();
        self.issued.insert(
            token.clone(),
            Position {
                collection: collection.to_vec(),
                since,
                offset,
            },
        );
        self.order.push_back(token.clone());
        token
    }

    fn find(&self, token: &str, collection: &[String]) -> Option<(u64, usize)> {
        self.issued
            .get(token)
            .filter(|p| p.collection == collection)
            .map(|p| (p.since, p.offset))
    }

    /// Forgets every token: the next use of any is an error.
    pub(crate) fn forget_all(&mut self) {
        self.issued.clear();
        self.order.clear();
    }
}

/// `GET /{collection}/delta()`: the first round returns every member, later rounds (through the
/// `@odata.deltaLink`) what changed since, removed members as `{"id", "@removed"}`. Pages follow
/// `$top` (default 100) with `@odata.nextLink`; the last page carries `@odata.deltaLink`.
pub(crate) fn delta(call: &mut Call<'_>) -> Reply {
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
    let tokens = &call.store.delta_tokens;
    let (since, offset) = match (param("$skiptoken"), param("$deltatoken")) {
        (Some(skip), _) => match tokens.find(&skip, &canon) {
            Some(position) => position,
            None => {
                return Reply::error(
                    StatusCode::BAD_REQUEST,
                    "syncStateNotFound",
                    "The paging token is not one this service issued for this collection, or it has expired.",
                );
            }
        },
        (None, Some(token)) => match tokens.find(&token, &canon) {
            Some((since, _)) => (since, 0),
            None => {
                let fresh = if call.relative_links {
                    format!("/{}/{link}", call.version)
                } else {
                    link.clone()
                };
                return Reply::error(
                    StatusCode::GONE,
                    "resyncRequired",
                    "The delta token is not one this service issued for this collection, or it has expired; start a new round.",
                )
                .header("Location", &fresh);
            }
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
    let mut out = serde_json::Map::new();
    out.insert(
        "@odata.context".into(),
        Value::String(format!("{root}$metadata#{}/$delta", canon.join("/"))),
    );
    out.insert("value".into(), Value::Array(page));
    let tokens = &mut call.store.delta_tokens;
    if offset + size < all.len() {
        let token = tokens.issue(&canon, since, offset + size);
        out.insert(
            "@odata.nextLink".into(),
            Value::String(format!("{link}?$skiptoken={token}&$top={size}")),
        );
    } else {
        let token = tokens.issue(&canon, changes.version, 0);
        out.insert(
            "@odata.deltaLink".into(),
            Value::String(format!("{link}?$deltatoken={token}")),
        );
    }
    Reply::json(StatusCode::OK, Value::Object(out))
}
