//! One request below a version root: user and Graph routes, `$count`, then the generic store
//! (CRUD, strict collections).

use http::{HeaderMap, Method, StatusCode};
use serde_json::{Map, Value};

use super::Ctx;
use super::etag::{none_match, precondition, tagged, with_etag};
use super::links::{Links, with_context};
use super::query::{expanded, list, project, select};
use crate::Shared;
use crate::routes::{Call, Handler, Reply};
use crate::store::{Store, StorePath, Target};

pub(super) fn dispatch(
    shared: &Shared,
    method: &Method,
    raw_path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Option<Result<Value, serde_json::Error>>,
    ctx: &Ctx<'_>,
) -> Reply {
    let path = match StorePath::parse(raw_path) {
        Ok(p) => p,
        Err(message) => return Reply::bad_request(&message),
    };
    let Some((version, rest)) = path.0.split_first() else {
        return Reply::error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            "The service root has no resources; use /v1.0 or /beta.",
        );
    };
    if version != "v1.0" && version != "beta" {
        return Reply::bad_request(&format!("Invalid version: {version}"));
    }
    let version = version.clone();
    let rest = StorePath(rest.to_vec());
    let query_pairs = crate::log::query_pairs(query);

    let routes: Vec<_> = shared
        .lock_routes()
        .iter()
        .filter_map(|r| match &r.handler {
            Handler::Call(h) => r.matches(method, &rest).map(|params| (h.clone(), params)),
            Handler::Endpoint(_) => None,
        })
        .collect();

    let body = match body {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => {
            return Reply::bad_request(&format!("The request body is not valid JSON: {e}."));
        }
    };

    let mut store = shared.lock_store();
    for (handler, params) in routes {
        let mut call = Call {
            method: method.clone(),
            version: version.clone(),
            params,
            path: rest.0.clone(),
            query: query_pairs.clone(),
            headers,
            body: body.clone(),
            store: &mut store,
            base_url: ctx.base_url,
            relative_links: shared.relative_links(),
        };
        let reply = handler(&mut call);
        if !reply.pass {
            return reply;
        }
    }

    let target = store.resolve(&rest);
    let page_size = shared.page_size();
    let links = Links {
        base: ctx.base_url,
        version: &version,
        relative: shared.relative_links(),
    };
    match (method.clone(), target) {
        (_, Target::Missing { collection, key }) => Reply::error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            &format!(
                "The item `{key}` was not found in `{}`.",
                links.render(&store, &collection)
            ),
        ),
        (Method::GET, Target::Collection(c)) => {
            list(&store, &c, &query_pairs, page_size, &links, raw_path)
        }

        (Method::GET, Target::Entity { collection, id }) => match select(&query_pairs) {
            Err(reply) => reply,
            Ok((fields, expand)) => {
                let etag = store.etag(&collection, &id).unwrap_or_default();
                if none_match(headers, &etag) {
                    return Reply {
                        status: StatusCode::NOT_MODIFIED,
                        ..Reply::no_content()
                    }
                    .header("ETag", &etag);
                }
                let entity = expanded(
                    &store,
                    &collection,
                    &id,
                    tagged(&store, &collection, &id),
                    &expand,
                );
                let context = links.context(&store, &collection, true);
                Reply::json(
                    StatusCode::OK,
                    with_context(project(entity, fields.as_deref(), &expand), &context),
                )
                .header("ETag", &etag)
            }
        },
        (Method::PATCH | Method::PUT | Method::DELETE, Target::Entity { collection, id })
            if let Some(reply) =
                precondition(shared, method, raw_path, headers, &store, &collection, &id) =>
        {
            reply
        }
        // Strict collections (the default): a collection nobody created or registered exists
        // only where Graph has one; anywhere else Graph answers 404.
        (Method::POST, Target::Unknown(c))
            if shared.strict_collections() && !graph_collection(links.version, &store, &c) =>
        {
            Reply::error(
                StatusCode::NOT_FOUND,
                "ResourceNotFound",
                &format!(
                    "Resource not found for the segment '{}'.",
                    c.last().map_or("", String::as_str)
                ),
            )
        }
        (Method::POST, Target::Collection(c) | Target::Unknown(c)) => {
            create(&mut store, c, body, &links)
        }
        (Method::PATCH, Target::Entity { collection, id }) => {
            let patch = match object_body(body, "PATCH") {
                Ok(p) => p,
                Err(reply) => return reply,
            };
            if let Some(new_id) = patch.get("id")
                && new_id.as_str() != Some(id.as_str())
            {
                return Reply::bad_request("The key property `id` cannot be changed.");
            }
            store.merge(&collection, &id, patch);
            let etag = store.etag(&collection, &id).unwrap_or_default();
            if prefers_representation(headers) {
                let context = links.context(&store, &collection, true);
                Reply::json(
                    StatusCode::OK,
                    with_context(tagged(&store, &collection, &id), &context),
                )
                .header("ETag", &etag)
            } else {
                Reply::no_content().header("ETag", &etag)
            }
        }
        (Method::PUT, Target::Entity { collection, id }) => {
            let mut replacement = match object_body(body, "PUT") {
                Ok(p) => p,
                Err(reply) => return reply,
            };
            replacement.insert("id".into(), Value::String(id.clone()));
            replacement.remove("@odata.etag");
            if let Some(e) = store.entity_mut(&collection, &id) {
                *e = Value::Object(replacement);
            }
            let etag = store.etag(&collection, &id).unwrap_or_default();
            Reply::no_content().header("ETag", &etag)
        }
        (Method::DELETE, Target::Entity { collection, id }) => {
            store.remove(&collection, &id);
            Reply::no_content()
        }
        // A navigation of an existing entity that holds nothing yet: an empty collection, as in Graph.
        (Method::GET, Target::Unknown(c))
            if c.len() >= 3 && store.entity(&c[..c.len() - 2], &c[c.len() - 2]).is_some() =>
        {
            let mut out = Map::new();
            out.insert(
                "@odata.context".into(),
                Value::String(links.context(&store, &c, false)),
            );
            out.insert("value".into(), Value::Array(Vec::new()));
            Reply::json(StatusCode::OK, Value::Object(out))
        }
        (_, Target::Unknown(c)) => Reply::error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            &format!(
                "Resource not found for the segment '{}'.",
                c.last().map_or("", String::as_str)
            ),
        ),
        (m, Target::Entity { .. }) => method_not_allowed(&m, "an entity"),
        (m, Target::Collection(_)) => method_not_allowed(&m, "a collection"),
    }
}

