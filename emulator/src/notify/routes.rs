//! The HTTP endpoints of change notifications (rows of [`builtin`](crate::builtin)):
//!
//! - `POST /{version}/subscriptions`: Graph's rules, then the validation handshake with the
//!   `notificationUrl` (and the `lifecycleNotificationUrl`), then `201`; `GET` lists them.
//! - `GET`, `PATCH` (renew: `expirationDateTime` only) and `DELETE /{version}/subscriptions/{id}`;
//!   `POST /{version}/subscriptions/{id}/reauthorize`.
//! - `POST /emulator/subscriptions/{id}/lifecycle` with `{"event": "missed"}` (the admin API).
//! - `GET /common/discovery/v2.0/keys`: the JWKS of the key that signs `validationTokens`.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::subscriptions::{self, now_nanos};
use super::{LifecycleError, LifecycleEvent, rich};
use crate::routes::Reply;
use crate::service::Exchange;
use crate::store::{Store, StorePath, Target};

fn invalid(message: &str) -> Reply {
    Reply::error(StatusCode::BAD_REQUEST, "InvalidRequest", message)
}

fn not_found() -> Reply {
    Reply::error(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "The subscription was not found (it does not exist or has expired).",
    )
}

fn method_not_allowed(method: &Method) -> Reply {
    Reply::error(
        StatusCode::METHOD_NOT_ALLOWED,
        "BadRequest",
        &format!("{method} is not supported here."),
    )
}

/// The request's JSON body, or the `400` for a body that is not JSON.
fn json_body(exchange: &mut Exchange<'_>) -> Result<Option<Value>, Reply> {
    match exchange.body.take() {
        None => Ok(None),
        Some(Ok(v)) => Ok(Some(v)),
        Some(Err(e)) => Err(invalid(&format!(
            "The request body is not valid JSON: {e}."
        ))),
    }
}

fn with_context(mut body: Value, exchange: &Exchange<'_>, version: &str, entity: bool) -> Value {
    let suffix = if entity { "/$entity" } else { "" };
    if let Value::Object(o) = &mut body {
        let mut out = serde_json::Map::new();
        out.insert(
            "@odata.context".into(),
            json!(format!(
                "{}/{version}/$metadata#subscriptions{suffix}",
                exchange.shared.base_url
            )),
        );
        out.append(o);
        return Value::Object(out);
    }
    body
}

/// `/{version}/subscriptions`: `POST` creates, `GET` lists.
pub(crate) async fn collection(version: &str, exchange: &mut Exchange<'_>) -> Reply {
    let notifier = &exchange.shared.notifier;
    match *exchange.method {
        Method::GET => {
            let value: Vec<Value> = notifier
                .lock_subscriptions()
                .list(now_nanos())
                .into_iter()
                .map(subscriptions::Subscription::to_json)
                .collect();
            Reply::json(
                StatusCode::OK,
                with_context(json!({"value": value}), exchange, version, false),
            )
        }
        Method::POST => create(version, exchange).await,
        ref m => method_not_allowed(m),
    }
}

async fn create(version: &str, exchange: &mut Exchange<'_>) -> Reply {
    let body = match json_body(exchange) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let notifier = &exchange.shared.notifier;
    let settings = notifier.settings();
    let mut sub = match subscriptions::parse_new(body.as_ref(), now_nanos()) {
        Ok(s) => s,
        Err(message) => return invalid(&message),
    };
    // The resource as the store names it (a user by `userPrincipalName` becomes its id), so
    // changes to it match whichever way the subscription spelled it.
    sub.resource_path = canonical(&exchange.shared.lock_store(), sub.resource_path);
    let full = || {
        Reply::error(
            StatusCode::FORBIDDEN,
            "ExtensionError",
            &format!(
                "The emulator holds at most {} subscriptions (Emulator::set_max_subscriptions).",
                settings.max_subscriptions
            ),
        )
    };
    if notifier.lock_subscriptions().prune(now_nanos()) >= settings.max_subscriptions {
        return full();
    }
    let mut urls = vec![("notificationUrl", &sub.notification_url)];
    if let Some(u) = &sub.lifecycle_url {
        urls.push(("lifecycleNotificationUrl", u));
    }
    for (property, url) in urls {
        if let Err(message) = notifier
            .http
            .handshake(property, url, settings.callback_timeout)
            .await
        {
            return Reply::error(StatusCode::BAD_REQUEST, "ValidationError", &message);
        }
    }
    let answer = sub.to_json();
    {
        let mut table = notifier.lock_subscriptions();
        if table.prune(now_nanos()) >= settings.max_subscriptions {
            return full();
        }
        table.insert(sub);
    }
    Reply::json(
        StatusCode::CREATED,
        with_context(answer, exchange, version, true),
    )
}

