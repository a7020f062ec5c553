//! Request handling: faults, auth, routes, then the generic OData behaviour of the store.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use serde_json::{Map, Value, json};
use tokio::sync::Notify;

use crate::Shared;
use crate::faults::FaultAction;
use crate::log::LoggedRequest;
use crate::routes::{Call, Reply};
use crate::store::{Store, StorePath, Target};

/// The content type Graph sends with JSON.
const JSON_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// Graph's largest page.
const MAX_PAGE_SIZE: usize = 999;

/// A response body that is either whole or cut off halfway (fault injection).
pub(crate) enum ReplyBody {
    Full(Option<Bytes>),
    /// Sends `part`, lets the server flush it while `pause` runs, then fails (closing the connection).
    Truncated {
        part: Option<Bytes>,
        pause: Pin<Box<tokio::time::Sleep>>,
        failed: bool,
    },
    /// An item's bytes (downloads), generated or sliced as they are sent.
    Content(crate::download::ContentBody),
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            ReplyBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            ReplyBody::Content(c) => Pin::new(c).poll_frame(cx),
            ReplyBody::Truncated {
                part,
                pause,
                failed,
            } => {
                if let Some(b) = part.take() {
                    Poll::Ready(Some(Ok(Frame::data(b))))
                } else if pause.as_mut().poll(cx).is_pending() {
                    Poll::Pending
                } else if !*failed {
                    *failed = true;
                    Poll::Ready(Some(Err(io::Error::other(
                        "body truncated by fault injection",
                    ))))
                } else {
                    Poll::Ready(None)
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ReplyBody::Content(c) => c.is_end_stream(),
            other => matches!(other, ReplyBody::Full(None)),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReplyBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            ReplyBody::Full(None) => SizeHint::with_exact(0),
            ReplyBody::Truncated { .. } => SizeHint::default(),
            ReplyBody::Content(c) => c.size_hint(),
        }
    }
}

/// Ids and links every answer carries.
struct Ctx<'a> {
    request_id: String,
    client_request_id: Option<String>,
    base_url: &'a str,
}

