//! Decoding a 2xx answer: JSON into the response type (naming the JSON path that failed), and the
//! answer of an action or function, which may come wrapped in `{"value": …}`.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::DecodeError;
use crate::redact::snippet;
use crate::{Error, ErrorKind};

mod budget;

use budget::{Budget, Budgeted};

std::thread_local! {
    /// The decoded-size limit of the call whose answer this thread is decoding (see [`scoped`]).
    static LIMIT: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Runs `decode` (a [`Decoder`], which takes no settings) with `limit` as the
/// `max_decoded_size` the JSON decoders on this thread apply; the previous limit comes back
/// afterwards, even if `decode` panics.
pub(crate) fn scoped<R>(limit: u64, decode: impl FnOnce() -> R) -> R {
    struct Restore(Option<u64>);
    impl Drop for Restore {
        fn drop(&mut self) {
            LIMIT.set(self.0);
        }
    }
    let _restore = Restore(LIMIT.replace(Some(limit)));
    decode()
}

/// The limit for a decode outside a call (a decoder called directly): three times the default
/// body limit.
fn current_limit() -> u64 {
    LIMIT.get().unwrap_or(
        crate::limits::DEFAULT_MAX_RESPONSE_SIZE.saturating_mul(crate::limits::DECODED_SIZE_FACTOR),
    )
}

/// Turns a 2xx answer into the request's response type.
pub type Decoder<T> = fn(StatusCode, &HeaderMap, Bytes) -> Result<T, Error>;

/// Decodes a JSON body into `T`, naming the JSON path that failed.
///
/// The heap the decoded value takes is charged as it is built; past the call's
/// [`max_decoded_size`](crate::ClientBuilder::max_decoded_size) decoding stops with
/// [`ErrorKind::TooLarge`]. Called outside a call, the limit is three times the default body
/// limit.
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
    let limit = current_limit();
    // Decoded once without tracking where it is; only a failure is decoded again, with the path.
    {
        let budget = Budget::new(limit);
        let mut de = serde_json::Deserializer::from_slice(text);
        if let Ok(value) = T::deserialize(Budgeted::new(&mut de, &budget))
            && de.end().is_ok()
        {
            return Ok(value);
        }
    }
    let budget = Budget::new(limit);
    let mut de = serde_json::Deserializer::from_slice(text);
    let fail = |path: String, inner: serde_json::Error| {
        if budget.spent_out() {
            return Error::kinded(
                ErrorKind::TooLarge,
                format!(
                    "decoding the answer into {} would take more than {limit} bytes of memory \
                     (max_decoded_size; raise it on the client builder if this answer is expected, \
                     or decode into a type that keeps less); stopped at {path}",
                    std::any::type_name::<T>()
                ),
            );
        }
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
    let value =
        serde_path_to_error::deserialize::<_, T>(Budgeted::new(&mut de, &budget)).map_err(|e| {
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
///
/// The body is read straight into `T` (or into `T` inside the wrapper): a first pass only looks at
/// the names of the top-level members, so no intermediate JSON tree is built.
pub fn decode_operation<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<T, Error> {
    if wrapped(&body) {
        decode_json::<Wrapped<T>>(status, headers, body).map(|w| w.value)
    } else {
        decode_json(status, headers, body)
    }
}

/// `{"value": …}` with nothing else but annotations (`@odata.context`, …).
#[derive(serde::Deserialize)]
struct Wrapped<T> {
    value: T,
}

/// Whether `body` is an object whose members are `value` and annotations only.
fn wrapped(body: &[u8]) -> bool {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut value = false;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == "value" {
                    value = true;
                } else if !key.starts_with('@') {
                    return Ok(false);
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(value)
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<bool, A::Error> {
            Ok(false)
        }
    }
    // A body that is not JSON is not wrapped; decoding it as `T` reports the error.
    serde_json::Deserializer::from_slice(body)
        .deserialize_any(Keys)
        .unwrap_or(false)
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

    fn tiny_objects(n: usize) -> String {
        format!("[{}]", vec![r#"{"a":0}"#; n].join(","))
    }

    #[test]
    fn a_value_of_tiny_objects_stops_at_the_decoded_limit_naming_it() {
        let body = tiny_objects(10_000); // 80 KB of JSON, megabytes as a `Value`
        let err = scoped(1 << 20, || decode::<Value>(&body)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TooLarge);
        assert!(err.to_string().contains("max_decoded_size"), "{err}");
        assert!(err.to_string().contains("1048576 bytes"), "{err}");
        // The same body into a type that keeps one byte per element fits.
        #[derive(serde::Deserialize)]
        struct A {
            #[allow(dead_code)]
            a: u8,
        }
        let small: Vec<A> = scoped(1 << 20, || decode(&body)).unwrap();
        assert_eq!(small.len(), 10_000);
        // And the `Value` fits a limit that allows for its tree.
        let v: Value = scoped(64 << 20, || decode(&body)).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(10_000));
    }

    #[derive(serde::Deserialize, Default, Debug)]
    #[serde(default)]
    #[allow(dead_code)]
    struct Wide {
        a: Option<String>,
        b: Option<String>,
        c: Option<String>,
        d: Option<String>,
        e: Option<String>,
        f: Option<String>,
        g: Option<String>,
        h: Option<String>,
        i: Option<String>,
        j: Option<String>,
    }

    #[test]
    fn a_typed_list_pays_for_the_size_of_each_element_it_keeps() {
        // `{}` is 3 bytes of JSON and a 240-byte struct: the attack works on typed models too.
        let body = format!(r#"{{"value":[{}]}}"#, vec!["{}"; 10_000].join(","));
        #[derive(serde::Deserialize, Debug)]
        struct Page {
            #[allow(dead_code)]
            value: Vec<Wide>,
        }
        let err = scoped(1 << 20, || decode::<Page>(&body)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TooLarge);
        assert!(err.to_string().contains("value"), "{err}");
        assert!(scoped(64 << 20, || decode::<Page>(&body)).is_ok());
    }

    #[test]
    fn skipped_members_and_field_names_cost_nothing() {
        let big = "x".repeat(1 << 20);
        let body = format!(r#"{{"id":"1","createdDateTime":"2","notes":"{big}"}}"#);
        let task: Task = scoped(1024, || decode(&body)).unwrap();
        assert_eq!(task.id, "1");
        // Kept, the same string is charged.
        let err = scoped(1024, || decode::<Value>(&body)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TooLarge);
    }

    #[test]
    fn the_limit_of_a_scope_ends_with_it() {
        let body = tiny_objects(1_000);
        assert!(scoped(1024, || decode::<Value>(&body)).is_err());
        assert!(decode::<Value>(&body).is_ok());
        let outer = scoped(1024, || {
            let inner = scoped(64 << 20, || decode::<Value>(&body).is_ok());
            (inner, decode::<Value>(&body).is_err())
        });
        assert_eq!(outer, (true, true));
    }

    #[test]
    fn a_malformed_body_is_a_decode_error_not_a_budget_error() {
        let err = scoped(1024, || decode::<Value>(r#"{"a":"#)).unwrap_err();
        assert!(err.is_decode(), "{err}");
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
