//! The emulator's own endpoints, as rows of the route table that also holds the user's routes and
//! the Graph routes ([`graph`](crate::graph)), and the order in which a request meets them.
//!
//! A request is answered by the first of these that takes it:
//!
//! 1. a pending [`Fault`](crate::Fault) that matches it;
//! 2. `/upload/{id}` (any method): an upload session's pre-authenticated URL;
//! 3. `/download/{id}` (any method): a pre-authenticated download URL; `/monitor/{id}` (any
//!    method): a long-running operation's monitor (see [`lro`](crate::lro)), pre-authenticated
//!    on the second origin, behind the bearer check on the service's own;
//! 4. `GET /common/discovery/v2.0/keys`: the JWKS of the key that signs `validationTokens`,
//!    `POST /emulator/subscriptions/{id}/lifecycle`: the admin API for lifecycle events, and the
//!    identity endpoint (`POST /{tenant}/oauth2/v2.0/token`, `…/devicecode`,
//!    `GET …/authorize`) (none needs a token: the JWKS is public, the admin API is the test's
//!    own, the identity endpoint is where tokens come from);
//! 5. the bearer check ([`Emulator::require_bearer`](crate::Emulator::require_bearer)): 401 without
//!    the token; then `/_emulator/{what}`, the admin routes ([`admin`](crate::admin)), and
//!    `PUT …/content`, a simple upload of any bytes (`…/root:/{name}:/content`,
//!    `…/items/{parent}:/{name}:/content`, `…/items/{id}/content`);
//! 6. `GET …/items/{id}/content` of an item with content: 302 to its download URL;
//! 7. `POST /v1.0/$batch` and `POST /beta/$batch`;
//! 8. `POST …/createUploadSession`;
//! 9. `/{version}/subscriptions`, `/{version}/subscriptions/{id}` and
//!    `POST /{version}/subscriptions/{id}/reauthorize` (see [`crate::notify`]);
//! 10. the user's routes ([`Emulator::route`](crate::Emulator::route)), newest first;
//! 11. the Graph routes (long-running operations among them), and `/subscriptions` inside a
//!     `$batch` (refused: the handshake needs the whole exchange);
//! 12. `GET …/$count`;
//! 13. the generic store.
//!
//! Rows 2 to 9 see the whole HTTP exchange and their patterns start at the origin
//! ([`Handler::Endpoint`]); rows 10 to 12 run on a [`Call`] with the store locked and their
//! patterns start below the version (`/v1.0`, `/beta`). The requests inside a `$batch` meet rows
//! 10 to 13 only.

use std::collections::HashMap;
use std::sync::Arc;

use http::{Method, StatusCode};

use crate::routes::{Call, Handler, Reply, Route};
use crate::service::{Exchange, ReplyBody, Response};
use crate::store::{StorePath, Target};

/// One of the emulator's own endpoints.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Endpoint {
    Upload,
    Download,
    Monitor,
    Bearer,
    Admin,
    SimpleUpload,
    Content,
    Batch,
    CreateUploadSession,
    Keys,
    Lifecycle,
    Subscriptions,
    Subscription,
    Reauthorize,
    Token,
    DeviceCode,
    Authorize,
}

