//! The policy pipeline every call goes through, and how to add your own policy.
//!
//! [`Client::execute`](crate::Client::execute) turns a [`Request`](crate::Request) into an
//! [`HttpRequest`] (a plain value: method, URL, headers, body) and hands it to a chain of
//! [`Policy`]s. Each policy may change the request, call the rest of the chain through [`Next`]
//! (zero, one or many times) and look at or change the answer. The request is lent to each
//! policy (`&mut`): the retry policy sends the same value on every try, so a policy sets its
//! headers with `insert` (never `append`), and a policy that needs another request for a while
//! (the redirect policy's next hop) works on a clone. The chain, outermost first:
//!
//! | policy | runs | does |
//! |---|---|---|
//! | telemetry | once per call | `client-request-id` (kept from the request or a new UUID), `User-Agent` (set by the transport on each hop when the client has no policy of yours) |
//! | tracing | once per call | the `graph_odata.call` span: method, path, status, attempts |
//! | *your per-call policies* | once per call | [`ClientBuilder::per_call_policy`](crate::ClientBuilder::per_call_policy) |
//! | read-after-write | once per call | sends a `GET` again when it answers 404 for an id this client created moments ago ([`ReadAfterWrite`]) |
//! | retry | once per call | tries, `Retry-After`, backoff, the per-try timeout; what is retried is a [`RetryClassifier`] |
//! | scheduler | every try | waits for a place in the request's partition (4 per Outlook or To Do mailbox) and past its `Retry-After` ([`Scheduler`]) |
//! | auth | every try | the bearer token, to the service's own origin only; forgets a token answered 401 |
//! | *your per-try policies* | every try | [`ClientBuilder::policy`](crate::ClientBuilder::policy) |
//! | limits | every try | reads the body up to the size limit (streams pass through) |
//! | redirect | every try | follows redirects, dropping the token on another origin, refusing https → http |
//! | transport | every hop | `reqwest` |
//!
//! The built-in steps that always sit side by side run as one future: the scheduler inside each of
//! the retry policy's tries, and limits, redirect and transport as the chain's last step. A `GET`
//! through the default chain without a credential allocates two boxed futures and arms one timer
//! per try.
//! The deadline of the whole call ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)) covers
//! the chain: the retry policy's timer for each try runs to the earlier of the per-try limit and
//! the deadline, and with per-call policies of your own the whole chain also runs under it. A non-2xx answer travels back up the chain as an [`HttpResponse`]; it becomes an
//! [`Error`] only at the end, so a policy sees every status.
//!
//! A policy that adds a header to every try:
//!
//! ```
//! use graph_odata_runtime::http::HeaderValue;
//! use graph_odata_runtime::policy::{BoxFuture, Context, HttpRequest, HttpResponse, Next, Policy};
//! use graph_odata_runtime::{Client, Error};
//!
//! #[derive(Debug)]
//! struct Tenant(HeaderValue);
//!
//! impl Policy for Tenant {
//!     fn send<'a>(
//!         &'a self,
//!         ctx: &'a Context,
//!         request: &'a mut HttpRequest,
//!         next: Next<'a>,
//!     ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
//!         request.headers.insert("x-tenant", self.0.clone());
//!         next.send(ctx, request)
//!     }
//! }
//!
//! let client = Client::builder()
//!     .policy(Tenant(HeaderValue::from_static("contoso")))
//!     .build()?;
//! # let _ = client; Ok::<(), Error>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use url::Url;

use crate::Error;
use crate::redact::{RedactedHeaders, log_url};

pub(crate) mod auth;
pub(crate) mod limits;
pub(crate) mod read_after_write;
pub(crate) mod redirect;
pub(crate) mod retry;
pub(crate) mod scheduler;
pub(crate) mod telemetry;
pub(crate) mod trace;
pub(crate) mod transport;

pub use crate::retry::rules::{DefaultClassifier, RetryClassifier, TryOutcome};
pub use read_after_write::ReadAfterWrite;
pub use scheduler::{
    Classified, MAILBOX_CONCURRENCY, MAX_THROTTLE, Scheduler, SchedulerStats, Workload,
    WorkloadStats, classify,
};

#[doc(inline)]
pub use crate::auth::BoxFuture;