fn method_not_allowed(method: &Method, what: &str) -> Reply {
    let hint = if *method == Method::POST {
        " (bound actions need a handler: `Emulator::route`)"
    } else {
        ""
    };
    Reply::error(
        StatusCode::METHOD_NOT_ALLOWED,
        "BadRequest",
        &format!("{method} is not supported on {what}{hint}."),
    )
}

fn object_body(body: Option<Value>, method: &str) -> Result<Map<String, Value>, Reply> {
    match body {
        Some(Value::Object(o)) => Ok(o),
        None => Err(Reply::bad_request(&format!(
            "The request body is empty; {method} needs a JSON object."
        ))),
        Some(other) => Err(Reply::bad_request(&format!(
            "The request body must be a JSON object, not {}.",
            json_kind(&other)
        ))),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn prefers_representation(headers: &HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("return=representation"))
        })
}

fn create(
    store: &mut Store,
    collection: Vec<String>,
    body: Option<Value>,
    links: &Links<'_>,
) -> Reply {
    let object = match object_body(body, "POST") {
        Ok(o) => o,
        Err(reply) => return reply,
    };
    match store.insert_at(collection.clone(), Value::Object(object)) {
        Ok((id, entity)) => {
            let mut path = collection.clone();
            path.push(id.clone());
            let location = if links.relative {
                // An absolute path: relative to the request URL, as `Location` is.
                format!("/{}/{}", links.version, links.render(store, &path))
            } else {
                format!(
                    "{}/{}/{}",
                    links.base,
                    links.version,
                    links.render(store, &path)
                )
            };
            let context = links.context(store, &collection, true);
            let etag = store.etag(&collection, &id).unwrap_or_default();
            let entity = with_etag(entity, &etag);
            Reply::json(StatusCode::CREATED, with_context(entity, &context))
                .header("Location", &location)
                .header("ETag", &etag)
        }
        Err(message) if message.contains("already exists") => {
            Reply::error(StatusCode::CONFLICT, "nameAlreadyExists", &message)
        }
        Err(message) => Reply::bad_request(&message),
    }
}

/// Whether Graph has a collection at `c` (below the version root): for v1.0, the path resolves to
/// a collection in Graph's schema (built into graph-odata-metadata); for beta, which has no schema
/// here, it is a navigation of an existing entity.
fn graph_collection(version: &str, store: &Store, c: &[String]) -> bool {
    if version == "v1.0"
        && let Ok(md) = graph_odata_metadata::Metadata::graph_v1_0()
    {
        return matches!(
            md.resolve_path(c).map(|r| r.target),
            Ok(graph_odata_metadata::Target::Collection(_))
        );
    }
    c.len() >= 3 && store.entity(&c[..c.len() - 2], &c[c.len() - 2]).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn prefer_header_is_parsed() {
        let mut h = HeaderMap::new();
        h.insert(
            "prefer",
            HeaderValue::from_static("odata.maxpagesize=5, return=representation"),
        );
        assert!(prefers_representation(&h));
        assert!(!prefers_representation(&HeaderMap::new()));
    }
}