/// The whole route table as the emulator starts: the endpoints (rows 2 to 9), the Graph routes
/// and `$count`. [`Emulator::route`](crate::Emulator::route) inserts the user's routes after the
/// endpoints ([`user_routes_at`]).
pub(crate) fn table() -> Vec<Route> {
    let endpoints: [(Option<Method>, &str, Endpoint); 17] = [
        (None, "/upload/{id}", Endpoint::Upload),
        (None, "/download/{id}", Endpoint::Download),
        (None, "/monitor/{id}", Endpoint::Monitor),
        (
            Some(Method::GET),
            "/common/discovery/v2.0/keys",
            Endpoint::Keys,
        ),
        (
            Some(Method::POST),
            "/emulator/subscriptions/{id}/lifecycle",
            Endpoint::Lifecycle,
        ),
        (
            Some(Method::POST),
            "/{tenant}/oauth2/v2.0/token",
            Endpoint::Token,
        ),
        (
            Some(Method::POST),
            "/{tenant}/oauth2/v2.0/devicecode",
            Endpoint::DeviceCode,
        ),
        (
            Some(Method::GET),
            "/{tenant}/oauth2/v2.0/authorize",
            Endpoint::Authorize,
        ),
        (None, "/**", Endpoint::Bearer),
        (None, "/_emulator/{what}", Endpoint::Admin),
        (Some(Method::PUT), "/**/content", Endpoint::SimpleUpload),
        (
            Some(Method::GET),
            "/**/items/{id}/content",
            Endpoint::Content,
        ),
        (Some(Method::POST), "/{version}/$batch", Endpoint::Batch),
        (
            Some(Method::POST),
            "/**/createUploadSession",
            Endpoint::CreateUploadSession,
        ),
        (None, "/{version}/subscriptions", Endpoint::Subscriptions),
        (
            None,
            "/{version}/subscriptions/{id}",
            Endpoint::Subscription,
        ),
        (
            Some(Method::POST),
            "/{version}/subscriptions/{id}/reauthorize",
            Endpoint::Reauthorize,
        ),
    ];
    let mut calls = crate::graph::routes();
    calls.push((Method::POST, "/subscriptions", subscriptions_in_batch));
    calls.push((Method::PATCH, "/subscriptions/{id}", subscriptions_in_batch));
    calls.push((
        Method::DELETE,
        "/subscriptions/{id}",
        subscriptions_in_batch,
    ));
    calls.push((Method::GET, "/subscriptions", subscriptions_in_batch));
    calls.push((Method::GET, "/subscriptions/{id}", subscriptions_in_batch));
    calls.extend(crate::lro::routes());
    calls.push((Method::GET, "/**/$count", count));
    let endpoints = endpoints
        .into_iter()
        .map(|(method, pattern, e)| (method, pattern, Handler::Endpoint(e)));
    let calls = calls
        .into_iter()
        .map(|(method, pattern, f)| (Some(method), pattern, Handler::Call(Arc::new(f))));
    endpoints
        .chain(calls)
        .filter_map(|(method, pattern, handler)| Route::new(method, pattern, handler).ok())
        .collect()
}

/// Where the next user route goes: after the endpoints, before earlier user routes.
pub(crate) fn user_routes_at(table: &[Route]) -> usize {
    table
        .iter()
        .position(|r| matches!(r.handler, Handler::Call(_)))
        .unwrap_or(table.len())
}

