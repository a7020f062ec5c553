//! Request handling: faults, auth, routes, then the generic OData behaviour of the store.

mod batch;
mod body;
mod dispatch;
mod etag;
mod links;
mod query;
mod reply;

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::{Method, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tokio::sync::Notify;

pub(crate) use body::ReplyBody;

use crate::Shared;
use crate::faults::FaultAction;
use crate::log::LoggedRequest;
use crate::routes::Reply;
use crate::store::StorePath;
use batch::batch;
use dispatch::dispatch;
use reply::{common_headers, finish, status_code_name, text_response};

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
