//! The JSON form of a `$batch`: one request of the body, and one answer read back.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::{Answer, Item};

/// One request of a `$batch` body. The URL is written as Graph documents it for Graph roots
/// (`/users`, relative to the version root) and as the OData spec gives it for other services
/// (`users`, relative to the service root, which may have a path of its own); a content-ID
/// reference is `$1/tasks` for both.
pub(super) fn item_json(item: &Item, graph: bool) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), Value::String(item.id.clone()));
    o.insert(
        "method".into(),
        Value::String(item.method.as_str().to_owned()),
    );
    let url = if item.url.starts_with("/$") || !graph {
        item.url.trim_start_matches('/').to_owned()
    } else {
        item.url.clone()
    };
    o.insert("url".into(), Value::String(url));
    let mut headers = Map::new();
    for (k, v) in &item.headers {
        if let Ok(v) = v.to_str() {
            headers.insert(k.as_str().to_owned(), Value::String(v.to_owned()));
        }
    }
    if item.eventual && graph {
        headers
            .entry("consistencylevel")
            .or_insert_with(|| Value::String("eventual".into()));
    }
    if let Some(body) = &item.body {
        headers
            .entry("content-type")
            .or_insert_with(|| Value::String("application/json".into()));
        o.insert("body".into(), body.clone());
    }
    if !headers.is_empty() {
        o.insert("headers".into(), Value::Object(headers));
    }
    if !item.depends_on.is_empty() {
        o.insert("dependsOn".into(), json!(item.depends_on));
    }
    Value::Object(o)
}

/// The `responses` of a `$batch` answer, each kept as the raw JSON text it was sent as: nothing
/// is parsed into a `serde_json::Value` tree, and an item's JSON body is a slice of the reply's
/// bytes, so reading the answer holds it once.
#[derive(Deserialize)]
pub(super) struct Reply<'a> {
    #[serde(borrow, default)]
    pub(super) responses: Vec<&'a RawValue>,
}

/// One answer of a `$batch`, as far as the client reads it.
#[derive(Deserialize)]
struct WireAnswer<'a> {
    id: String,
    status: u16,
    #[serde(default)]
    headers: Option<Map<String, Value>>,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
}

/// One answer of a `$batch` reply (`reply` is the whole body the raw value was read from); `None`
/// when it has no readable id or status.
pub(super) fn answer_of(reply: &Bytes, response: &RawValue) -> Option<(String, Answer)> {
    let wire: WireAnswer<'_> = serde_json::from_str(response.get()).ok()?;
    let status = StatusCode::from_u16(wire.status).ok()?;
    let mut headers = HeaderMap::new();
    for (k, v) in wire.headers.iter().flatten() {
        if let (Ok(k), Some(Ok(v))) = (
            HeaderName::try_from(k.as_str()),
            v.as_str().map(HeaderValue::try_from),
        ) {
            headers.insert(k, v);
        }
    }
    // The body is JSON for JSON answers, a string for `text/*` (a `$count`, a CSV report) and
    // base64 for anything else.
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_ascii_lowercase();
    let json = content_type.starts_with("application/json") || content_type.contains("+json");
    let raw = wire.body.map(RawValue::get).unwrap_or("null");
    let body = if raw == "null" {
        Bytes::new()
    } else if raw.starts_with('"') && !json {
        let text: String = serde_json::from_str(raw).ok()?;
        if content_type.starts_with("text/") {
            Bytes::from(text)
        } else {
            match crate::edm::Binary::from_base64(&text) {
                Ok(b) => Bytes::from(b.0),
                Err(_) => Bytes::from(text),
            }
        }
    } else {
        slice_of(reply, raw.as_bytes())
    };
    Some((
        wire.id,
        Answer {
            status,
            headers,
            body,
            gave_up_after: None,
        },
    ))
}

/// `part` as a slice of `whole` without a copy when it lies inside it (a raw value borrowed from
/// the reply always does), else a copy.
fn slice_of(whole: &Bytes, part: &[u8]) -> Bytes {
    let start = whole.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    if at >= start && at + part.len() <= start + whole.len() {
        whole.slice_ref(part)
    } else {
        Bytes::copy_from_slice(part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Request;
    use crate::batch::Batch;

    #[test]
    fn item_urls_follow_graph_for_graph_roots_and_the_spec_otherwise() {
        let mut batch = Batch::new();
        let list = batch.add(Request::<Value>::post("/me/todo/lists", &json!({})));
        let _ = batch.add(Request::<Value>::get(list.path("tasks")).query("$top", "2"));
        let urls = |graph: bool| -> Vec<Value> {
            batch
                .items
                .iter()
                .map(|i| item_json(i, graph)["url"].clone())
                .collect()
        };
        assert_eq!(
            urls(true),
            [json!("/me/todo/lists"), json!("$1/tasks?$top=2")]
        );
        assert_eq!(
            urls(false),
            [json!("me/todo/lists"), json!("$1/tasks?$top=2")]
        );
        assert_eq!(batch.items[1].depends_on, ["1"]);
    }
}