/// One step of the pipeline. See the [module docs](self) for the order and an example.
///
/// A policy must call `next.send` to reach the service (or answer by itself, e.g. a circuit
/// breaker that is open). It must not hold a lock across that call.
pub trait Policy: Send + Sync + fmt::Debug {
    /// Handles `request`: usually changes it, sends it on with `next.send(ctx, request)`, and
    /// looks at the answer.
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>>;
}

/// The rest of the pipeline after the current policy.
#[derive(Clone, Copy)]
pub struct Next<'a> {
    rest: &'a [Arc<dyn Policy>],
}

impl fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.rest.iter()).finish()
    }
}

impl<'a> Next<'a> {
    pub(crate) fn new(rest: &'a [Arc<dyn Policy>]) -> Next<'a> {
        Next { rest }
    }

    /// Sends `request` through the rest of the pipeline.
    pub fn send<'b>(
        self,
        ctx: &'b Context,
        request: &'b mut HttpRequest,
    ) -> BoxFuture<'b, Result<HttpResponse, Error>>
    where
        'a: 'b,
    {
        match self.rest.split_first() {
            Some((policy, rest)) => policy.send(ctx, request, Next { rest }),
            None => Box::pin(async { Err(Error::build("the pipeline ended without a transport")) }),
        }
    }
}

/// The last policy of every chain: reads the body within the limits ([`limits`]), follows
/// redirects ([`redirect`]) and exchanges each hop with `reqwest` ([`transport`]), as one future
/// (one allocation per try, not one per step).
#[derive(Debug)]
pub(crate) struct End {
    pub(crate) redirect: redirect::Redirect,
    pub(crate) transport: transport::Transport,
}

impl Policy for End {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        Box::pin(limits::read(
            ctx,
            request,
            limits::Onward::Redirect(&self.redirect, &self.transport),
        ))
    }
}

/// What a policy knows about the call it is part of.
#[derive(Debug)]
pub struct Context {
    /// Visible ASCII (checked when made), kept as the header value it is sent as.
    client_request_id: http::HeaderValue,
    attempt: AtomicU32,
    pub(crate) max_response_size: u64,
    pub(crate) streaming: bool,
    pub(crate) anonymous: bool,
    /// Redirects are handed back as answers instead of followed (a long-running operation's
    /// monitor answers `303 See Other` on another origin than the result).
    pub(crate) keep_redirects: bool,
    /// The path as the caller wrote it (without the query), for the call's span.
    pub(crate) log_path: Option<String>,
    /// The latest answer came, through redirects, from another origin than the try's request
    /// (where the token was not sent): set by the redirect policy, read by the auth policy.
    answered_elsewhere: AtomicBool,
    /// The call's deadline (`ClientBuilder::timeout`), set when the call is dispatched. The retry
    /// policy's one timer per try holds the earlier of it and the per-try limit; waits outside
    /// the tries (read-after-write) stop at it.
    pub(crate) deadline: Option<Deadline>,
}

/// When a call must be over, and the limit it came from (for the error).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    pub(crate) at: tokio::time::Instant,
    pub(crate) limit: std::time::Duration,
}

impl Deadline {
    /// The deadline `limit` from now.
    pub(crate) fn after(limit: std::time::Duration) -> Deadline {
        Deadline {
            at: crate::limits::instant_after(limit),
            limit,
        }
    }

    /// The error of a call that reached its deadline.
    pub(crate) fn error(&self) -> Error {
        Error::kinded(
            crate::ErrorKind::Timeout,
            format!("the call did not finish within {:?}", self.limit),
        )
    }
}

impl Context {
    pub(crate) fn new(client_request_id: String, max_response_size: u64) -> Context {
        // An id that is not visible ASCII (never made here) is replaced rather than sent broken.
        let client_request_id =
            http::HeaderValue::from_maybe_shared(Bytes::from(client_request_id))
                .ok()
                .filter(|v| v.to_str().is_ok())
                .unwrap_or_else(crate::client::new_request_id);
        Context::with_id(client_request_id, max_response_size)
    }

    /// A context for a call whose `client-request-id` is `client_request_id` (visible ASCII).
    pub(crate) fn with_id(client_request_id: http::HeaderValue, max_response_size: u64) -> Context {
        Context {
            client_request_id,
            attempt: AtomicU32::new(0),
            max_response_size,
            streaming: false,
            anonymous: false,
            keep_redirects: false,
            log_path: None,
            answered_elsewhere: AtomicBool::new(false),
            deadline: None,
        }
    }