pub(crate) async fn handle(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    req: http::Request<hyper::body::Incoming>,
) -> Result<http::Response<ReplyBody>, Infallible> {
    let received = std::time::Instant::now();
    let (parts, body) = req.into_parts();
    let ctx = Ctx {
        request_id: uuid::Uuid::new_v4().to_string(),
        client_request_id: parts
            .headers
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        base_url: &shared.base_url,
    };
    let bytes = match body.collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let parsed: Option<Result<Value, serde_json::Error>> =
        (!bytes.is_empty()).then(|| serde_json::from_slice(&bytes));
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    shared.lock_log().push(LoggedRequest {
        method: parts.method.clone(),
        path: path.clone(),
        query: query.clone(),
        headers: parts.headers.clone(),
        body: parsed.as_ref().and_then(|r| r.as_ref().ok()).cloned(),
        raw_body: bytes.clone(),
        received,
    });

    let fault = take_fault(&shared, &parts.method, &path, false);
    let mut truncate = false;
    match fault {
        Some(FaultAction::Status {
            status,
            retry_after,
            raw_body,
        }) => {
            let mut reply = match raw_body {
                Some(text) => {
                    return Ok(text_response(status, text, &ctx));
                }
                None => Reply::error(status, status_code_name(status), "Injected fault."),
            };
            if let Some(ra) = retry_after {
                reply = reply.header("Retry-After", &ra);
            }
            return Ok(finish(reply, &ctx, false));
        }
        Some(FaultAction::Drop) => {
            kill.notify_one();
            return std::future::pending().await;
        }
        Some(FaultAction::Delay(d)) => tokio::time::sleep(d).await,
        Some(FaultAction::Truncate) => truncate = true,
        None => {}
    }

    // Upload URLs are pre-authenticated: no bearer token, not under a version.
    if let Some(id) = path.strip_prefix("/upload/") {
        let reply = {
            let mut uploads = shared.lock_uploads();
            let mut store = shared.lock_store();
            crate::upload::session_request(
                &mut uploads,
                &mut store,
                &parts.method,
                id,
                &parts.headers,
                &bytes,
            )
        };
        return Ok(finish(reply, &ctx, truncate));
    }

    // Download URLs are pre-authenticated too (and live on the emulator's second origin).
    if let Some(id) = path.strip_prefix("/download/") {
        let content = shared.lock_uploads().contents.get(id).cloned();
        return Ok(match content {
            None => finish(
                Reply::error(
                    StatusCode::NOT_FOUND,
                    "itemNotFound",
                    "The download URL does not exist or has expired.",
                ),
                &ctx,
                false,
            ),
            Some(content) => {
                let served =
                    crate::download::serve(id, &content, &parts.method, &parts.headers, truncate);
                let body = match served.body {
                    Some(b) => ReplyBody::Content(b),
                    None => ReplyBody::Full(None),
                };
                let mut response = http::Response::new(body);
                *response.status_mut() = served.status;
                *response.headers_mut() = served.headers;
                common_headers(response.headers_mut(), &ctx);
                response
            }
        });
    }

    if let Some(expected) = shared.lock_bearer().clone() {
        let got = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let message = match got.and_then(|v| v.strip_prefix("Bearer ")) {
            None => Some("Access token is empty."),
            Some(t) if t != expected => Some("Access token validation failure. Invalid audience."),
            Some(_) => None,
        };
        if let Some(message) = message {
            let reply = Reply::error(
                StatusCode::UNAUTHORIZED,
                "InvalidAuthenticationToken",
                message,
            )
            .header(
                "WWW-Authenticate",
                "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
            );
            return Ok(finish(reply, &ctx, false));
        }
    }

    // `GET …/items/{id}/content` of an item with content: Graph answers 302 to a
    // pre-authenticated URL on another host.
    if parts.method == Method::GET
        && let Some(id) = content_item(&path)
        && shared.lock_uploads().contents.contains_key(&id)
    {
        let location = format!(
            "{}/download/{id}?tempauth={}",
            shared.download_url,
            uuid::Uuid::new_v4().simple()
        );
        let reply = Reply {
            status: StatusCode::FOUND,
            ..Reply::no_content()
        }
        .header("Location", &location);
        return Ok(finish(reply, &ctx, false));
    }

    let is_batch =
        parts.method == Method::POST && matches!(path.as_str(), "/v1.0/$batch" | "/beta/$batch");
    let is_upload_session = parts.method == Method::POST && path.ends_with("/createUploadSession");
    let reply = if is_batch {
        batch(&shared, &path, parsed, &ctx)
    } else if is_upload_session {
        match StorePath::parse(&path) {
            Ok(p) => crate::upload::create(
                &mut shared.lock_uploads(),
                p.segments().get(1..).unwrap_or_default(),
                parsed.as_ref().and_then(|r| r.as_ref().ok()),
                &shared.base_url,
            ),
            Err(message) => Reply::bad_request(&message),
        }
    } else {
        dispatch(
            &shared,
            &parts.method,
            &path,
            query.as_deref(),
            &parts.headers,
            parsed,
            &ctx,
        )
    };
    Ok(finish(reply, &ctx, truncate))
}

/// The item id of `…/items/{id}/content`.
fn content_item(path: &str) -> Option<String> {
    let rest = path.strip_suffix("/content")?;
    let (before, id) = rest.rsplit_once('/')?;
    (before.ends_with("/items") && !id.is_empty()).then(|| id.to_owned())
}

/// The first fault that applies to `method path`, used up by one. Inside a `$batch` only status
/// faults apply (delays, dropped connections and cut bodies belong to the HTTP exchange).
fn take_fault(
    shared: &Shared,
    method: &Method,
    path: &str,
    batch_item: bool,
) -> Option<FaultAction> {
    let mut faults = shared.lock_faults();
    faults
        .iter_mut()
        .filter(|f| f.matches(method, path))
        .filter(|f| !batch_item || matches!(f.action, FaultAction::Status { .. }))
        .find_map(|f| {
            if f.skip > 0 {
                f.skip -= 1;
                return None;
            }
            f.remaining -= 1;
            Some(f.action.clone())
        })
}

