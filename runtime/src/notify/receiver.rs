//! The framework-neutral receiver: `http::Request<Bytes>` in, `http::Response<Bytes>` out.
//!
//! It answers the validation handshake, checks `clientState` in constant time, verifies
//! `validationTokens` when a verifier is set, and hands the typed notifications to user code
//! through a bounded channel before answering `202 Accepted`. The answer never waits for user code:
//! when the channel has no room for the whole batch the receiver answers `503` with `Retry-After`
//! so Graph delivers it again, and hands out nothing of it (never a silent drop, never half a batch).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use super::types::{ChangeNotification, ChangeNotificationCollection};
use super::verify::{TokenCheck, constant_time_eq};

/// The default cap on a notification body (Graph's batches stay far below it).
pub const DEFAULT_MAX_BODY: usize = 4 * 1024 * 1024;
/// The default cap on a `validationToken` echoed back.
pub const DEFAULT_MAX_VALIDATION_TOKEN: usize = 1024;
/// The default number of notifications waiting for user code before the receiver answers `503`.
pub const DEFAULT_CAPACITY: usize = 1024;

/// A change-notification receiver for resource data of type `T`. Cheap to clone (an `Arc`
/// inside); every clone feeds the same [`Notifications`] stream.
///
/// ```
/// # tokio_test_block(async {
/// use bytes::Bytes;
/// use graph_odata_runtime::notify::Receiver;
///
/// let (receiver, mut notifications) = Receiver::<serde_json::Value>::builder()
///     .client_state("s3cret-state")
///     .build();
/// // The handshake Graph sends when a subscription is created:
/// let handshake = http::Request::post("/notify?validationToken=Validation%3A%20Testing")
///     .body(Bytes::new()).unwrap();
/// let answer = receiver.handle(handshake).await;
/// assert_eq!(answer.status(), 200);
/// assert_eq!(answer.body().as_ref(), b"Validation: Testing");
///
/// let body = r#"{"value":[{"subscriptionId":"s1","clientState":"s3cret-state","changeType":"updated"}]}"#;
/// let post = http::Request::post("/notify").header("content-type", "application/json")
///     .body(Bytes::from(body)).unwrap();
/// assert_eq!(receiver.handle(post).await.status(), 202);
/// assert_eq!(notifications.recv().await.unwrap().subscription_id, "s1");
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f) }
/// ```
pub struct Receiver<T> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    client_states: Vec<String>,
    max_body: usize,
    max_validation_token: usize,
    retry_after_secs: u32,
    tokens: Option<Arc<dyn TokenCheck>>,
    sender: mpsc::Sender<ChangeNotification<T>>,
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        Receiver {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> std::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("client_states", &crate::redact::REDACTED)
            .field("max_body", &self.inner.max_body)
            .field("max_validation_token", &self.inner.max_validation_token)
            .field("verifies_tokens", &self.inner.tokens.is_some())
            .field("capacity", &self.inner.sender.max_capacity())
            .finish()
    }
}

