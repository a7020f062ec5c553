//! Request handling: the request log, faults, the emulator's own endpoints in route-table order
//! (see `builtin.rs`, which also gives the whole order), then [`dispatch()`] for everything below a
//! version: user and Graph routes, `$count` and the generic store.

mod batch;
mod body;
mod dispatch;
mod etag;
mod guard;
mod links;
mod query;
mod reply;

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::Value;
use tokio::sync::Notify;

pub(crate) use body::ReplyBody;
pub(crate) use query::count;

use crate::Shared;
use crate::faults::FaultAction;
use crate::log::LoggedRequest;
use crate::routes::{Handler, Reply};
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

/// Answers one HTTP request on either of the emulator's origins.
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
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    // The identity endpoint's forms carry secrets (client secrets, assertions, refresh tokens,
    // device codes): the log keeps a placeholder instead.
    let secret_form = path.contains("/oauth2/v2.0/");
    let log = |raw_body: &Bytes, body: Option<&Value>| {
        let raw_body = match secret_form {
            true => &Bytes::from_static(b"** redacted **"),
            false => raw_body,
        };
        shared.lock_log().push(LoggedRequest {
            method: parts.method.clone(),
            path: path.clone(),
            query: query.clone(),
            headers: parts.headers.clone(),
            body: body.cloned(),
            raw_body: raw_body.clone(),
            received,
        });
    };
    let checked = guard::check_host(&parts.headers, &parts.uri)
        .and_then(|()| guard::check_origin(&parts.headers));
    if let Err(refusal) = checked {
        log(&Bytes::new(), None);
        return Ok(closing(finish(refusal, &ctx, false)));
    }
    let bytes = match guard::read_body(body, &parts.headers, shared.max_body_size()).await {
        Ok(bytes) => bytes,
        Err(refusal) => {
            log(&Bytes::new(), None);
            return Ok(closing(finish(refusal, &ctx, false)));
        }
    };
    let parsed: Option<Result<Value, serde_json::Error>> =
        (!bytes.is_empty()).then(|| serde_json::from_slice(&bytes));
    log(&bytes, parsed.as_ref().and_then(|r| r.as_ref().ok()));

    // The admin routes stay reachable whatever faults are pending.
    let fault = match path.starts_with("/_emulator/") {
        true => None,
        false => take_fault(&shared, &parts.method, &path, false),
    };
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

    // Outlook's per-mailbox concurrency (off by default): counted until the answer is made.
    let _in_flight = match crate::mailbox::enter(&shared, &path).await {
        Ok(counted) => counted,
        Err(refusal) => return Ok(finish(refusal, &ctx, false)),
    };
    let mut exchange = Exchange {
        shared: &shared,
        method: &parts.method,
        path: &path,
        query: query.as_deref(),
        headers: &parts.headers,
        bytes: &bytes,
        body: parsed,
        truncate,
        ctx,
    };
    // The emulator's own endpoints, in table order (see `builtin.rs`); their patterns start at
    // the origin. A path that does not decode matches only `/**`.
    let segments = StorePath::parse(&path).unwrap_or(StorePath(Vec::new()));
    let endpoints: Vec<_> = shared
        .lock_routes()
        .iter()
        .filter_map(|r| match r.handler {
            Handler::Endpoint(e) => r.matches(&parts.method, &segments).map(|p| (e, p)),
            Handler::Call(_) => None,
        })
        .collect();
    for (endpoint, params) in endpoints {
        if let Some(response) = crate::builtin::answer(endpoint, &params, &mut exchange).await {
            return Ok(response);
        }
    }
    if parts.method == Method::GET
        && let Some(refusal) = shared.lock_lag().refuse(&path)
    {
        return Ok(exchange.finish(refusal, truncate));
    }
    let reply = dispatch(
        &shared,
        &parts.method,
        &path,
        query.as_deref(),
        &parts.headers,
        exchange.body.take(),
        &exchange.ctx,
    );
    if reply.status == http::StatusCode::CREATED
        && let Some((_, location)) = reply
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("location"))
    {
        shared.lock_lag().created(location);
    }
    // `Prefer: respond-async` on a creation: the answer becomes an operation to poll.
    let prefer = parts.headers.get("prefer").and_then(|v| v.to_str().ok());
    let reply = match parts.method == Method::POST && crate::lro::prefers_async(prefer) {
        true => crate::lro::respond_async(&mut shared.lock_store(), &shared.base_url, &reply)
            .unwrap_or(reply),
        false => reply,
    };
    Ok(exchange.finish(reply, truncate))
}

/// `response` with `Connection: close`: the request was refused before its body was read, so the
/// connection cannot carry another one.
fn closing(mut response: Response) -> Response {
    response.headers_mut().insert(
        http::header::CONNECTION,
        http::HeaderValue::from_static("close"),
    );
    response
}

/// One HTTP request as the emulator's own endpoints see it.
pub(crate) struct Exchange<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) method: &'a Method,
    /// The path as sent, with the version.
    pub(crate) path: &'a str,
    /// The query as sent, if any.
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) bytes: &'a Bytes,
    /// The body parsed as JSON, if there is one (taken by whoever answers).
    pub(crate) body: Option<Result<Value, serde_json::Error>>,
    /// Whether a fault asks for the answer's body to be cut off halfway.
    pub(crate) truncate: bool,
    ctx: Ctx<'a>,
}

/// An HTTP response with the emulator's body type.
pub(crate) type Response = http::Response<ReplyBody>;

impl Exchange<'_> {
    /// `reply` as an HTTP response with the ids and headers every answer carries.
    pub(crate) fn finish(&self, reply: Reply, truncate: bool) -> Response {
        finish(reply, &self.ctx, truncate)
    }

    /// Adds the ids and headers every answer carries.
    pub(crate) fn common_headers(&self, headers: &mut HeaderMap) {
        common_headers(headers, &self.ctx);
    }
}

/// JSON `$batch` for the request in `exchange` (see [`batch::batch`]).
pub(crate) fn answer_batch(exchange: &mut Exchange<'_>) -> Reply {
    let bearer = exchange
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    batch(
        exchange.shared,
        exchange.path,
        exchange.body.take(),
        bearer.as_deref(),
        &exchange.ctx,
    )
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
