//! JSON `$batch`.

use std::collections::HashMap;

use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::{Map, Value, json};

use super::dispatch::dispatch;
use super::reply::{JSON_CONTENT_TYPE, add_inner_error, status_code_name};
use super::{Ctx, take_fault};
use crate::Shared;
use crate::faults::FaultAction;
use crate::routes::Reply;

/// JSON `$batch`: each request runs in order (dependencies first), a request whose dependency failed
/// gets 424, status faults apply to items as to single requests, and the responses come back in
/// reverse order (clients must match them by `id`, as the spec allows any order). With the
/// identity endpoint's permission enforcement on, each item is checked against the permissions of
/// the `$batch` call's token (`bearer`) like a request of its own: one it does not grant gets its
/// own `403` inside the answer.
pub(super) fn batch(
    shared: &Shared,
    batch_path: &str,
    body: Option<Result<Value, serde_json::Error>>,
    bearer: Option<&str>,
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
        Some(Err(e)) => {
            return Reply::bad_request(&format!("The request body is not valid JSON: {e}."));
        }
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
    // Items without `dependsOn` run at once on Graph: per mailbox, how many so far.
    let mut running: HashMap<String, usize> = HashMap::new();
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
        } else if let crate::identity::Verdict::Refuse(refusal) =
            crate::identity::check(shared, &method, &full, bearer)
        {
            refusal
        } else if let Some(refusal) =
            crate::mailbox::batch_item(shared, &full, depends.is_empty(), &mut running)
        {
            refusal
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