/// JSON `$batch`: each request runs in order (dependencies first), a request whose dependency failed
/// gets 424, status faults apply to items as to single requests, and the responses come back in
/// reverse order (clients must match them by `id`, as the spec allows any order).
fn batch(
    shared: &Shared,
    batch_path: &str,
    body: Option<Result<Value, serde_json::Error>>,
    ctx: &Ctx<'_>,
) -> Reply {
    let version = batch_path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("v1.0")
        .to_owned();
    let requests = match body {
        Some(Ok(Value::Object(mut o))) => match o.remove("requests") {
            Some(Value::Array(r)) => r,
            _ => return Reply::bad_request("A $batch body needs a `requests` array."),
        },
        Some(Err(e)) => return Reply::bad_request(&format!("The request body is not valid JSON: {e}.")),
        _ => return Reply::bad_request("A $batch body needs a `requests` array."),
    };
    if requests.len() > 20 {
        return Reply::bad_request(&format!(
            "A $batch holds at most 20 requests; this one has {}.",
            requests.len()
        ));
    }
    let mut statuses: HashMap<String, u16> = HashMap::new();
    // Where each created entity lives (below the version root), for `$<id>` references.
    let mut created: HashMap<String, String> = HashMap::new();
    let mut responses = Vec::new();
    for item in requests {
        let id = item
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if id.is_empty() || statuses.contains_key(&id) {
            return Reply::bad_request("Every $batch request needs a unique `id`.");
        }
        let method = item
            .get("method")
            .and_then(Value::as_str)
            .and_then(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok());
        let url = item.get("url").and_then(Value::as_str).unwrap_or_default();
        let Some(method) = method else {
            return Reply::bad_request(&format!("$batch request `{id}` has no valid `method`."));
        };
        if url.starts_with("http://") || url.starts_with("https://") {
            return Reply::bad_request(&format!(
                "$batch request `{id}`: `url` must be relative to the version root, e.g. `/users`."
            ));
        }
        let depends: Vec<String> = item
            .get("dependsOn")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut item_headers = HeaderMap::new();
        if let Some(Value::Object(h)) = item.get("headers") {
            for (k, v) in h {
                if let (Ok(k), Some(Ok(v))) = (
                    http::HeaderName::try_from(k.as_str()),
                    v.as_str().map(HeaderValue::try_from),
                ) {
                    item_headers.insert(k, v);
                }
            }
        }
        let (path, query) = url
            .split_once('?')
            .map_or((url, None), |(p, q)| (p, Some(q)));
        let path = path.trim_start_matches('/');
        // `$1/tasks`: a content-ID reference to the entity request 1 created (which must be in
        // `dependsOn`).
        let (full, reference_error) = match path.strip_prefix('$') {
            Some(reference) => {
                let (target, rest) = reference.split_once('/').unwrap_or((reference, ""));
                match created.get(target) {
                    _ if !depends.iter().any(|d| d == target) => (
                        String::new(),
                        Some(format!(
                            "$batch request `{id}` refers to `${target}`, which is not in its `dependsOn`."
                        )),
                    ),
                    Some(location) => (
                        format!(
                            "/{version}/{location}{}{rest}",
                            if rest.is_empty() { "" } else { "/" }
                        ),
                        None,
                    ),
                    // The referenced request failed or created nothing: the dependency check
                    // below answers 424 for a failure.
                    None if statuses.get(target).is_some_and(|s| (200..300).contains(s)) => (
                        String::new(),
                        Some(format!(
                            "$batch request `{id}` refers to `${target}`, which created no entity."
                        )),
                    ),
                    None => (String::new(), None),
                }
            }
            None => (format!("/{version}/{path}"), None),
        };
        let reply = if let Some(message) = reference_error {
            Reply::bad_request(&message)
        } else if let Some(unknown) = depends.iter().find(|d| !statuses.contains_key(*d)) {
            Reply::bad_request(&format!(
                "$batch request `{id}` depends on `{unknown}`, which does not come before it."
            ))
        } else if depends.iter().any(|d| !(200..300).contains(&statuses[d])) {
            Reply::error(
                StatusCode::FAILED_DEPENDENCY,
                "FailedDependency",
                "A request this one depends on failed.",
            )
        } else {
            match take_fault(shared, &method, &full, true) {
                Some(FaultAction::Status {
                    status,
                    retry_after,
                    ..
                }) => {
                    let mut r = Reply::error(status, status_code_name(status), "Injected fault.");
                    if let Some(ra) = retry_after {
                        r = r.header("Retry-After", &ra);
                    }
                    r
                }
                _ => dispatch(
                    shared,
                    &method,
                    &full,
                    query,
                    &item_headers,
                    item.get("body").cloned().map(Ok),
                    ctx,
                ),
            }
        };
        statuses.insert(id.clone(), reply.status.as_u16());
        if let Some((_, location)) = reply
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("location"))
        {
            let below = location
                .strip_prefix(ctx.base_url)
                .unwrap_or(location)
                .trim_start_matches('/');
            let below = below
                .strip_prefix(version.as_str())
                .unwrap_or(below)
                .trim_start_matches('/');
            created.insert(id.clone(), below.to_owned());
        }
        let mut headers = Map::new();
        for (k, v) in &reply.headers {
            headers.insert(k.to_ascii_lowercase(), Value::String(v.clone()));
        }
        let mut response = Map::new();
        response.insert("id".into(), Value::String(id));
        response.insert("status".into(), json!(reply.status.as_u16()));
        if reply.body.is_some() {
            headers
                .entry("content-type")
                .or_insert_with(|| Value::String(JSON_CONTENT_TYPE.to_owned()));
        }
        let text = headers
            .get("content-type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.starts_with("text/plain"));
        response.insert("headers".into(), Value::Object(headers));
        if let Some(body) = reply.body {
            // A text answer (a `$count`) travels as a JSON string, as the spec's JSON batch format says.
            let body = match body {
                Value::Number(n) if text => Value::String(n.to_string()),
                body => add_inner_error(body, ctx),
            };
            response.insert("body".into(), body);
        }
        responses.push(Value::Object(response));
    }
    responses.reverse();
    Reply::json(StatusCode::OK, json!({"responses": responses}))
}

