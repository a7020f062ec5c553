//! Upload sessions: `POST …/createUploadSession`, then `PUT {uploadUrl}` slices with
//! `Content-Range`, `GET {uploadUrl}` for `nextExpectedRanges`, `DELETE {uploadUrl}` to cancel.
//! The upload URL is pre-authenticated: it needs no bearer token.

use std::collections::HashMap;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde_json::{Value, json};

use crate::routes::Reply;
use crate::store::{Store, StorePath};

/// One open session.
#[derive(Debug, Default)]
pub(crate) struct Session {
    name: String,
    collection: String,
    received: Vec<u8>,
}

/// Sessions and the content of finished uploads, by item id.
#[derive(Debug, Default)]
pub(crate) struct Uploads {
    sessions: HashMap<String, Session>,
    pub(crate) contents: HashMap<String, crate::download::Content>,
}

const EXPIRES: &str = "2099-01-01T00:00:00Z";

/// `POST /me/drive/root:/plan.txt:/createUploadSession` (path without the version).
pub(crate) fn create(
    uploads: &mut Uploads,
    segments: &[String],
    body: Option<&Value>,
    base_url: &str,
) -> Reply {
    // The file name: `root:/{name}:` in the path, or `item.name` in the body.
    let from_path = segments
        .iter()
        .rev()
        .skip(1)
        .find(|s| s.ends_with(':') && *s != "root:")
        .map(|s| s.trim_end_matches(':').to_owned());
    let name = from_path
        .or_else(|| {
            body.and_then(|b| b["item"]["name"].as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "upload.bin".to_owned());
    // The items collection of the drive the path starts in.
    let drive_end = segments
        .iter()
        .position(|s| s == "root:" || s == "items")
        .unwrap_or(0);
    let collection = format!("/{}/items", segments[..drive_end].join("/"));
    let id = uuid::Uuid::new_v4().simple().to_string();
    uploads.sessions.insert(
        id.clone(),
        Session {
            name,
            collection,
            received: Vec::new(),
        },
    );
    Reply::json(
        StatusCode::OK,
        json!({
            "uploadUrl": format!("{base_url}/upload/{id}"),
            "expirationDateTime": EXPIRES,
            "nextExpectedRanges": ["0-"],
        }),
    )
}

fn status(session: &Session) -> Value {
    json!({"expirationDateTime": EXPIRES, "nextExpectedRanges": [format!("{}-", session.received.len())]})
}

/// `Content-Range: bytes a-b/total`.
fn content_range(headers: &HeaderMap) -> Option<(u64, u64, u64)> {
    let v = headers
        .get("content-range")?
        .to_str()
        .ok()?
        .strip_prefix("bytes ")?;
    let (range, total) = v.split_once('/')?;
    let (a, b) = range.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?, total.parse().ok()?))
}

/// Requests to `/upload/{id}`.
pub(crate) fn session_request(
    uploads: &mut Uploads,
    store: &mut Store,
    method: &Method,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Reply {
    let Some(session) = uploads.sessions.get_mut(id) else {
        return Reply::error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            "The upload session does not exist or has ended.",
        );
    };
    match *method {
        Method::GET => Reply::json(StatusCode::OK, status(session)),
        Method::DELETE => {
            uploads.sessions.remove(id);
            Reply::no_content()
        }
        Method::PUT => {
            let Some((first, last, total)) = content_range(headers) else {
                return Reply::error(
                    StatusCode::BAD_REQUEST,
                    "invalidRange",
                    "A slice needs `Content-Range: bytes a-b/total`.",
                );
            };
            let expected = session.received.len() as u64;
            if first != expected
                || last < first
                || last >= total
                || body.len() as u64 != last - first + 1
            {
                return Reply::json(
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    json!({"error": {"code": "invalidRange", "message": format!(
                        "Expected bytes from {expected}; got {first}-{last}/{total} with {} bytes.", body.len())}}),
                );
            }
            session.received.extend_from_slice(body);
            if last + 1 < total {
                return Reply::json(StatusCode::ACCEPTED, status(session));
            }
            let Some(session) = uploads.sessions.remove(id) else {
                return Reply::error(
                    StatusCode::NOT_FOUND,
                    "itemNotFound",
                    "The upload session ended.",
                );
            };
            let item = json!({"name": session.name, "size": session.received.len(), "file": {}});
            let collection = if StorePath::parse(&session.collection).is_ok() {
                session.collection.clone()
            } else {
                "/uploads".into()
            };
            match store.insert(&collection, item) {
                Ok(item_id) => {
                    let stored = store
                        .get(&format!("{collection}/{item_id}"))
                        .cloned()
                        .unwrap_or(Value::Null);
                    uploads.contents.insert(
                        item_id,
                        crate::download::Content::Bytes(session.received.into()),
                    );
                    Reply::json(StatusCode::CREATED, stored)
                }
                Err(message) => Reply::bad_request(&message),
            }
        }
        _ => Reply::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "BadRequest",
            "Use PUT, GET or DELETE on an upload URL.",
        ),
    }
}

/// `PUT …/content` (path without the version): a simple upload. Graph takes any bytes here.
/// `…/root:/{name}:/content` and `…/items/{parent}:/{name}:/content` create the item (201) or
/// replace the content of the item of that name (200); `…/items/{id}/content` replaces an
/// existing item's content. `None` for a path that is none of these (the next row answers).
pub(crate) fn simple(
    uploads: &mut Uploads,
    store: &mut Store,
    segments: &[String],
    body: &Bytes,
) -> Option<Reply> {
    let n = segments.len();
    if n < 3 || segments[n - 1] != "content" {
        return None;
    }
    let drive_end = segments.iter().position(|s| s == "root:" || s == "items")?;
    let collection = format!("/{}/items", segments[..drive_end].join("/"));
    let canon = StorePath::parse(&collection).ok()?.0;
    let before = &segments[n - 2];
    let (id, created) = match before.strip_suffix(':') {
        Some(name) if before != "root:" => {
            let existing = store.items(&collection).and_then(|items| {
                items
                    .iter()
                    .find(|v| v["name"] == name)
                    .and_then(|v| v["id"].as_str().map(str::to_owned))
            });
            match existing {
                Some(id) => (id, false),
                None => match store.insert(&collection, json!({"name": name, "file": {}})) {
                    Ok(id) => (id, true),
                    Err(message) => return Some(Reply::bad_request(&message)),
                },
            }
        }
        _ if segments[n - 3] == "items" => {
            if store.entity(&canon, before).is_none() {
                return Some(Reply::error(
                    StatusCode::NOT_FOUND,
                    "itemNotFound",
                    "The item does not exist.",
                ));
            }
            (before.clone(), false)
        }
        _ => return None,
    };
    if let Some(item) = store.entity_mut(&canon, &id)
        && let Some(object) = item.as_object_mut()
    {
        object.insert("size".into(), json!(body.len()));
    }
    uploads
        .contents
        .insert(id.clone(), crate::download::Content::Bytes(body.clone()));
    let item = store.entity(&canon, &id).cloned().unwrap_or(Value::Null);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Some(Reply::json(status, item))
}
