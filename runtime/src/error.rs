//! The one error type of graph-odata.
//!
//! Every failure, from a malformed path to a throttled `$batch`, is an [`Error`]. It is opaque: ask it
//! what happened with [`Error::kind`] and the predicates (`is_timeout()`, `is_throttled()`, …), and read
//! the details Graph sent with [`Error::api`].

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::redact::{printable, shown_text, snippet};

/// Boxed source error.
type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What kind of failure an [`Error`] is.
///
/// New kinds may be added in minor releases, so match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request could not be built: a bad URL, path, header or body. Nothing was sent.
    Build,
    /// The connection failed, was dropped, or the response body was cut off.
    Connect,
    /// A per-try or total time limit ran out.
    Timeout,
    /// The service answered with a non-2xx status (other than an exhausted throttling budget).
    Api,
    /// The service kept answering 429/503/504 and the retry budget ran out.
    Throttled,
    /// A 2xx response body did not decode into the expected type.
    Decode,
    /// No access token could be obtained, or the service rejected it (401).
    Auth,
    /// A redirect could not be followed (too many, or from https to http).
    Redirect,
    /// The service broke the protocol in a way that is unsafe to follow: an `@odata.nextLink` to a
    /// foreign host, or the same `@odata.nextLink` twice.
    Protocol,
    /// A response body was larger than the limit the client reads
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size)); reading
    /// stopped there and the connection was dropped. Never retried.
    TooLarge,
    /// The TLS handshake failed because the server's certificate was not accepted (unknown
    /// issuer, expired, wrong name). Never retried: it does not fix itself. Behind a proxy that
    /// inspects TLS, give the client its roots through
    /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client).
    Certificate,
    /// The service answered 412: an `If-Match` (or `If-None-Match`) condition did not hold; the
    /// entity changed since its tag was read. Read it again, reapply the change, send it with the
    /// new tag. Never retried.
    PreconditionFailed,
    /// The service answered 304 to a request with `If-None-Match`: the entity still has the tag
    /// you sent, so the copy you hold is current. Never retried.
    NotModified,
    /// A long-running operation ended in a failed state; [`Error::api`] holds the operation's
    /// `error` (code and message) as the monitor reported it.
    OperationFailed,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Build => "build",
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Api => "api",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Decode => "decode",
            ErrorKind::Auth => "auth",
            ErrorKind::Redirect => "redirect",
            ErrorKind::Protocol => "protocol",
            ErrorKind::TooLarge => "too large",
            ErrorKind::Certificate => "certificate",
            ErrorKind::PreconditionFailed => "precondition failed",
            ErrorKind::NotModified => "not modified",
            ErrorKind::OperationFailed => "operation failed",
        })
    }
}

/// What the service said in a non-2xx answer: the status and the parts of Graph's error JSON
/// (`{"error": {"code", "message", "innerError": {"request-id", "client-request-id", "date"}}}`).
///
/// Fields Graph did not send are `None`. When the body was not Graph's JSON (an HTML page from a
/// proxy, say), [`ApiError::body_snippet`] holds the start of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: http::StatusCode,
    /// Graph's error `code`, e.g. `itemNotFound`.
    pub code: Option<String>,
    /// Graph's error `message`.
    pub message: Option<String>,
    /// `innerError.request-id`, else the `request-id` response header.
    pub request_id: Option<String>,
    /// `innerError.client-request-id`, else the `client-request-id` response header.
    pub client_request_id: Option<String>,
    /// `innerError.date`, as sent.
    pub date: Option<String>,
    /// The `Retry-After` the service asked for, if any.
    pub retry_after: Option<Duration>,
    /// The first bytes of a body that was not Graph's error JSON (lossy UTF-8, at most 200 chars).
    pub body_snippet: Option<String>,
    /// The `Location` header sent with the error, if any: a `410 Gone` from a delta query names
    /// the fresh start of the enumeration there (see [`delta::Resync`](crate::delta::Resync)).
    pub location: Option<String>,
}

