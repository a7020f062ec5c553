//! Entity tags: `@odata.etag`, `If-None-Match` on reads, `If-Match` on changes.

use http::{HeaderMap, Method, StatusCode};
use serde_json::Value;

use crate::Shared;
use crate::routes::Reply;
use crate::store::Store;

/// An entity with its `@odata.etag`, as Graph writes it for entities that have one.
pub(super) fn tagged(store: &Store, collection: &[String], id: &str) -> Value {
    let entity = store.entity(collection, id).cloned().unwrap_or(Value::Null);
    let etag = store.etag(collection, id).unwrap_or_default();
    with_etag(entity, &etag)
}

pub(super) fn with_etag(entity: Value, etag: &str) -> Value {
    match entity {
        Value::Object(mut o) => {
            o.insert("@odata.etag".into(), Value::String(etag.to_owned()));
            Value::Object(o)
        }
        other => other,
    }
}

/// Whether `If-None-Match` names `etag` (or is `*`).
pub(super) fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all("if-none-match")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || t.trim() == etag)
}

/// `If-Match` on a change: 412 when it names another tag, 428 when the path requires it
/// ([`Emulator::require_if_match`](crate::Emulator::require_if_match)) and it is missing.
pub(super) fn precondition(
    shared: &Shared,
    method: &Method,
    raw_path: &str,
    headers: &HeaderMap,
    store: &Store,
    collection: &[String],
    id: &str,
) -> Option<Reply> {
    let etag = store.etag(collection, id)?;
    let conditions: Vec<&str> = headers
        .get_all("if-match")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    if conditions.is_empty() {
        let required = shared
            .lock_if_match()
            .iter()
            .any(|p| crate::faults::glob(p, raw_path));
        return required.then(|| {
            Reply::error(
                StatusCode::PRECONDITION_REQUIRED,
                "PreconditionRequired",
                &format!(
                    "{method} on this resource needs an If-Match header with the entity's ETag."
                ),
            )
        });
    }
    if conditions.iter().any(|t| *t == "*" || *t == etag) {
        return None;
    }
    Some(
        Reply::error(
            StatusCode::PRECONDITION_FAILED,
            "PreconditionFailed",
            "The entity was changed since the ETag in If-Match was read.",
        )
        .header("ETag", &etag),
    )
}