/// `path` with the store's canonical keys.
fn canonical(store: &Store, path: Vec<String>) -> Vec<String> {
    match store.resolve(&StorePath(path)) {
        Target::Collection(c) | Target::Unknown(c) => c,
        Target::Entity { mut collection, id } => {
            collection.push(id);
            collection
        }
        Target::Missing {
            mut collection,
            key,
        } => {
            collection.push(key);
            collection
        }
    }
}

/// `/{version}/subscriptions/{id}`: `GET`, `PATCH` (renew), `DELETE`.
pub(crate) fn one(version: &str, id: &str, exchange: &mut Exchange<'_>) -> Reply {
    let body = match json_body(exchange) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let notifier = &exchange.shared.notifier;
    let now = now_nanos();
    let mut table = notifier.lock_subscriptions();
    match *exchange.method {
        Method::GET => match table.get(id, now) {
            Some(s) => Reply::json(
                StatusCode::OK,
                with_context(s.to_json(), exchange, version, true),
            ),
            None => not_found(),
        },
        Method::DELETE => match table.remove(id) {
            Some(s) if s.live(now) => Reply::no_content(),
            _ => not_found(),
        },
        Method::PATCH => {
            let Some(sub) = table.get_mut(id, now) else {
                return not_found();
            };
            let Some(Value::Object(patch)) = body else {
                return invalid(
                    "The request body must be a JSON object with 'expirationDateTime'.",
                );
            };
            if let Some(other) = patch.keys().find(|k| *k != "expirationDateTime") {
                return invalid(&format!(
                    "Only 'expirationDateTime' can be changed on a subscription, not '{other}'."
                ));
            }
            let Some(Value::String(text)) = patch.get("expirationDateTime") else {
                return invalid("The property 'expirationDateTime' is required (a string).");
            };
            match subscriptions::expiration(text, &sub.resource_path, now) {
                Ok((expires, text)) => {
                    sub.expires = expires;
                    sub.expiration_text = text;
                    Reply::json(
                        StatusCode::OK,
                        with_context(sub.to_json(), exchange, version, true),
                    )
                }
                Err(message) => invalid(&message),
            }
        }
        ref m => method_not_allowed(m),
    }
}

/// `POST /{version}/subscriptions/{id}/reauthorize`: `204` for a live subscription.
pub(crate) fn reauthorize(id: &str, exchange: &Exchange<'_>) -> Reply {
    match exchange
        .shared
        .notifier
        .lock_subscriptions()
        .get(id, now_nanos())
    {
        Some(_) => Reply::no_content(),
        None => not_found(),
    }
}

/// `POST /emulator/subscriptions/{id}/lifecycle` with `{"event": "…"}`: `202` once queued.
pub(crate) fn lifecycle(id: &str, exchange: &mut Exchange<'_>) -> Reply {
    let body = match json_body(exchange) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let event = match body.as_ref().and_then(|b| b.get("event")).and_then(Value::as_str) {
        Some(e) => e.parse::<LifecycleEvent>(),
        None => Err("the body must be {\"event\": \"reauthorizationRequired\" | \"subscriptionRemoved\" | \"missed\"}".into()),
    };
    let event = match event {
        Ok(e) => e,
        Err(message) => return invalid(&message),
    };
    match exchange.shared.notifier.lifecycle(id, event) {
        Ok(()) => Reply {
            status: StatusCode::ACCEPTED,
            ..Reply::no_content()
        },
        Err(LifecycleError::UnknownSubscription) => not_found(),
        Err(e @ LifecycleError::NoLifecycleUrl) => invalid(&format!("{e}.")),
        Err(e) => Reply::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            &format!("{e}."),
        ),
    }
}

/// `GET /common/discovery/v2.0/keys`.
pub(crate) fn keys() -> Reply {
    match rich::jwks() {
        Ok(jwks) => Reply::json(StatusCode::OK, jwks),
        Err(message) => Reply::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            &message,
        ),
    }
}
