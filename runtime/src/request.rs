//! Requests as plain values: method, path, query, headers, body and the decoder of the answer.

use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::decode::{Decoder, decode_json};
use crate::redact::{
    REDACTED, RedactedHeaders, is_sensitive_query_param, log_path, origin_only, redact_url,
};

/// One call to the service, built without a client: method, path, query, headers, body, and what the
/// response decodes into (`T`).
///
/// A `Request` can be sent ([`Client::send`](crate::Client::send)), inspected in a test, or printed.
/// The path is relative to the client's service root (`/me/todo/lists`) and already percent-encoded;
/// use [`path::encode_segment`](crate::path::encode_segment) for key values. An absolute `https://`
/// URL (an `@odata.nextLink`) is sent as is; the token goes with it only to the client's own host and
/// the hosts it allows.
///
/// ```
/// use graph_odata_runtime::Request;
/// use serde_json::{json, Value};
///
/// let list: Request<Value> = Request::get("/me/todo/lists").query("$top", "5");
/// assert_eq!(list.url_path(), "/me/todo/lists?$top=5");
///
/// let create: Request<Value> = Request::post("/me/todo/lists", &json!({"displayName": "Groceries"}));
/// assert_eq!(create.body_json(), Some(json!({"displayName": "Groceries"})));
///
/// let delete = Request::delete("/me/todo/lists/AAMk");   // Request<()>: 204 expected
/// assert_eq!(delete.method(), http::Method::DELETE);
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct Request<T = serde_json::Value> {
    method: Method,
    path: String,
    /// Query options in order; [`Request::query`] (in `query.rs`) merges repeated system options.
    pub(crate) query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<Bytes>,
    error: Option<String>,
    anonymous: bool,
    eventual: bool,
    max_response_size: Option<u64>,
    /// Texts that never appear in `Debug` output or logs (see [`Request::redact`]).
    secrets: Vec<String>,
    decode: Decoder<T>,
    _t: PhantomData<fn() -> T>,
}

/// The per-request settings every page of a collection shares with the first request:
/// [`Request::without_auth`] and [`Request::max_response_size`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Settings {
    anonymous: bool,
    max_response_size: Option<u64>,
}

impl<T> Clone for Request<T> {
    fn clone(&self) -> Self {
        Request {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            error: self.error.clone(),
            anonymous: self.anonymous,
            eventual: self.eventual,
            max_response_size: self.max_response_size,
            secrets: self.secrets.clone(),
            decode: self.decode,
            _t: PhantomData,
        }
    }
}

impl<T: DeserializeOwned> Request<T> {
    /// A request whose 2xx response body is JSON decoded into `T`. An empty body (204) decodes as
    /// JSON `null`, so `Option<T>` and `()` accept it.
    pub fn new(method: Method, path: impl Into<String>) -> Request<T> {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            error: None,
            anonymous: false,
            eventual: false,
            max_response_size: None,
            secrets: Vec::new(),
            decode: decode_json::<T>,
            _t: PhantomData,
        }
    }

    /// `GET path`, response decoded from JSON.
    pub fn get(path: impl Into<String>) -> Request<T> {
        Request::new(Method::GET, path)
    }

    /// `POST path` with a JSON body.
    pub fn post<B: Serialize + ?Sized>(path: impl Into<String>, body: &B) -> Request<T> {
        Request::new(Method::POST, path).json(body)
    }

    /// `PUT path` with a JSON body.
    pub fn put<B: Serialize + ?Sized>(path: impl Into<String>, body: &B) -> Request<T> {
        Request::new(Method::PUT, path).json(body)
    }

    /// `PATCH path` with a JSON body. Graph answers most updates with 204, so `Request<()>` or
    /// `Request<Option<T>>` is the usual response type.
    pub fn patch<B: Serialize + ?Sized>(path: impl Into<String>, body: &B) -> Request<T> {
        Request::new(Method::PATCH, path).json(body)
    }
}

impl Request<()> {
    /// `DELETE path`; any 2xx succeeds and the body is ignored.
    pub fn delete(path: impl Into<String>) -> Request<()> {
        Request::<()>::new(Method::DELETE, path).no_content()
    }
}