/// Settings of a [`Receiver`], from [`Receiver::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct ReceiverBuilder<T> {
    client_states: Vec<String>,
    max_body: usize,
    max_validation_token: usize,
    capacity: usize,
    retry_after_secs: u32,
    tokens: Option<Arc<dyn TokenCheck>>,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for ReceiverBuilder<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverBuilder")
            .field("client_states", &crate::redact::REDACTED)
            .field("max_body", &self.max_body)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> Receiver<T> {
    /// A builder with the defaults: no `clientState` required, [`DEFAULT_MAX_BODY`],
    /// [`DEFAULT_CAPACITY`], `Retry-After: 5` on a full channel, no token verification.
    pub fn builder() -> ReceiverBuilder<T> {
        ReceiverBuilder {
            client_states: Vec::new(),
            max_body: DEFAULT_MAX_BODY,
            max_validation_token: DEFAULT_MAX_VALIDATION_TOKEN,
            capacity: DEFAULT_CAPACITY,
            retry_after_secs: 5,
            tokens: None,
            _t: std::marker::PhantomData,
        }
    }

    /// Answers one request Graph sent to the notification URL (or the lifecycle notification URL).
    ///
    /// | request | answer |
    /// |---|---|
    /// | `validationToken` in the query (the handshake) | `200`, the token as `text/plain` |
    /// | a token longer than the cap, or with control characters | `400` |
    /// | a method other than `POST` | `405` |
    /// | a body over the cap | `413` |
    /// | a content type other than JSON | `415` |
    /// | a body that is not a `changeNotificationCollection` of `T` | `400`, naming where |
    /// | a `clientState` that is missing or wrong (when one is required) | `403` |
    /// | `validationTokens` missing or invalid (when a verifier is set and content is encrypted) | `401` |
    /// | no room for the whole batch in the channel | `503` with `Retry-After` (Graph redelivers) |
    /// | otherwise | `202`, every notification handed to [`Notifications`] |
    pub async fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        match self.try_handle(request).await {
            Ok(response) => response,
            Err(rejection) => rejection.into_response(self.inner.retry_after_secs),
        }
    }

    /// The largest body accepted, in bytes.
    pub fn max_body(&self) -> usize {
        self.inner.max_body
    }

    /// Like [`handle`](Receiver::handle), with the reason of a refusal as a typed value.
    pub async fn try_handle(&self, request: Request<Bytes>) -> Result<Response<Bytes>, Rejection> {
        if let Some(token) = validation_token(request.uri().query())? {
            return self.handshake(&token);
        }
        if request.method() != Method::POST {
            return Err(Rejection::MethodNotAllowed);
        }
        let body = request.body();
        if body.len() > self.inner.max_body {
            return Err(Rejection::BodyTooLarge {
                limit: self.inner.max_body,
            });
        }
        if !is_json(request.headers().get(header::CONTENT_TYPE)) {
            return Err(Rejection::UnsupportedContentType);
        }
        let batch = decode::<T>(body)?;
        self.check_client_state(&batch)?;
        if let Some(tokens) = &self.inner.tokens
            && batch.value.iter().any(|n| n.encrypted_content.is_some())
        {
            let presented = batch.validation_tokens.as_deref().unwrap_or_default();
            tokens.check(presented).await.map_err(Rejection::Token)?;
        }
        self.hand_out(batch.value)?;
        Ok(empty(StatusCode::ACCEPTED))
    }

    fn handshake(&self, token: &str) -> Result<Response<Bytes>, Rejection> {
        if token.len() > self.inner.max_validation_token {
            return Err(Rejection::BadValidationToken(
                "longer than the receiver's cap",
            ));
        }
        if token.chars().any(char::is_control) {
            return Err(Rejection::BadValidationToken(
                "it contains control characters",
            ));
        }
        let mut response = Response::new(Bytes::copy_from_slice(token.as_bytes()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        Ok(response)
    }

    fn check_client_state(&self, batch: &ChangeNotificationCollection<T>) -> Result<(), Rejection> {
        let expected = &self.inner.client_states;
        if expected.is_empty() {
            return Ok(());
        }
        for (index, notification) in batch.value.iter().enumerate() {
            let sent = notification.client_state.as_deref().unwrap_or_default();
            // Every configured state is compared, so the time taken does not tell which matched.
            let matched = expected
                .iter()
                .fold(false, |found, state| found | constant_time_eq(sent, state));
            if !matched {
                return Err(Rejection::ClientStateMismatch { index });
            }
        }
        Ok(())
    }

    fn hand_out(&self, items: Vec<ChangeNotification<T>>) -> Result<(), Rejection> {
        if items.is_empty() {
            return Ok(());
        }
        let permits = match self.inner.sender.try_reserve_many(items.len()) {
            Ok(permits) => permits,
            Err(mpsc::error::TrySendError::Full(())) => return Err(Rejection::Busy),
            Err(mpsc::error::TrySendError::Closed(())) => return Err(Rejection::Closed),
        };
        for (permit, item) in permits.zip(items) {
            permit.send(item);
        }
        Ok(())
    }
}

impl<T: DeserializeOwned + Send + 'static> ReceiverBuilder<T> {
    /// Requires every notification's `clientState` to equal `state` (compared in constant time).
    /// Call it again to accept several (while rotating the secret).
    pub fn client_state(mut self, state: impl Into<String>) -> Self {
        self.client_states.push(state.into());
        self
    }

    /// The largest body accepted, in bytes ([`DEFAULT_MAX_BODY`]); larger ones get `413`.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The longest `validationToken` echoed back ([`DEFAULT_MAX_VALIDATION_TOKEN`]).
    pub fn max_validation_token(mut self, bytes: usize) -> Self {
        self.max_validation_token = bytes;
        self
    }

    /// How many notifications may wait for user code ([`DEFAULT_CAPACITY`], at least 1). A batch
    /// that does not fit whole is refused with `503` so Graph delivers it again.
    pub fn capacity(mut self, notifications: usize) -> Self {
        self.capacity = notifications.max(1);
        self
    }

    /// The `Retry-After` seconds sent with a `503` (5).
    pub fn retry_after_secs(mut self, seconds: u32) -> Self {
        self.retry_after_secs = seconds;
        self
    }

    /// Verifies `validationTokens` of batches with encrypted content before answering `202`
    /// (`notify::TokenVerifier`, feature `notifications-rich`, or any [`TokenCheck`]).
    pub fn verify_tokens(mut self, verifier: impl TokenCheck + 'static) -> Self {
        self.tokens = Some(Arc::new(verifier));
        self
    }

    /// The receiver and the stream its notifications come out of.
    pub fn build(self) -> (Receiver<T>, Notifications<T>) {
        let (sender, receiver) = mpsc::channel(self.capacity);
        let receiver_handle = Receiver {
            inner: Arc::new(Inner {
                client_states: self.client_states,
                max_body: self.max_body,
                max_validation_token: self.max_validation_token,
                retry_after_secs: self.retry_after_secs,
                tokens: self.tokens,
                sender,
            }),
        };
        (receiver_handle, Notifications { receiver })
    }
}