fn dispatch(
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
        .filter_map(|r| {
            r.matches(method, &rest)
                .map(|params| (r.handler.clone(), params))
        })
        .collect();

    let body = match body {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => return Reply::bad_request(&format!("The request body is not valid JSON: {e}.")),
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

    // `/users/$count`: the number of members (after `$filter`), as text.
    if method == Method::GET && rest.0.last().is_some_and(|s| s == "$count") {
        let parent = StorePath(rest.0[..rest.0.len() - 1].to_vec());
        return match store.resolve(&parent) {
            Target::Collection(c) | Target::Unknown(c) if !c.is_empty() => {
                count(&store, &c, &query_pairs)
            }
            _ => Reply::error(
                StatusCode::NOT_FOUND,
                "ResourceNotFound",
                "Resource not found for the segment '$count'.",
            ),
        };
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

/// `GET …/$count`: the size of a collection (filtered by `$filter`), as `text/plain`.
fn count(store: &Store, collection: &[String], query: &[(String, String)]) -> Reply {
    let mut filter = None;
    for (k, v) in query {
        match k.as_str() {
            "$filter" => match crate::filter::parse(v) {
                Ok(f) => filter = Some(f),
                Err(e) => return Reply::bad_request(&format!("Invalid $filter `{v}`: {e}.")),
            },
            k if k.starts_with('$') => return unsupported_option(k),
            _ => {}
        }
    }
    let n = match store.collection(collection) {
        Some(c) => c
            .page(0, usize::MAX)
            .filter(|v| filter.as_ref().is_none_or(|f| crate::filter::matches(f, v)))
            .count(),
        None => 0,
    };
    Reply::json(StatusCode::OK, json!(n)).header("Content-Type", "text/plain; charset=utf-8")
}

/// Parses `$select` and `$expand` of an entity GET; Err is a 400 reply.
fn select(query: &[(String, String)]) -> Result<(Option<Vec<String>>, Vec<String>), Reply> {
    let mut expand = Vec::new();
    for (k, v) in query {
        match k.as_str() {
            "$select" => {}
            "$expand" => expand = parse_expand(v)?,
            k if k.starts_with('$') => return Err(unsupported_option(k)),
            _ => {}
        }
    }
    let fields = query
        .iter()
        .find(|(k, _)| k == "$select")
        .map(|(_, v)| v.split(',').map(|s| s.trim().to_owned()).collect());
    Ok((fields, expand))
}

/// `$expand=a,b`: navigation property names. Nested options (`a($select=x)`) and `*` are not
/// evaluated: a 400 names them.
fn parse_expand(v: &str) -> Result<Vec<String>, Reply> {
    let mut out = Vec::new();
    for name in v.split(',').map(str::trim) {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(Reply::bad_request(&format!(
                "The emulator expands navigation properties by name only (`$expand=a,b`), not `{name}`."
            )));
        }
        out.push(name.to_owned());
    }
    Ok(out)
}

/// Embeds the members of the contained collections named by `$expand` into an entity, as
/// Graph does (`"linkedResources": [...]`); a name with nothing stored under it expands to `[]`.
fn expanded(
    store: &Store,
    collection: &[String],
    id: &str,
    entity: Value,
    expand: &[String],
) -> Value {
    let Value::Object(mut o) = entity else {
        return entity;
    };
    for name in expand {
        let mut path = collection.to_vec();
        path.push(id.to_owned());
        path.push(name.clone());
        let members: Vec<Value> = store.collection(&path).map_or_else(Vec::new, |c| {
            c.page(0, usize::MAX)
                .map(|v| {
                    let child = v.get("id").and_then(Value::as_str).unwrap_or_default();
                    with_etag(v.clone(), &store.etag(&path, child).unwrap_or_default())
                })
                .collect()
        });
        o.insert(name.clone(), Value::Array(members));
    }
    Value::Object(o)
}

fn unsupported_option(k: &str) -> Reply {
    Reply::bad_request(&format!(
        "The query option `{k}` is not supported by the emulator (supported: $top, $skip, $skiptoken, $count, $select, $expand, $filter, $orderby)."
    ))
}

fn project(entity: Value, fields: Option<&[String]>, expand: &[String]) -> Value {
    match (entity, fields) {
        (Value::Object(o), Some(fields)) => Value::Object(
            o.into_iter()
                .filter(|(k, _)| {
                    k.starts_with("@odata.")
                        || fields.iter().any(|f| f == k)
                        || expand.iter().any(|e| e == k)
                })
                .collect(),
        ),
        (v, _) => v,
    }
}

/// The query options a collection GET understands.
#[derive(Default)]
struct ListOptions {
    top: Option<usize>,
    skip: usize,
    token: usize,
    count: bool,
    fields: Option<Vec<String>>,
    expand: Vec<String>,
    filter: Option<crate::filter::Expr>,
    order: Option<Vec<(Vec<String>, bool)>>,
}

impl ListOptions {
    fn parse(query: &[(String, String)]) -> Result<ListOptions, Reply> {
        let mut o = ListOptions::default();
        for (k, v) in query {
            let number = |what: &str| {
                v.parse::<usize>().map_err(|_| {
                    Reply::bad_request(&format!(
                        "Invalid value '{v}' for {what}: expected a non-negative integer."
                    ))
                })
            };
            match k.as_str() {
                "$top" => o.top = Some(number("$top")?),
                "$skip" => o.skip = number("$skip")?,
                "$skiptoken" => o.token = number("$skiptoken")?,
                "$count" => {
                    o.count = match v.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(Reply::bad_request(&format!(
                                "Invalid value '{v}' for $count: expected true or false."
                            )));
                        }
                    }
                }
                "$select" => o.fields = Some(v.split(',').map(|s| s.trim().to_owned()).collect()),
                "$expand" => o.expand = parse_expand(v)?,
                "$filter" => {
                    o.filter = Some(
                        crate::filter::parse(v)
                            .map_err(|e| Reply::bad_request(&format!("Invalid $filter `{v}`: {e}.")))?,
                    );
                }
                "$orderby" => {
                    o.order = Some(
                        crate::filter::parse_order(v)
                            .map_err(|e| Reply::bad_request(&format!("Invalid $orderby `{v}`: {e}.")))?,
                    );
                }
                k if k.starts_with('$') => return Err(unsupported_option(k)),
                _ => {}
            }
        }
        Ok(o)
    }
}

