//! Writing a [`Reply`] as an HTTP response: ids, common headers, `innerError`, cut bodies.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::{Map, Value};

use super::Ctx;
use super::body::ReplyBody;
use crate::download::ContentBody;
use crate::routes::Reply;

/// The content type Graph sends with JSON.
pub(super) const JSON_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

pub(super) fn status_code_name(status: StatusCode) -> &'static str {
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
pub(super) fn add_inner_error(mut v: Value, ctx: &Ctx<'_>) -> Value {
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
pub(super) fn finish(reply: Reply, ctx: &Ctx<'_>, truncate: bool) -> http::Response<ReplyBody> {
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
            ReplyBody::Content(ContentBody::cut_in_half(b))
        }
        (b, _) => ReplyBody::Full(b),
    };
    builder
        .body(body)
        .unwrap_or_else(|_| http::Response::new(ReplyBody::Full(None)))
}

pub(super) fn text_response(
    status: StatusCode,
    text: String,
    ctx: &Ctx<'_>,
) -> http::Response<ReplyBody> {
    let mut response = http::Response::new(ReplyBody::Full(Some(Bytes::from(text))));
    *response.status_mut() = status;
    common_headers(response.headers_mut(), ctx);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

pub(super) fn common_headers(h: &mut HeaderMap, ctx: &Ctx<'_>) {
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
}