/// The notifications a [`Receiver`] accepted, in order; a [`futures_core::Stream`] too. It ends
/// when every clone of the receiver is dropped.
#[derive(Debug)]
pub struct Notifications<T> {
    receiver: mpsc::Receiver<ChangeNotification<T>>,
}

impl<T> Notifications<T> {
    /// The next notification, or `None` once every receiver is gone.
    pub async fn recv(&mut self) -> Option<ChangeNotification<T>> {
        self.receiver.recv().await
    }

    /// The next notification if one is waiting.
    pub fn try_recv(&mut self) -> Option<ChangeNotification<T>> {
        self.receiver.try_recv().ok()
    }
}

impl<T> futures_core::Stream for Notifications<T> {
    type Item = ChangeNotification<T>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.receiver.poll_recv(cx)
    }
}

/// Why the receiver refused a request; [`Rejection::status`] is the answer Graph gets.
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// The `validationToken` was refused (too long, control characters, bad percent-encoding).
    BadValidationToken(&'static str),
    /// Not a `POST`.
    MethodNotAllowed,
    /// The body is over the receiver's cap.
    BodyTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The `Content-Type` is missing or not JSON.
    UnsupportedContentType,
    /// The body is not a `changeNotificationCollection` of the receiver's type.
    Malformed {
        /// The JSON path that failed, e.g. `value[0].changeType` (`.` for the root).
        path: String,
        /// What was wrong there.
        reason: String,
    },
    /// A notification's `clientState` is missing or does not match.
    ClientStateMismatch {
        /// The notification's position in `value`.
        index: usize,
    },
    /// `validationTokens` are missing or one of them is invalid.
    Token(super::verify::TokenError),
    /// The channel has no room for the batch; Graph is asked to deliver it again.
    Busy,
    /// The [`Notifications`] stream was dropped: nobody reads.
    Closed,
}

impl Rejection {
    /// The status code answered.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::BadValidationToken(_) | Rejection::Malformed { .. } => {
                StatusCode::BAD_REQUEST
            }
            Rejection::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Rejection::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::UnsupportedContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Rejection::ClientStateMismatch { .. } => StatusCode::FORBIDDEN,
            Rejection::Token(_) => StatusCode::UNAUTHORIZED,
            Rejection::Busy | Rejection::Closed => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn into_response(self, retry_after_secs: u32) -> Response<Bytes> {
        let status = self.status();
        let mut response = Response::new(Bytes::from(self.to_string()));
        *response.status_mut() = status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        if matches!(self, Rejection::Busy | Rejection::Closed) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::BadValidationToken(why) => write!(f, "`validationToken` refused: {why}"),
            Rejection::MethodNotAllowed => f.write_str("notifications are delivered with POST"),
            Rejection::BodyTooLarge { limit } => {
                write!(f, "the body is over the receiver's limit of {limit} bytes")
            }
            Rejection::UnsupportedContentType => {
                f.write_str("the content type is not `application/json`")
            }
            Rejection::Malformed { path, reason } => {
                write!(
                    f,
                    "not a changeNotificationCollection at `{path}`: {reason}"
                )
            }
            Rejection::ClientStateMismatch { index } => {
                write!(f, "`clientState` of notification {index} does not match")
            }
            Rejection::Token(e) => write!(f, "`validationTokens` refused: {e}"),
            Rejection::Busy => f.write_str("the receiver is busy; deliver again later"),
            Rejection::Closed => f.write_str("the receiver is shutting down"),
        }
    }
}

impl std::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Rejection::Token(e) => Some(e),
            _ => None,
        }
    }
}

/// The percent-decoded `validationToken` query parameter, if present.
fn validation_token(query: Option<&str>) -> Result<Option<String>, Rejection> {
    let Some(query) = query else { return Ok(None) };
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name == "validationToken" {
            let plus_as_space = value.replace('+', " ");
            let decoded = percent_encoding::percent_decode_str(&plus_as_space)
                .decode_utf8()
                .map_err(|_| Rejection::BadValidationToken("it is not UTF-8 once decoded"))?;
            return Ok(Some(decoded.into_owned()));
        }
    }
    Ok(None)
}

fn is_json(content_type: Option<&HeaderValue>) -> bool {
    let Some(value) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// The body as a collection of `T`, a failure naming the JSON path that did not fit.
///
/// The fast path is plain `serde_json`; only a body that fails is read again to find the path.
pub fn decode<T: DeserializeOwned>(
    body: &[u8],
) -> Result<ChangeNotificationCollection<T>, Rejection> {
    match serde_json::from_slice(body) {
        Ok(batch) => Ok(batch),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_slice(body);
            let (path, reason) =
                match serde_path_to_error::deserialize::<_, ChangeNotificationCollection<T>>(
                    &mut de,
                ) {
                    Err(e) => (e.path().to_string(), e.into_inner().to_string()),
                    Ok(_) => (".".to_owned(), first.to_string()),
                };
            Err(Rejection::Malformed { path, reason })
        }
    }
}

fn empty(status: StatusCode) -> Response<Bytes> {
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = status;
    response
}