fn list(
    store: &Store,
    collection: &[String],
    query: &[(String, String)],
    default_page: usize,
    links: &Links<'_>,
    raw_path: &str,
) -> Reply {
    let ListOptions {
        top,
        skip,
        token,
        count,
        fields,
        expand,
        filter,
        order,
    } = match ListOptions::parse(query) {
        Ok(o) => o,
        Err(reply) => return reply,
    };
    let Some(coll) = store.collection(collection) else {
        return Reply::json(StatusCode::OK, json!({"value": []}));
    };
    let page = top.unwrap_or(default_page).min(MAX_PAGE_SIZE);
    let offset = skip.saturating_add(token);
    // Filter and order the whole collection, then page through the result.
    let mut selected: Vec<Value> = coll
        .page(0, usize::MAX)
        .filter(|v| filter.as_ref().is_none_or(|f| crate::filter::matches(f, v)))
        .cloned()
        .collect();
    if let Some(keys) = &order {
        crate::filter::sort(&mut selected, keys);
    }
    let total = selected.len();
    let value: Vec<Value> = selected
        .iter()
        .skip(offset)
        .take(page)
        .map(|v| {
            let id = v.get("id").and_then(Value::as_str).unwrap_or_default();
            let etag = store.etag(collection, id).unwrap_or_default();
            let entity = expanded(store, collection, id, with_etag(v.clone(), &etag), &expand);
            project(entity, fields.as_deref(), &expand)
        })
        .collect();
    let mut out = Map::new();
    out.insert(
        "@odata.context".into(),
        Value::String(links.context(store, collection, false)),
    );
    if count {
        out.insert("@odata.count".into(), json!(total));
    }
    out.insert("value".into(), Value::Array(value));
    let next = offset.saturating_add(page);
    if page > 0 && next < total {
        let mut q: Vec<String> = query
            .iter()
            .filter(|(k, _)| k != "$skip" && k != "$skiptoken")
            .map(|(k, v)| format!("{}={}", k, encode_query(v)))
            .collect();
        q.push(format!("$skiptoken={next}"));
        let link = if links.relative {
            // Relative to the context URL (`{root}/$metadata#…`), i.e. to the service root.
            let below_root = raw_path
                .trim_start_matches('/')
                .strip_prefix(links.version)
                .unwrap_or(raw_path)
                .trim_start_matches('/');
            format!("{below_root}?{}", q.join("&"))
        } else {
            format!("{}{}?{}", links.base, raw_path, q.join("&"))
        };
        out.insert("@odata.nextLink".into(), Value::String(link));
    }
    Reply::json(StatusCode::OK, Value::Object(out))
}