impl<T> Request<T> {
    /// Sets a header. An invalid name or value is reported by `send` as a [`Build`](crate::ErrorKind::Build) error.
    pub fn header(mut self, name: &str, value: &str) -> Request<T> {
        match (
            HeaderName::try_from(name),
            HeaderValue::try_from(value.to_owned()),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.insert(n, v);
            }
            (Err(_), _) => self.fail(format!("invalid header name `{name}`")),
            (_, Err(_)) => self.fail(format!("invalid value for header `{name}`")),
        }
        self
    }

    /// Sends `If-Match: etag`: the service applies an update or delete only if the entity still
    /// has this entity tag (from [`Response::etag`](crate::Response::etag) or a model's
    /// `#[graph(odata_etag)]` field), and answers 412 otherwise ([`ErrorKind::PreconditionFailed`](crate::ErrorKind::PreconditionFailed),
    /// never retried). `"*"` matches any existing entity. Planner requires it on every change.
    ///
    /// ```
    /// # use graph_odata_runtime::Request;
    /// let r: Request<()> = Request::delete("/planner/tasks/01gzSlKkIUSUl6DF_EilrmQAKDhh")
    ///     .if_match(r#"W/"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAQCc=""#);
    /// assert_eq!(r.headers()["if-match"], r#"W/"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAQCc=""#);
    /// ```
    pub fn if_match(self, etag: &str) -> Request<T> {
        self.header("if-match", etag)
    }

    /// Sends `If-None-Match: etag`: on a GET the service answers 304 when the entity still has this
    /// tag, which the client reports as [`ErrorKind::NotModified`](crate::ErrorKind::NotModified)
    /// (keep your copy); never retried.
    pub fn if_none_match(self, etag: &str) -> Request<T> {
        self.header("if-none-match", etag)
    }

    /// Sets a JSON body (and `Content-Type: application/json`). A value that cannot be serialised
    /// is reported by `send` as a [`Build`](crate::ErrorKind::Build) error.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Request<T> {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some(Bytes::from(bytes));
                self.headers.insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
            Err(e) => self.fail(format!("the request body could not be serialised: {e}")),
        }
        self
    }

    /// Sets a raw body with its content type.
    pub fn body_bytes(mut self, body: impl Into<Bytes>, content_type: &str) -> Request<T> {
        self.body = Some(body.into());
        self.header(http::header::CONTENT_TYPE.as_str(), content_type)
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// Copies headers onto this request (later pages of a collection keep the first page's headers,
    /// such as `ConsistencyLevel`).
    pub(crate) fn with_headers(mut self, headers: &HeaderMap) -> Request<T> {
        for (k, v) in headers {
            if k != http::header::CONTENT_TYPE {
                self.headers.insert(k.clone(), v.clone());
            }
        }
        self
    }

    /// Sends no `Authorization` header, even to the service's own host (pre-authenticated URLs such
    /// as upload sessions must not receive the token).
    pub fn without_auth(mut self) -> Request<T> {
        self.anonymous = true;
        self
    }

    pub(crate) fn is_anonymous(&self) -> bool {
        self.anonymous
    }

    /// The per-request settings a follow-up request (the next page of a collection) carries
    /// over besides the headers.
    pub(crate) fn settings(&self) -> Settings {
        Settings {
            anonymous: self.anonymous,
            max_response_size: self.max_response_size,
        }
    }

    /// Applies the settings of another request (see [`Request::settings`]).
    pub(crate) fn with_settings(mut self, settings: Settings) -> Request<T> {
        self.anonymous = settings.anonymous;
        self.max_response_size = settings.max_response_size;
        self
    }

    /// Asks Microsoft Graph for an eventually consistent answer: the client sends
    /// `ConsistencyLevel: eventual` when its service root is a Graph root, and nothing for other
    /// OData services (the header is Graph's own). [`count`](Request::count) and
    /// [`search`](Request::search) set it; advanced directory queries (`$filter` with `endsWith`,
    /// `ne`, `not`) need it too. To send the header to any service, use
    /// [`header`](Request::header).
    ///
    /// ```
    /// use graph_odata_runtime::Request;
    /// let r: Request = Request::get("/users").eventual_consistency();
    /// assert!(r.is_eventual_consistency());
    /// assert!(r.headers().get("consistencylevel").is_none()); // added when sent, to Graph only
    /// ```
    pub fn eventual_consistency(mut self) -> Request<T> {
        self.eventual = true;
        self
    }

    /// Whether [`eventual_consistency`](Request::eventual_consistency) was asked for.
    pub fn is_eventual_consistency(&self) -> bool {
        self.eventual
    }

    /// The most bytes of a 2xx response body this request reads, instead of the client's
    /// [`max_response_size`](crate::ClientBuilder::max_response_size). Past it reading stops, the
    /// connection is dropped and the call fails with [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge)
    /// (never retried).
    ///
    /// ```
    /// use graph_odata_runtime::Request;
    /// let export: Request<serde_json::Value> = Request::get("/me/messages").max_response_size(512 << 20);
    /// assert_eq!(export.get_max_response_size(), Some(512 << 20));
    /// ```
    pub fn max_response_size(mut self, bytes: u64) -> Request<T> {
        self.max_response_size = Some(bytes);
        self
    }

    /// The limit set with [`Request::max_response_size`], if any.
    pub fn get_max_response_size(&self) -> Option<u64> {
        self.max_response_size
    }

    /// Marks the request as unsendable: `send` reports `message` as a
    /// [`Build`](crate::ErrorKind::Build) error without sending anything.
    pub fn with_error(mut self, message: impl Into<String>) -> Request<T> {
        self.fail(message.into());
        self
    }

    fn with<U>(self, decode: Decoder<U>) -> Request<U> {
        Request {
            method: self.method,
            path: self.path,
            query: self.query,
            headers: self.headers,
            body: self.body,
            error: self.error,
            anonymous: self.anonymous,
            eventual: self.eventual,
            max_response_size: self.max_response_size,
            secrets: self.secrets,
            decode,
            _t: PhantomData,
        }
    }

    /// Decodes the response as JSON into `U` instead.
    pub fn expect<U: DeserializeOwned>(self) -> Request<U> {
        self.with(decode_json::<U>)
    }

    /// Expects no body (204); any 2xx succeeds.
    pub fn no_content(self) -> Request<()> {
        self.with(|_, _, _| Ok(()))
    }

    /// Returns the raw response body.
    pub fn bytes(self) -> Request<Bytes> {
        self.with(|_, _, body| Ok(body))
    }

    /// Decodes the response with a function of your own (used by generated code for response shapes
    /// such as a single entity wrapped in `{"value": …}`).
    pub fn decode_with<U>(self, decode: Decoder<U>) -> Request<U> {
        self.with(decode)
    }

    /// Marks `text` (a secret written into the path or a query value, such as a password passed
    /// to a function) as never to appear in `Debug` output or in the `graph_odata.call` span:
    /// where it occurs it prints as `** redacted **`. `#[graph(secret)]` parameters are marked this
    /// way by the generated code.
    ///
    /// ```
    /// use graph_odata_runtime::Request;
    /// let r: Request = Request::get("/unlock(password='hunter2')").redact("'hunter2'");
    /// assert!(!format!("{r:?}").contains("hunter2"));
    /// ```
    pub fn redact(mut self, text: impl Into<String>) -> Request<T> {
        let text = text.into();
        if !text.is_empty() {
            self.secrets.push(text);
        }
        self
    }

    /// `text` with every secret marked by [`Request::redact`] replaced.
    fn hide_secrets(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), REDACTED);
        }
        out
    }

    /// `text` (a path or URL) with the secrets marked by [`Request::redact`] redacted, matched in the
    /// percent-decoded text too (which is then shown decoded), and with what [`redact_url`]
    /// redacts; an absolute URL of a request [`without_auth`](Request::without_auth) shown by its
    /// origin only.
    fn redacted(&self, text: &str) -> String {
        // An absolute URL sent without the token is pre-authenticated (an upload session, a
        // download link): its path and query are the credential, so only its origin is shown.
        if self.anonymous && text.contains("://") {
            return origin_only(text);
        }
        let text = redact_url(text);
        if self.secrets.is_empty() {
            return text;
        }
        let decoded = percent_encoding::percent_decode_str(&text).decode_utf8_lossy();
        if self.secrets.iter().any(|s| decoded.contains(s.as_str())) {
            self.hide_secrets(&decoded)
        } else {
            self.hide_secrets(&text)
        }
    }

    /// The path for logs: without its query, redacted.
    pub(crate) fn log_path(&self) -> String {
        self.redacted(log_path(&self.path))
    }

    /// The path and query ([`Request::url_path`]) for `Debug` output, redacted.
    pub(crate) fn shown_url_path(&self) -> String {
        self.redacted(&self.url_path())
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method.clone()
    }

    /// The path (or absolute URL) as given, without the query options added by [`Request::query`].
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query options, unencoded.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The path with the encoded query string, as it goes on the wire after the service root.
    pub fn url_path(&self) -> String {
        self.wire_path().into_owned()
    }

    /// [`Request::url_path`], borrowed when there are no query options to add.
    pub(crate) fn wire_path(&self) -> std::borrow::Cow<'_, str> {
        if self.query.is_empty() {
            return std::borrow::Cow::Borrowed(&self.path);
        }
        let mut out = self.path.clone();
        let mut sep = if out.contains('?') { '&' } else { '?' };
        for (k, v) in &self.query {
            out.push(sep);
            out.push_str(&crate::path::encode_query_component(k));
            out.push('=');
            out.push_str(&crate::path::encode_query_component(v));
            sep = '&';
        }
        std::borrow::Cow::Owned(out)
    }

    /// The headers set on this request (the client adds auth, user agent and ids when sending).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(self.body.as_deref()?).ok()
    }

    pub(crate) fn build_error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub(crate) fn decoder(&self) -> Decoder<T> {
        self.decode
    }

    pub(crate) fn body_bytes_shared(&self) -> Option<Bytes> {
        self.body.clone()
    }

    pub(crate) fn decode(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<T, Error> {
        (self.decode)(status, headers, body)
    }
}

