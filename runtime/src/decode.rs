//! Decoding a 2xx answer: JSON into the response type (naming the JSON path that failed), and the
//! answer of an action or function, which may come wrapped in `{"value": …}`.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::Error;
use crate::error::DecodeError;
use crate::redact::snippet;

/// Turns a 2xx answer into the request's response type.
pub type Decoder<T> = fn(StatusCode, &HeaderMap, Bytes) -> Result<T, Error>;

/// Decodes a JSON body into `T`, naming the JSON path that failed.
pub fn decode_json<T: DeserializeOwned>(
    _status: StatusCode,
    _headers: &HeaderMap,
    body: Bytes,
) -> Result<T, Error> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &body
    };
    let mut de = serde_json::Deserializer::from_slice(text);
    let fail = |path: String, inner: serde_json::Error| {
        let at = byte_offset(text, inner.line(), inner.column());
        Error::decode(
            DecodeError {
                path,
                snippet: snippet(text, at, 60),
                target: std::any::type_name::<T>(),
            },
            inner,
        )
    };
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        fail(path, e.into_inner())
    })?;
    de.end().map_err(|e| fail(".".to_owned(), e))?;
    Ok(value)
}

/// The byte offset of a 1-based line and column (serde_json's error position).
fn byte_offset(text: &[u8], line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split(|b| *b == b'\n').enumerate() {
        if i + 1 == line {
            return offset + column.saturating_sub(1).min(l.len());
        }
        offset += l.len() + 1;
    }
    text.len()
}

/// Decodes the answer of an action or function: a bare value, or a value wrapped as
/// `{"value": …}` (collections and primitives always are; some older actions wrap a single entity,
/// as the beta `createLink` page shows). An empty body decodes as `null`.
pub fn decode_operation<T: serde::de::DeserializeOwned>(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: bytes::Bytes,
) -> Result<T, crate::Error> {
    let value: serde_json::Value = decode_json(status, headers, body.clone())?;
    let inner = match value {
        serde_json::Value::Object(mut o)
            if o.contains_key("value") && o.keys().all(|k| k == "value" || k.starts_with('@')) =>
        {
            o.remove("value").unwrap_or(serde_json::Value::Null)
        }
        other => other,
    };
    let text = serde_json::to_vec(&inner).map_err(|e| crate::Error::build(e.to_string()))?;
    decode_json(status, headers, bytes::Bytes::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Task {
        id: String,
        #[serde(rename = "createdDateTime")]
        created: String,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Page {
        value: Vec<Task>,
    }

    fn decode<T: DeserializeOwned>(body: &str) -> Result<T, Error> {
        decode_json::<T>(
            StatusCode::OK,
            &HeaderMap::new(),
            Bytes::copy_from_slice(body.as_bytes()),
        )
    }

    #[test]
    fn decode_error_names_the_json_path_and_shows_a_snippet() {
        let body =
            r#"{"value":[{"id":"1","createdDateTime":"x"},{"id":"2","createdDateTime":42}]}"#;
        let err = decode::<Page>(body).unwrap_err();
        assert!(err.is_decode());
        let d = err.decode_error().unwrap();
        assert_eq!(d.path, "value[1].createdDateTime");
        assert!(
            d.snippet.contains("\"createdDateTime\":42"),
            "{}",
            d.snippet
        );
        let text = err.to_string();
        assert!(text.contains("value[1].createdDateTime"), "{text}");
        assert!(text.contains("Page"), "{text}");
    }

    #[test]
    fn empty_body_decodes_as_null_and_trailing_garbage_fails() {
        assert_eq!(decode::<Option<Value>>("").unwrap(), None);
        decode::<()>("  ").unwrap();
        let err = decode::<Value>(r#"{"a":1} x"#).unwrap_err();
        assert!(err.is_decode());
        assert!(decode::<Page>("").is_err());
    }

    fn op<T: serde::de::DeserializeOwned>(body: Value) -> Result<T, crate::Error> {
        decode_operation(
            http::StatusCode::OK,
            &http::HeaderMap::new(),
            bytes::Bytes::from(body.to_string()),
        )
    }

    #[test]
    fn operation_results_are_unwrapped_when_wrapped() {
        let bare: Value = op(json!({"id": "p1", "roles": ["read"]})).unwrap();
        assert_eq!(bare["id"], "p1");
        let wrapped: Value = op(json!({"@odata.context": "x", "value": {"id": "p1"}})).unwrap();
        assert_eq!(wrapped, json!({"id": "p1"}));
        let n: i64 = op(json!({"value": 3})).unwrap();
        assert_eq!(n, 3);
        let list: Vec<String> = op(json!({"value": ["a", "b"]})).unwrap();
        assert_eq!(list, ["a", "b"]);
        // An entity that has a `value` property among others is not unwrapped.
        let e: Value = op(json!({"id": "1", "value": 5})).unwrap();
        assert_eq!(e["value"], 5);
        let none: Option<Value> = decode_operation(
            http::StatusCode::NO_CONTENT,
            &http::HeaderMap::new(),
            bytes::Bytes::new(),
        )
        .unwrap();
        assert_eq!(none, None);
    }
}