impl ApiError {
    /// Reads an error response: Graph's JSON when it is there, else a text snippet.
    pub(crate) fn from_response(
        status: http::StatusCode,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> ApiError {
        #[derive(serde::Deserialize)]
        struct Envelope {
            error: Body,
        }
        #[derive(serde::Deserialize)]
        struct Body {
            code: Option<String>,
            message: Option<String>,
            #[serde(rename = "innerError", alias = "innererror")]
            inner_error: Option<Inner>,
        }
        #[derive(serde::Deserialize)]
        struct Inner {
            #[serde(rename = "request-id")]
            request_id: Option<String>,
            #[serde(rename = "client-request-id")]
            client_request_id: Option<String>,
            date: Option<String>,
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = crate::retry::after::parse_retry_after(headers, SystemTime::now());
        let mut api = ApiError {
            status,
            code: None,
            message: None,
            request_id: header("request-id"),
            client_request_id: header("client-request-id"),
            date: None,
            retry_after,
            body_snippet: None,
            location: header("location"),
        };
        match serde_json::from_slice::<Envelope>(body) {
            Ok(Envelope { error }) => {
                api.code = error.code;
                api.message = error.message;
                if let Some(inner) = error.inner_error {
                    api.request_id = inner.request_id.or(api.request_id);
                    api.client_request_id = inner.client_request_id.or(api.client_request_id);
                    api.date = inner.date;
                }
            }
            Err(_) if !body.is_empty() => api.body_snippet = Some(snippet(body, 0, 200)),
            Err(_) => {}
        }
        api
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Server text is shown printable and bounded (`redact::max_shown_text`); the fields keep
        // it as sent.
        write!(f, "service answered {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " ({})", shown_text(code))?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {}", shown_text(message))?;
        } else if let Some(body) = &self.body_snippet {
            write!(f, ": body `{}`", shown_text(body))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request-id {}]", shown_text(id))?;
        }
        Ok(())
    }
}

/// Where a response body failed to decode.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The JSON path that failed, e.g. `value[3].createdDateTime` (`.` for the root).
    pub path: String,
    /// A short excerpt of the body around the failure.
    pub snippet: String,
    /// The type the body was decoded into.
    pub target: &'static str,
}

/// The error type of graph-odata: one opaque value with a [`kind`](Error::kind), predicates and the
/// details the service sent ([`api`](Error::api)).
///
/// ```
/// use graph_odata_runtime::{Error, ErrorKind};
/// fn report(err: &Error) -> String {
///     match err.kind() {
///         ErrorKind::Throttled => format!("slow down, Graph asked for {:?}", err.retry_after()),
///         ErrorKind::Api if err.status() == Some(http::StatusCode::NOT_FOUND) => "gone".into(),
///         _ => err.to_string(),
///     }
/// }
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: Option<String>,
    api: Option<ApiError>,
    decode: Option<DecodeError>,
    attempts: u32,
    client_request_id: Option<String>,
    /// No connection was made: the request cannot have reached the server.
    unsent: bool,
    /// The call went to a Microsoft Graph root (messages say "Graph"; else "the service").
    graph: bool,
    source: Option<BoxError>,
}