/// Answers `exchange` as `endpoint`, or `None` to hand it to the next row.
pub(crate) async fn answer(
    endpoint: Endpoint,
    params: &HashMap<String, String>,
    exchange: &mut Exchange<'_>,
) -> Option<Response> {
    let param = |name: &str| params.get(name).map_or("", String::as_str);
    let shared = exchange.shared;
    let graph_version = matches!(param("version"), "v1.0" | "beta");
    match endpoint {
        Endpoint::Keys => Some(exchange.finish(crate::notify::routes::keys(), false)),
        Endpoint::Token => {
            let tenant_id = shared.notifier.lock_settings().tenant_id.clone();
            let reply = crate::identity::token::token(
                &mut shared.identity.lock(),
                &shared.base_url,
                &tenant_id,
                param("tenant"),
                exchange.bytes,
            );
            Some(exchange.finish(reply, false))
        }
        Endpoint::DeviceCode => {
            let reply = crate::identity::token::devicecode(
                &mut shared.identity.lock(),
                &shared.base_url,
                param("tenant"),
                exchange.bytes,
            );
            Some(exchange.finish(reply, false))
        }
        Endpoint::Authorize => {
            let reply = crate::identity::code::authorize(
                &mut shared.identity.lock(),
                param("tenant"),
                exchange.query.unwrap_or(""),
            );
            Some(exchange.finish(reply, false))
        }
        Endpoint::Lifecycle => {
            let reply = crate::notify::routes::lifecycle(param("id"), exchange);
            Some(exchange.finish(reply, false))
        }
        Endpoint::Subscriptions | Endpoint::Subscription | Endpoint::Reauthorize
            if !graph_version =>
        {
            None
        }
        Endpoint::Subscriptions => {
            let reply = crate::notify::routes::collection(param("version"), exchange).await;
            Some(exchange.finish(reply, false))
        }
        Endpoint::Subscription => {
            let reply = crate::notify::routes::one(param("version"), param("id"), exchange);
            Some(exchange.finish(reply, false))
        }
        Endpoint::Reauthorize => {
            let reply = crate::notify::routes::reauthorize(param("id"), exchange);
            Some(exchange.finish(reply, false))
        }
        Endpoint::Upload => {
            let reply = {
                let mut uploads = shared.lock_uploads();
                let mut store = shared.lock_store();
                crate::upload::session_request(
                    &mut uploads,
                    &mut store,
                    exchange.method,
                    param("id"),
                    exchange.headers,
                    exchange.bytes,
                )
            };
            Some(exchange.finish(reply, exchange.truncate))
        }
        Endpoint::Download => Some(download(param("id"), exchange)),
        Endpoint::Monitor => monitor(param("id"), exchange),
        Endpoint::Admin => {
            let body = exchange.body.as_ref().and_then(|b| b.as_ref().ok());
            let reply = crate::identity::admin_answer(shared, exchange.method, param("what"), body)
                .unwrap_or_else(|| {
                    crate::admin::answer(shared, exchange.method, param("what"), body)
                });
            Some(exchange.finish(reply, false))
        }
        Endpoint::SimpleUpload => {
            let reply = match StorePath::parse(exchange.path) {
                Ok(p) => {
                    let mut uploads = shared.lock_uploads();
                    let mut store = shared.lock_store();
                    crate::upload::simple(
                        &mut uploads,
                        &mut store,
                        p.segments().get(1..).unwrap_or_default(),
                        exchange.bytes,
                    )?
                }
                Err(message) => Reply::bad_request(&message),
            };
            Some(exchange.finish(reply, exchange.truncate))
        }
        Endpoint::Bearer => bearer(exchange).map(|reply| exchange.finish(reply, false)),
        Endpoint::Content => {
            let id = param("id");
            if !shared.lock_uploads().contents.contains_key(id) {
                return None;
            }
            // Graph answers 302 to a pre-authenticated URL on another host.
            let location = format!(
                "{}/download/{}?tempauth={}",
                shared.download_url,
                graph_odata_runtime::path::encode_segment(id)
                    .map_or_else(|_| id.to_owned(), |c| c.into_owned()),
                uuid::Uuid::new_v4().simple()
            );
            let reply = Reply {
                status: StatusCode::FOUND,
                ..Reply::no_content()
            }
            .header("Location", &location);
            Some(exchange.finish(reply, false))
        }
        Endpoint::Batch => {
            if !matches!(param("version"), "v1.0" | "beta") {
                return None;
            }
            let reply = crate::service::answer_batch(exchange);
            Some(exchange.finish(reply, exchange.truncate))
        }
        Endpoint::CreateUploadSession => {
            let reply = match StorePath::parse(exchange.path) {
                Ok(p) => crate::upload::create(
                    &mut shared.lock_uploads(),
                    p.segments().get(1..).unwrap_or_default(),
                    exchange.body.as_ref().and_then(|r| r.as_ref().ok()),
                    &shared.base_url,
                ),
                Err(message) => Reply::bad_request(&message),
            };
            Some(exchange.finish(reply, exchange.truncate))
        }
    }
}