fn encode_query(v: &str) -> String {
    graph_odata_runtime::path::encode_query_component(v).into_owned()
}

/// A key or name as one path segment (ids in the store are never empty).
fn encode_key(v: &str) -> String {
    graph_odata_runtime::path::encode_segment(v).map_or_else(|_| v.to_owned(), |c| c.into_owned())
}

/// Builds `@odata.context` and `Location` URLs.
struct Links<'a> {
    base: &'a str,
    version: &'a str,
    /// Write context URLs relative to the service root and nextLinks relative to them.
    relative: bool,
}

impl Links<'_> {
    /// `users('id')/todo/lists('L1')/tasks`: key segments (those following a collection) in parentheses.
    fn render(&self, store: &Store, path: &[String]) -> String {
        let mut out = String::new();
        for (i, seg) in path.iter().enumerate() {
            if i > 0 && store.collection(&path[..i]).is_some() {
                let quoted = seg.replace('\'', "''");
                out.push_str(&format!("('{}')", encode_key(&quoted)));
            } else {
                if i > 0 {
                    out.push('/');
                }
                out.push_str(&encode_key(seg));
            }
        }
        out
    }

    fn context(&self, store: &Store, collection: &[String], entity: bool) -> String {
        let fragment = format!(
            "$metadata#{}{}",
            self.render(store, collection),
            if entity { "/$entity" } else { "" }
        );
        if self.relative {
            fragment
        } else {
            format!("{}/{}/{fragment}", self.base, self.version)
        }
    }
}

/// An entity with its `@odata.etag`, as Graph writes it for entities that have one.
fn tagged(store: &Store, collection: &[String], id: &str) -> Value {
    let entity = store.entity(collection, id).cloned().unwrap_or(Value::Null);
    let etag = store.etag(collection, id).unwrap_or_default();
    with_etag(entity, &etag)
}

fn with_etag(entity: Value, etag: &str) -> Value {
    match entity {
        Value::Object(mut o) => {
            o.insert("@odata.etag".into(), Value::String(etag.to_owned()));
            Value::Object(o)
        }
        other => other,
    }
}

/// Whether `If-None-Match` names `etag` (or is `*`).
fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all("if-none-match")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || t.trim() == etag)
}

