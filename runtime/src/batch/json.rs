//! The JSON form of a `$batch`: one request of the body, and one answer read back.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
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

pub(super) fn answer_of(response: &Value) -> Option<(String, Answer)> {
    let id = response.get("id")?.as_str()?.to_owned();
    let status =
        StatusCode::from_u16(u16::try_from(response.get("status")?.as_u64()?).ok()?).ok()?;
    let mut headers = HeaderMap::new();
    if let Some(Value::Object(h)) = response.get("headers") {
        for (k, v) in h {
            if let (Ok(k), Some(Ok(v))) = (
                HeaderName::try_from(k.as_str()),
                v.as_str().map(HeaderValue::try_from),
            ) {
                headers.insert(k, v);
            }
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
    let body = match response.get("body") {
        None | Some(Value::Null) => Bytes::new(),
        Some(Value::String(s)) if content_type.starts_with("text/") => Bytes::from(s.clone()),
        Some(Value::String(s)) if !json => match crate::edm::Binary::from_base64(s) {
            Ok(b) => Bytes::from(b.0),
            Err(_) => Bytes::from(s.clone()),
        },
        Some(v) => Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
    };
    Some((
        id,
        Answer {
            status,
            headers,
            body,
            gave_up_after: None,
        },
    ))
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