/// `/download/{id}`: the item's bytes, with `Range` support (see [`crate::download`]).
fn download(id: &str, exchange: &Exchange<'_>) -> Response {
    let content = exchange.shared.lock_uploads().contents.get(id).cloned();
    let Some(content) = content else {
        return exchange.finish(
            Reply::error(
                StatusCode::NOT_FOUND,
                "itemNotFound",
                "The download URL does not exist or has expired.",
            ),
            false,
        );
    };
    let served = crate::download::serve(
        id,
        &content,
        exchange.method,
        exchange.headers,
        exchange.truncate,
    );
    let body = match served.body {
        Some(b) => ReplyBody::Content(b),
        None => ReplyBody::Full(None),
    };
    let mut response = http::Response::new(body);
    *response.status_mut() = served.status;
    *response.headers_mut() = served.headers;
    exchange.common_headers(response.headers_mut());
    response
}

/// `/monitor/{id}`: answered only on the origin the operation's monitor lives on; a
/// pre-authenticated monitor refuses a request that carries a token (a client leaking it).
fn monitor(id: &str, exchange: &Exchange<'_>) -> Option<Response> {
    let shared = exchange.shared;
    let home = crate::lro::home(&shared.lock_store(), id);
    let Some(home) = home else {
        let reply = Reply::error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            "The operation does not exist or has finished.",
        );
        return Some(exchange.finish(reply, false));
    };
    let second = exchange
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| shared.download_url.strip_prefix("http://") == Some(h));
    match home {
        crate::lro::Home::Second if !second => return None,
        crate::lro::Home::Second if exchange.headers.contains_key(http::header::AUTHORIZATION) => {
            let reply = Reply::error(
                StatusCode::BAD_REQUEST,
                "tokenSentToMonitor",
                "The monitor URL is pre-authenticated; the request carried an Authorization header.",
            );
            return Some(exchange.finish(reply, false));
        }
        crate::lro::Home::Service if second => return None,
        crate::lro::Home::Service => {
            if let Some(refusal) = bearer(exchange) {
                return Some(exchange.finish(refusal, false));
            }
        }
        crate::lro::Home::Second => {}
    }
    let reply = crate::lro::monitor(&mut shared.lock_store(), exchange.method, id);
    Some(exchange.finish(reply, false))
}

/// The 401 for a request without the required bearer token, if one is required: the static
/// token of [`Emulator::require_bearer`](crate::Emulator::require_bearer), or a token of the
/// identity endpoint when identity is on (which may also answer 401 for a claims challenge, or
/// 403 for a permission the token lacks; see [`crate::identity`]).
fn bearer(exchange: &Exchange<'_>) -> Option<Reply> {
    let got = exchange
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let identity_on =
        match crate::identity::check(exchange.shared, exchange.method, exchange.path, got) {
            crate::identity::Verdict::Pass => return None,
            crate::identity::Verdict::Refuse(reply) => return Some(reply),
            crate::identity::Verdict::NotMine => exchange.shared.identity.lock().on,
        };
    let expected = exchange.shared.lock_bearer().clone();
    if expected.is_none() && !identity_on {
        return None;
    }
    let message = match got {
        None => "Access token is empty.",
        Some(t) if Some(t) != expected.as_deref() => {
            "Access token validation failure. Invalid audience."
        }
        Some(_) => return None,
    };
    Some(
        Reply::error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            message,
        )
        .header(
            "WWW-Authenticate",
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
        ),
    )
}

/// `/subscriptions` inside a `$batch`: refused, since the validation handshake needs the whole
/// exchange (Graph's own `$batch` takes them; send them on their own here).
fn subscriptions_in_batch(_: &mut Call<'_>) -> Reply {
    Reply::bad_request(
        "The emulator handles /subscriptions only outside $batch (the validation handshake needs its own request).",
    )
}

/// `GET …/$count`: the number of members of the collection before it (after `$filter`), as text.
fn count(call: &mut Call<'_>) -> Reply {
    let parent = StorePath(call.path[..call.path.len().saturating_sub(1)].to_vec());
    match call.store.resolve(&parent) {
        Target::Collection(c) | Target::Unknown(c) if !c.is_empty() => {
            crate::service::count(call.store, &c, &call.query)
        }
        _ => Reply::error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            "Resource not found for the segment '$count'.",
        ),
    }
}
