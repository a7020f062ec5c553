//! The client: where requests go, with which token, and what happens when things go wrong.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::Error;
use crate::auth::TokenCache;
use crate::error::ApiError;
use crate::origin::TokenScope;
use crate::policy::{Context, HttpRequest, HttpResponse, Next, Policy, RetryClassifier};
use crate::request::Request;
use crate::response::Response;
use crate::retry::RetryPolicy;

mod builder;
mod cloud;
#[cfg(test)]
mod tests;

pub use builder::{ClientBuilder, DEFAULT_TIMEOUT, USER_AGENT};
pub use cloud::{ApiVersion, Cloud};

/// A client for Microsoft Graph or any OData v4 service. Cheap to clone: clones share connections,
/// the token cache and configuration.
///
/// ```no_run
/// # async fn demo() -> Result<(), graph_odata_runtime::Error> {
/// use graph_odata_runtime::{auth::StaticToken, Client, Request};
/// let client = Client::builder()
///     .credential(StaticToken::new(std::env::var("GRAPH_TOKEN").unwrap_or_default()))
///     .build()?;
/// let me: serde_json::Value = client.send(Request::get("/me")).await?;
/// # let _ = me; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    pipeline: Arc<[Arc<dyn Policy>]>,
    /// Shared, so every response can hold it for resolving links without a copy.
    root: Arc<Url>,
    scope: TokenScope,
    tokens: Option<Arc<TokenCache>>,
    retry: RetryPolicy,
    /// What is retried; the retry policy holds the same classifier.
    classifier: Arc<dyn RetryClassifier>,
    try_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    max_response_size: u64,
    /// The heap a decoded answer may take; `None`: three times the call's body limit.
    max_decoded_size: Option<u64>,
    /// The default page budget of a pager.
    max_pages: u64,
    allow_http: bool,
    policies: usize,
    /// The user added per-call policies (outside the retry loop, where the deadline is kept).
    per_call_policies: bool,
    /// The root is one of Microsoft Graph's clouds.
    graph: bool,
    /// The workload-aware scheduler (its policy is in the pipeline when it is on).
    scheduler: crate::policy::Scheduler,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.inner;
        f.debug_struct("Client")
            .field("service_root", &crate::redact::redact_url(i.root.as_str()))
            .field("credential", &i.tokens.as_ref().map(|_| "** redacted **"))
            .field("scopes", &i.tokens.as_ref().map(|t| t.scopes()))
            .field("allowed_hosts", &i.scope.allowed_hosts)
            .field("retry", &i.retry)
            .field("try_timeout", &i.try_timeout)
            .field("total_timeout", &i.total_timeout)
            .field("max_response_size", &i.max_response_size)
            .field("max_decoded_size", &i.max_decoded_size)
            .field("custom_policies", &i.policies)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// What is retried: the classifier given to the builder, else
    /// [`DefaultClassifier`](crate::policy::DefaultClassifier).
    pub(crate) fn retry_classifier(&self) -> &dyn RetryClassifier {
        &*self.inner.classifier
    }

    /// The service root every relative path is appended to, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn service_root(&self) -> &Url {
        &self.inner.root
    }

    /// Sends `request` and decodes the answer. Any non-2xx is an error.
    pub async fn send<T>(&self, request: Request<T>) -> Result<T, Error> {
        Ok(self.call(request, false).await?.into_body())
    }

    /// Like [`Client::send`], but also returns the status, the headers, and what resolves the
    /// relative links of the answer ([`Response::resolve`], [`Response::location`]).
    pub async fn execute<T>(&self, request: Request<T>) -> Result<Response<T>, Error> {
        self.call(request, true).await
    }

    /// One call; `origin`: keep the request URL, the service root and the body's context URL
    /// in the response (only `execute` hands the response out, so `send` skips that work).
    async fn call<T>(&self, request: Request<T>, origin: bool) -> Result<Response<T>, Error> {
        let (mut http_request, mut ctx) = self.prepare(&request)?;
        let response = self.answer(&mut ctx, &mut http_request).await?;
        let HttpResponse {
            status,
            headers,
            body,
        } = response;
        if status == http::StatusCode::PARTIAL_CONTENT
            && !http_request.headers.contains_key(http::header::RANGE)
        {
            crate::download::check_unsolicited_range(&headers)?;
        }
        let body = body.as_bytes().cloned().unwrap_or_default();
        let context = origin
            .then(|| crate::response::leading_context(&body))
            .flatten();
        let limit = self.max_decoded_size(request.get_max_response_size());
        let decoded = crate::decode::scoped(limit, || request.decode(status, &headers, body))
            .map_err(|mut e| {
                e.set_call_info(ctx.attempt(), ctx.client_request_id(), self.inner.graph);
                e
            })?;
        let response = Response::new(status, headers, decoded);
        Ok(if origin {
            // The pipeline borrowed the request: its URL is the base of relative links, no copy.
            response.with_origin(http_request.url, Arc::clone(&self.inner.root), context)
        } else {
            response
        })
    }

    /// The heap a decoded answer may take, for a call whose body limit is `max_response_size`
    /// (the request's own, else the client's).
    pub(crate) fn max_decoded_size(&self, max_response_size: Option<u64>) -> u64 {
        self.inner.max_decoded_size.unwrap_or_else(|| {
            max_response_size
                .unwrap_or(self.inner.max_response_size)
                .saturating_mul(crate::limits::DECODED_SIZE_FACTOR)
        })
    }

    /// The request on the wire and the call's context.
    pub(crate) fn prepare<T>(&self, request: &Request<T>) -> Result<(HttpRequest, Context), Error> {
        let client_request_id = request
            .headers()
            .get(CLIENT_REQUEST_ID)
            .filter(|v| v.to_str().is_ok())
            .cloned()
            .unwrap_or_else(new_request_id);
        let mut ctx = Context::with_id(
            client_request_id,
            request
                .get_max_response_size()
                .unwrap_or(self.inner.max_response_size),
        );
        ctx.anonymous = request.is_anonymous();
        // The caller's path, redacted, is only for the `graph_odata.call` span: not worked out when
        // no subscriber records it (the span then shows the redacted URL).
        if tracing::enabled!(target: "graph_odata_runtime::policy::trace", tracing::Level::INFO) {
            ctx.log_path = Some(request.log_path());
        }
        match self.http_request(request) {
            Ok(r) => Ok((r, ctx)),
            Err(mut e) => {
                e.set_call_info(0, ctx.client_request_id(), self.inner.graph);
                Err(e)
            }
        }
    }

    /// Sends through the pipeline; a non-2xx answer becomes an error. Errors carry the number of
    /// tries and the client-request-id.
    pub(crate) async fn answer(
        &self,
        ctx: &mut Context,
        request: &mut HttpRequest,
    ) -> Result<HttpResponse, Error> {
        let result = match self.dispatch(ctx, request).await {
            Ok(response) if response.status.is_success() => return Ok(response),
            Ok(response) => {
                let body = response.body.as_bytes().cloned().unwrap_or_default();
                Error::from_api(ApiError::from_response(
                    response.status,
                    &response.headers,
                    &body,
                ))
            }
            Err(e) => e,
        };
        let mut error = result;
        error.set_call_info(ctx.attempt(), ctx.client_request_id(), self.inner.graph);
        Err(error)
    }

    /// The absolute URL a request goes to.
    pub(crate) fn url_of<T>(&self, request: &Request<T>) -> Result<Url, Error> {
        crate::path::resolve(
            &self.inner.root,
            &request.wire_path(),
            self.inner.allow_http,
        )
    }

    /// What the client's [`Scheduler`](crate::policy::Scheduler) is doing now: per workload, the
    /// requests in flight and waiting, the throttled partitions and the `429`s seen. Clients
    /// sharing a scheduler see the same counts.
    ///
    /// ```
    /// use graph_odata_runtime::{policy::Workload, Client};
    /// let client = Client::builder().build()?;
    /// assert!(client.scheduler_stats().workload(Workload::Outlook).is_none());
    /// # Ok::<(), graph_odata_runtime::Error>(())
    /// ```
    pub fn scheduler_stats(&self) -> crate::policy::SchedulerStats {
        self.inner.scheduler.snapshot()
    }

    /// The client's scheduler (for the `$batch` chunk size).
    pub(crate) fn scheduler(&self) -> &crate::policy::Scheduler {
        &self.inner.scheduler
    }

    /// Whether the service root is one of Microsoft Graph's clouds.
    pub(crate) fn is_graph(&self) -> bool {
        self.inner.graph
    }

    /// The default page budget of a pager ([`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages)).
    pub(crate) fn max_pages(&self) -> u64 {
        self.inner.max_pages
    }

    pub(crate) fn try_timeout(&self) -> Option<Duration> {
        self.inner.try_timeout
    }

    /// Sends `request` through the pipeline under the call's deadline.
    ///
    /// The built-in policies keep the deadline themselves (the retry policy's timer per try runs
    /// to the earlier of the per-try limit and the deadline; waits outside the tries stop at it),
    /// so a call arms one timer per try. Per-call policies of the user's may wait on anything:
    /// with any of them the whole chain also runs under a timer of its own.
    pub(crate) async fn dispatch(
        &self,
        ctx: &mut Context,
        request: &mut HttpRequest,
    ) -> Result<HttpResponse, Error> {
        let deadline = self.inner.total_timeout.map(crate::policy::Deadline::after);
        ctx.deadline = deadline;
        let ctx = &*ctx;
        let call = Next::new(&self.inner.pipeline).send(ctx, request);
        match deadline {
            Some(deadline) if self.inner.per_call_policies => {
                match tokio::time::timeout_at(deadline.at, call).await {
                    Ok(r) => r,
                    Err(_) => Err(deadline.error()),
                }
            }
            _ => call.await,
        }
    }

    /// The request on the wire: the resolved URL, the headers and the body.
    pub(crate) fn http_request<T>(&self, request: &Request<T>) -> Result<HttpRequest, Error> {
        if let Some(message) = request.build_error() {
            return Err(Error::build(message.to_owned()));
        }
        let url = self.url_of(request)?;
        let mut out = HttpRequest::new(request.method(), url);
        out.headers = self.headers_of(request);
        out.headers.remove(CLIENT_REQUEST_ID);
        out.body = request.body_bytes_shared();
        Ok(out)
    }

    /// The headers a request is sent with: its own, plus `ConsistencyLevel: eventual` when it asks
    /// for eventual consistency and the service is Graph (the header is Graph's; other services
    /// may refuse an unknown header).
    pub(crate) fn headers_of<T>(&self, request: &Request<T>) -> HeaderMap {
        let mut headers = request.headers().clone();
        if request.is_eventual_consistency() && self.inner.graph {
            headers
                .entry(CONSISTENCY_LEVEL)
                .or_insert(HeaderValue::from_static("eventual"));
        }
        headers
    }

    /// Whether the token may go to `url`: the service root's own origin, or an allowed host over
    /// https (or loopback). The same rule decides which `@odata.nextLink`s are followed.
    pub(crate) fn token_allowed(&self, url: &Url) -> bool {
        self.inner.scope.allows(url)
    }
}

const CLIENT_REQUEST_ID: HeaderName = crate::policy::telemetry::CLIENT_REQUEST_ID;
const CONSISTENCY_LEVEL: HeaderName = HeaderName::from_static("consistencylevel");

/// A `client-request-id` for a call: a version 4 UUID from the thread's fast generator. It only
/// correlates a call with the service's logs (it is no secret), so it costs no system call.
pub(crate) fn new_request_id() -> HeaderValue {
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes())
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut text);
    // Hex digits and hyphens: always a valid header value. Owned by a reference-counted buffer,
    // so the copies on each try's request cost no allocation.
    HeaderValue::from_maybe_shared(bytes::Bytes::from_owner(text))
        .unwrap_or_else(|_| HeaderValue::from_static("00000000-0000-4000-8000-000000000000"))
}