    /// Waits `wait`, or fails with the call's timeout error at its deadline if that comes first.
    pub(crate) async fn sleep(&self, wait: std::time::Duration) -> Result<(), Error> {
        let until = crate::limits::instant_after(wait);
        match self.deadline {
            Some(deadline) if deadline.at <= until => {
                tokio::time::sleep_until(deadline.at).await;
                Err(deadline.error())
            }
            _ => {
                tokio::time::sleep_until(until).await;
                Ok(())
            }
        }
    }

    /// Whether the call's deadline has passed.
    pub(crate) fn past_deadline(&self) -> bool {
        self.deadline
            .is_some_and(|d| d.at <= tokio::time::Instant::now())
    }

    pub(crate) fn set_answered_elsewhere(&self, elsewhere: bool) {
        self.answered_elsewhere.store(elsewhere, Ordering::Relaxed);
    }

    /// Whether the latest answer came, through redirects, from another origin than the request.
    pub(crate) fn answered_elsewhere(&self) -> bool {
        self.answered_elsewhere.load(Ordering::Relaxed)
    }

    /// The `client-request-id` of the call, the same on every try.
    pub fn client_request_id(&self) -> &str {
        // Checked when the context was made.
        self.client_request_id.to_str().unwrap_or_default()
    }

    /// The `client-request-id` as the header value it is sent as.
    pub(crate) fn client_request_id_header(&self) -> &http::HeaderValue {
        &self.client_request_id
    }

    /// The current try, from 1 (0 before the first try is sent).
    pub fn attempt(&self) -> u32 {
        self.attempt.load(Ordering::Relaxed)
    }

    pub(crate) fn set_attempt(&self, attempt: u32) {
        self.attempt.store(attempt, Ordering::Relaxed);
    }

    /// Whether the caller reads the body as a stream (a download): the body of a success is not
    /// read into memory by the pipeline.
    pub fn is_streaming(&self) -> bool {
        self.streaming
    }

    /// The most bytes of a success body the pipeline reads into memory.
    pub fn max_response_size(&self) -> u64 {
        self.max_response_size
    }
}

/// A request on the wire: method, absolute URL, headers and body. A plain value; cloning it is
/// cheap (the body is shared).
///
/// `Debug` hides the values of `Authorization`, `Cookie` and `Proxy-Authorization` and shows the
/// body by size only.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: Url,
    /// The headers (the token is added by the auth policy, on every try).
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<Bytes>,
}

impl HttpRequest {
    /// A request without headers or body.
    pub fn new(method: Method, url: Url) -> HttpRequest {
        HttpRequest {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
        }
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &log_url(&self.url))
            .field("headers", &RedactedHeaders::map(&self.headers))
            .field("body_len", &self.body.as_ref().map_or(0, Bytes::len))
            .finish()
    }
}

/// An answer on the wire: status, headers and a body that is either in memory or still arriving.
#[non_exhaustive]
pub struct HttpResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: ResponseBody,
}

impl HttpResponse {
    /// An answer with its body in memory (for policies that answer by themselves, and tests).
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> HttpResponse {
        HttpResponse {
            status,
            headers,
            body: ResponseBody::from(body.into()),
        }
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders::map(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

/// A response body: in memory once the limits policy has read it, else still on the connection.
pub struct ResponseBody(Body);

enum Body {
    Bytes(Bytes),
    Stream(reqwest::Response),
}

impl From<Bytes> for ResponseBody {
    fn from(bytes: Bytes) -> ResponseBody {
        ResponseBody(Body::Bytes(bytes))
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Body::Bytes(b) => write!(f, "ResponseBody({} bytes)", b.len()),
            Body::Stream(_) => f.write_str("ResponseBody(streaming)"),
        }
    }
}

impl ResponseBody {
    pub(crate) fn stream(response: reqwest::Response) -> ResponseBody {
        ResponseBody(Body::Stream(response))
    }

    /// The body, when it is in memory (always, except for downloads).
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.0 {
            Body::Bytes(b) => Some(b),
            Body::Stream(_) => None,
        }
    }

    /// The next piece of the body; `None` at the end. A body in memory is one piece.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match &mut self.0 {
            Body::Bytes(b) if b.is_empty() => Ok(None),
            Body::Bytes(b) => Ok(Some(std::mem::take(b))),
            Body::Stream(r) => r.chunk().await.map_err(Error::transport),
        }
    }

    /// The length announced by the server, for a body still arriving.
    pub(crate) fn announced_length(&self) -> Option<u64> {
        match &self.0 {
            Body::Bytes(b) => Some(b.len() as u64),
            Body::Stream(r) => r.content_length(),
        }
    }
}