impl Error {
    fn new(kind: ErrorKind) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: None,
                api: None,
                decode: None,
                attempts: 0,
                client_request_id: None,
                unsent: false,
                graph: false,
                source: None,
            }),
        }
    }

    /// A [`ErrorKind::Build`] error: the input named in `message` was wrong; nothing was sent.
    pub fn build(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Build).with_message(message)
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Error {
        self.inner.message = Some(message.into());
        self
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Error {
        self.inner.source = Some(source.into());
        self
    }

    pub(crate) fn kinded(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind).with_message(message)
    }

    pub(crate) fn from_api(api: ApiError) -> Error {
        let kind = match api.status {
            http::StatusCode::UNAUTHORIZED => ErrorKind::Auth,
            http::StatusCode::PRECONDITION_FAILED => ErrorKind::PreconditionFailed,
            http::StatusCode::NOT_MODIFIED => ErrorKind::NotModified,
            _ => ErrorKind::Api,
        };
        let mut err = Error::new(kind);
        err.inner.api = Some(api);
        err
    }

    pub(crate) fn operation_failed(api: ApiError) -> Error {
        let mut err = Error::new(ErrorKind::OperationFailed);
        err.inner.api = Some(api);
        err
    }

    pub(crate) fn throttled(api: ApiError) -> Error {
        let mut err = Error::new(ErrorKind::Throttled);
        err.inner.api = Some(api);
        err
    }

    pub(crate) fn decode(decode: DecodeError, source: serde_json::Error) -> Error {
        let mut err = Error::new(ErrorKind::Decode).with_source(source);
        err.inner.decode = Some(decode);
        err
    }

    /// Classifies a reqwest failure, with the URL removed (it may carry a pre-authenticated token).
    pub(crate) fn transport(err: reqwest::Error) -> Error {
        let unsent = err.is_connect();
        if unsent && let Some(reason) = certificate_failure(&err) {
            return Error::kinded(
                ErrorKind::Certificate,
                format!("the server's TLS certificate was not accepted ({reason}); not retried"),
            )
            .with_source(err.without_url())
            .unsent();
        }
        let kind = if err.is_timeout() {
            ErrorKind::Timeout
        } else if err.is_builder() {
            ErrorKind::Build
        } else {
            ErrorKind::Connect
        };
        let message = if err.is_body() || err.is_decode() {
            "the connection failed while reading the response body"
        } else if err.is_connect() {
            "could not connect to the service"
        } else {
            "the connection failed"
        };
        let error = Error::kinded(kind, message).with_source(err.without_url());
        if unsent { error.unsent() } else { error }
    }

    /// Marks an error as happening before anything was sent.
    pub(crate) fn unsent(mut self) -> Error {
        self.inner.unsent = true;
        self
    }

    /// Whether the request may have reached the server.
    pub(crate) fn was_sent(&self) -> bool {
        !self.inner.unsent
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Error {
        self.inner.attempts = attempts;
        self
    }

    pub(crate) fn set_call_info(&mut self, attempts: u32, client_request_id: &str, graph: bool) {
        self.inner.attempts = attempts;
        self.inner.client_request_id = Some(client_request_id.to_owned());
        self.inner.graph = graph;
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.inner.api.as_ref().map(|a| a.status)
    }

    /// What the service said, when it answered with a non-2xx status.
    pub fn api(&self) -> Option<&ApiError> {
        self.inner.api.as_ref()
    }

    /// Graph's error `code` (`itemNotFound`, `TooManyRequests`, …).
    pub fn code(&self) -> Option<&str> {
        self.inner.api.as_ref()?.code.as_deref()
    }

    /// Graph's `innerError.request-id` (or `request-id` header): quote it to Microsoft support.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.api.as_ref()?.request_id.as_deref()
    }

    /// The `client-request-id` this library sent for the call (the same on every retry).
    pub fn client_request_id(&self) -> Option<&str> {
        self.inner.client_request_id.as_deref()
    }

    /// The last `Retry-After` the service asked for.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.api.as_ref()?.retry_after
    }

    /// Where decoding a 2xx body failed.
    pub fn decode_error(&self) -> Option<&DecodeError> {
        self.inner.decode.as_ref()
    }

    /// How many times the request was sent (0 when it never left the process).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The request could not be built; nothing was sent.
    pub fn is_build(&self) -> bool {
        self.kind() == ErrorKind::Build
    }
    /// The connection failed or was dropped.
    pub fn is_connect(&self) -> bool {
        self.kind() == ErrorKind::Connect
    }
    /// A time limit ran out.
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }
    /// The service answered with a non-2xx status.
    pub fn is_api(&self) -> bool {
        self.inner.api.is_some()
    }
    /// The retry budget ran out while the service was throttling.
    pub fn is_throttled(&self) -> bool {
        self.kind() == ErrorKind::Throttled
    }
    /// A response body did not decode.
    pub fn is_decode(&self) -> bool {
        self.kind() == ErrorKind::Decode
    }
    /// Authentication failed (no token, or 401).
    pub fn is_auth(&self) -> bool {
        self.kind() == ErrorKind::Auth
    }

    /// Whether an `If-Match`/`If-None-Match` condition failed: 412 ([`ErrorKind::PreconditionFailed`]).
    pub fn is_precondition_failed(&self) -> bool {
        self.kind() == ErrorKind::PreconditionFailed
    }

    /// Whether the entity is unchanged since the tag sent with `If-None-Match`: 304
    /// ([`ErrorKind::NotModified`]).
    pub fn is_not_modified(&self) -> bool {
        self.kind() == ErrorKind::NotModified
    }

    /// Whether the server's TLS certificate was refused ([`ErrorKind::Certificate`]).
    pub fn is_certificate(&self) -> bool {
        self.kind() == ErrorKind::Certificate
    }

    /// Whether a response body exceeded the size limit ([`ErrorKind::TooLarge`]).
    pub fn is_too_large(&self) -> bool {
        self.kind() == ErrorKind::TooLarge
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        match inner.kind {
            ErrorKind::Build => f.write_str("invalid request")?,
            ErrorKind::Connect => f.write_str("connection error")?,
            ErrorKind::Timeout => f.write_str("timed out")?,
            ErrorKind::Api if inner.graph => f.write_str("Graph API error")?,
            ErrorKind::Api => f.write_str("API error")?,
            ErrorKind::Throttled => f.write_str("throttled")?,
            ErrorKind::Decode => f.write_str("could not decode the response")?,
            ErrorKind::Auth => f.write_str("authentication failed")?,
            ErrorKind::Redirect => f.write_str("redirect refused")?,
            ErrorKind::Protocol => f.write_str("protocol violation")?,
            ErrorKind::TooLarge => f.write_str("response too large")?,
            ErrorKind::Certificate => f.write_str("certificate refused")?,
            ErrorKind::PreconditionFailed => f.write_str("precondition failed")?,
            ErrorKind::NotModified => f.write_str("not modified")?,
            ErrorKind::OperationFailed => f.write_str("the long-running operation failed")?,
        }
        if let Some(message) = &inner.message {
            write!(f, ": {}", shown_text(message))?;
        }
        if let Some(decode) = &inner.decode {
            write!(
                f,
                ": into `{}` at `{}` near `{}`",
                decode.target,
                shown_text(&decode.path),
                shown_text(&decode.snippet)
            )?;
            if let Some(source) = &inner.source {
                write!(f, " ({})", shown_text(&source.to_string()))?;
            }
        }
        if let Some(api) = &inner.api {
            write!(f, ": {api}")?;
        }
        if inner.kind == ErrorKind::Throttled {
            write!(f, " (gave up after {} attempts)", inner.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &inner.kind);
        if let Some(message) = &inner.message {
            d.field("message", message);
        }
        if let Some(api) = &inner.api {
            d.field("api", api);
        }
        if let Some(decode) = &inner.decode {
            d.field("decode", decode);
        }
        if inner.attempts > 0 {
            d.field("attempts", &inner.attempts);
        }
        if let Some(id) = &inner.client_request_id {
            d.field("client_request_id", id);
        }
        if let Some(source) = &inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| &**s as &(dyn std::error::Error + 'static))
    }
}

/// Whether a connect error comes from a certificate the TLS backend refused. The backends
/// (rustls, native-tls) are reached through reqwest and hyper without a stable type to match, so
/// the error chain's messages are read; both name the certificate.
fn certificate_failure(err: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(err);
    while let Some(e) = source {
        let text = e.to_string();
        let lower = text.to_ascii_lowercase();
        if lower.contains("certificate") || lower.contains("unknownissuer") {
            return Some(printable(&text, 200));
        }
        source = e.source();
    }
    None
}

#[cfg(test)]
mod tests;