impl<T> fmt::Debug for Request<T> {
    /// Shows method, path, query and headers; the secrets of [`crate::redact`] (sensitive headers,
    /// sensitive query values, every query value of an absolute URL, a password in the URL) and
    /// those marked by [`Request::redact`] are redacted, and the body is shown by size only,
    /// because it may hold secrets such as a sharing link's password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let absolute = self.path.contains("://");
        let query: Vec<(&str, String)> = self
            .query
            .iter()
            .map(|(k, v)| {
                let hidden = absolute
                    || is_sensitive_query_param(k)
                    || self.secrets.iter().any(|s| v.contains(s.as_str()));
                (
                    k.as_str(),
                    if hidden {
                        REDACTED.to_owned()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.redacted(&self.path))
            .field("query", &query)
            .field("headers", &RedactedHeaders::list(&self.headers))
            .field("body_len", &self.body.as_ref().map_or(0, Bytes::len))
            .field("response", &std::any::type_name::<T>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn url_path_encodes_query_values_but_keeps_dollar_keys() {
        let r: Request = Request::get("/users")
            .query("$filter", "startswith(displayName,'A&B')")
            .query("$top", "5");
        assert_eq!(
            r.url_path(),
            "/users?$filter=startswith(displayName,'A%26B')&$top=5"
        );
        let r: Request = Request::get("/users?$count=true").query("$search", "\"a b\"");
        assert_eq!(r.url_path(), "/users?$count=true&$search=%22a%20b%22");
    }

    #[test]
    fn bad_inputs_are_kept_for_send_to_report() {
        let r: Request = Request::get("/me").header("bad header", "x");
        assert_eq!(r.build_error(), Some("invalid header name `bad header`"));
        let r: Request = Request::get("/me").header("x-ok", "line\nbreak");
        assert_eq!(r.build_error(), Some("invalid value for header `x-ok`"));
    }

    #[test]
    fn debug_redacts_authorization_and_hides_the_body() {
        let r: Request = Request::post("/x", &json!({"password": "hunter2"}))
            .header("Authorization", "Bearer abc.def");
        let text = format!("{r:?}");
        assert!(!text.contains("abc.def"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("** redacted **"), "{text}");
        assert!(text.contains("body_len: 22"), "{text}");
    }
}