/// The built-in chain plus the user's policies, in order.
pub(crate) fn chain(
    parts: ChainParts,
    per_call: Vec<Arc<dyn Policy>>,
    per_try: Vec<Arc<dyn Policy>>,
) -> Arc<[Arc<dyn Policy>]> {
    let mut chain: Vec<Arc<dyn Policy>> = Vec::with_capacity(7 + per_call.len() + per_try.len());
    let mut transport = parts.transport;
    if per_call.is_empty() && per_try.is_empty() {
        // No policy of the user's looks at the request: the transport sets the two headers.
        transport.telemetry = Some(parts.telemetry);
    } else {
        chain.push(Arc::new(parts.telemetry));
    }
    chain.push(Arc::new(trace::Trace));
    chain.extend(per_call);
    if let Some(read_after_write) = parts.read_after_write {
        chain.push(Arc::new(read_after_write));
    }
    // The scheduler runs inside each try of the retry policy (`Retry::scheduler`).
    chain.push(Arc::new(parts.retry));
    if let Some(auth) = parts.auth {
        chain.push(Arc::new(auth));
    }
    chain.extend(per_try);
    chain.push(Arc::new(End {
        redirect: parts.redirect,
        transport,
    }));
    chain.into()
}

/// The configured built-in policies.
pub(crate) struct ChainParts {
    pub(crate) telemetry: telemetry::Telemetry,
    pub(crate) read_after_write: Option<read_after_write::ReadAfterWritePolicy>,
    pub(crate) retry: retry::Retry,
    pub(crate) auth: Option<auth::Auth>,
    pub(crate) redirect: redirect::Redirect,
    pub(crate) transport: transport::Transport,
}

#[cfg(test)]
pub(crate) mod testing {
    //! A fake end of the chain for the policies' unit tests: answers from a script and records
    //! what reached it.

    use super::*;
    use std::sync::Mutex;

    type Answer = Box<dyn Fn(&HttpRequest) -> Result<HttpResponse, Error> + Send + Sync>;

    pub(crate) struct Script {
        answers: Mutex<Vec<Answer>>,
        pub(crate) seen: Mutex<Vec<HttpRequest>>,
    }

    impl fmt::Debug for Script {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Script")
        }
    }

    impl Script {
        /// Answers in order; the last one repeats.
        pub(crate) fn new(answers: Vec<Answer>) -> Arc<Script> {
            Arc::new(Script {
                answers: Mutex::new(answers),
                seen: Mutex::new(Vec::new()),
            })
        }

        pub(crate) fn seen(&self) -> Vec<HttpRequest> {
            self.seen.lock().unwrap().clone()
        }
    }

    impl Policy for Script {
        fn send<'a>(
            &'a self,
            _ctx: &'a Context,
            request: &'a mut HttpRequest,
            _next: Next<'a>,
        ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
            let result = {
                let mut answers = self.answers.lock().unwrap();
                let r = answers[0](request);
                if answers.len() > 1 {
                    drop(answers.remove(0));
                }
                r
            };
            self.seen.lock().unwrap().push(request.clone());
            Box::pin(async move { result })
        }
    }

    pub(crate) fn status(code: u16) -> HttpResponse {
        HttpResponse::new(
            StatusCode::from_u16(code).unwrap(),
            HeaderMap::new(),
            Bytes::new(),
        )
    }

    pub(crate) fn ctx() -> Context {
        Context::new("cid-1".into(), 1024)
    }

    pub(crate) fn get(url: &str) -> HttpRequest {
        HttpRequest::new(Method::GET, Url::parse(url).unwrap())
    }

    /// Runs `policy` in front of `script`.
    pub(crate) async fn run(
        policy: Arc<dyn Policy>,
        script: Arc<Script>,
        ctx: &Context,
        mut request: HttpRequest,
    ) -> Result<HttpResponse, Error> {
        let chain: Vec<Arc<dyn Policy>> = vec![policy, script];
        Next::new(&chain).send(ctx, &mut request).await
    }
}