/// `If-Match` on a change: 412 when it names another tag, 428 when the path requires it
/// ([`Emulator::require_if_match`](crate::Emulator::require_if_match)) and it is missing.
fn precondition(
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

fn with_context(entity: Value, context: &str) -> Value {
    match entity {
        Value::Object(o) => {
            let mut out = Map::with_capacity(o.len() + 1);
            out.insert("@odata.context".into(), Value::String(context.to_owned()));
            out.extend(o.into_iter().filter(|(k, _)| k != "@odata.context"));
            Value::Object(out)
        }
        other => other,
    }
}

fn status_code_name(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "BadRequest",
        401 => "InvalidAuthenticationToken",
        403 => "Authorization_RequestDenied",
        404 => "itemNotFound",
        409 => "Conflict",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => "UnknownError",
    }
}

/// Fills Graph's `innerError` (date, request-id, client-request-id) into an error body.
fn add_inner_error(mut v: Value, ctx: &Ctx<'_>) -> Value {
    if let Some(Value::Object(err)) = v.get_mut("error")
        && !err.contains_key("innerError")
    {
        let mut inner = Map::new();
        inner.insert("date".into(), Value::String(iso_now()));
        inner.insert("request-id".into(), Value::String(ctx.request_id.clone()));
        if let Some(c) = &ctx.client_request_id {
            inner.insert("client-request-id".into(), Value::String(c.clone()));
        }
        err.insert("innerError".into(), Value::Object(inner));
    }
    v
}

/// Adds ids and headers; fills `innerError` into error bodies.
fn finish(reply: Reply, ctx: &Ctx<'_>, truncate: bool) -> http::Response<ReplyBody> {
    let Reply {
        status,
        body,
        headers,
        ..
    } = reply;
    let body =
        body.map(|v| Bytes::from(serde_json::to_vec(&add_inner_error(v, ctx)).unwrap_or_default()));
    let mut builder = http::Response::builder().status(status);
    if let Some(h) = builder.headers_mut() {
        common_headers(h, ctx);
        if body.is_some() {
            h.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static(JSON_CONTENT_TYPE),
            );
        }
        for (k, v) in &headers {
            if let (Ok(k), Ok(v)) = (
                http::HeaderName::try_from(k.as_str()),
                HeaderValue::try_from(v.as_str()),
            ) {
                // A reply's own content type replaces the JSON default.
                if k == http::header::CONTENT_TYPE {
                    h.insert(k, v);
                } else {
                    h.append(k, v);
                }
            }
        }
    }
    let body = match (body, truncate) {
        (Some(b), true) => {
            if let Some(h) = builder.headers_mut() {
                h.insert(http::header::CONTENT_LENGTH, HeaderValue::from(b.len()));
            }
            ReplyBody::Truncated {
                part: Some(b.slice(..b.len() / 2)),
                pause: Box::pin(tokio::time::sleep(std::time::Duration::from_millis(20))),
                failed: false,
            }
        }
        (b, _) => ReplyBody::Full(b),
    };
    builder
        .body(body)
        .unwrap_or_else(|_| http::Response::new(ReplyBody::Full(None)))
}

fn text_response(status: StatusCode, text: String, ctx: &Ctx<'_>) -> http::Response<ReplyBody> {
    let mut response = http::Response::new(ReplyBody::Full(Some(Bytes::from(text))));
    *response.status_mut() = status;
    common_headers(response.headers_mut(), ctx);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn common_headers(h: &mut HeaderMap, ctx: &Ctx<'_>) {
    if let Ok(v) = HeaderValue::try_from(ctx.request_id.as_str()) {
        h.insert("request-id", v);
    }
    if let Some(c) = &ctx.client_request_id
        && let Ok(v) = HeaderValue::try_from(c.as_str())
    {
        h.insert("client-request-id", v);
    }
    h.insert("odata-version", HeaderValue::from_static("4.0"));
}

/// Now as Graph writes `innerError.date`: `2026-11-24T10:00:00` (UTC, whole seconds, no zone).
fn iso_now() -> String {
    let now = graph_odata_runtime::edm::DateTimeOffset::now();
    now.as_str().get(..19).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_error_dates_are_whole_utc_seconds() {
        let d = iso_now();
        assert_eq!(d.len(), 19, "{d}");
        assert_eq!(&d[10..11], "T");
        assert!(
            d.parse::<graph_odata_runtime::edm::DateTimeOffset>()
                .is_err(),
            "no zone: {d}"
        );
        assert!(
            format!("{d}Z")
                .parse::<graph_odata_runtime::edm::DateTimeOffset>()
                .is_ok()
        );
    }

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
