//! Configuring a client: the builder and its defaults.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use url::Url;

use super::{ApiVersion, Client, Cloud, Inner};
use crate::Error;
use crate::auth::{TokenCache, TokenCredential};
use crate::origin::{SchemeError, TokenScope, check_scheme, is_graph_host};
use crate::policy::{Policy, RetryClassifier};
use crate::retry::RetryPolicy;

/// The `User-Agent` product token this library sends.
pub const USER_AGENT: &str = concat!("graph-odata/", env!("CARGO_PKG_VERSION"));

/// Configures a [`Client`]. Defaults: global cloud, `v1.0`, no credential, connect timeout 10 s,
/// per-try timeout 100 s, a deadline of [`DEFAULT_TIMEOUT`] (3 minutes) per logical call,
/// [`RetryPolicy::default`], at most 5 redirects, response bodies read up to
/// [`DEFAULT_MAX_RESPONSE_SIZE`](crate::limits::DEFAULT_MAX_RESPONSE_SIZE) (64 MiB), pagers
/// stopped after [`DEFAULT_MAX_PAGES`](crate::limits::DEFAULT_MAX_PAGES) (100 000) pages, credentials
/// given [`DEFAULT_CREDENTIAL_TIMEOUT`](crate::auth::DEFAULT_CREDENTIAL_TIMEOUT) (30 s) to answer.
#[must_use]
pub struct ClientBuilder {
    cloud: Cloud,
    version: ApiVersion,
    service_root: Option<String>,
    credential: Option<Arc<dyn TokenCredential>>,
    scopes: Option<Vec<String>>,
    allowed_hosts: Vec<String>,
    allow_http: bool,
    retry: RetryPolicy,
    connect_timeout: Duration,
    try_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    user_agent: Option<String>,
    max_redirects: usize,
    sensitive_headers: Vec<http::HeaderName>,
    max_response_size: u64,
    max_decoded_size: Option<u64>,
    max_pages: u64,
    credential_timeout: Duration,
    http: Option<reqwest::Client>,
    per_call: Vec<Arc<dyn Policy>>,
    per_try: Vec<Arc<dyn Policy>>,
    classifier: Arc<dyn RetryClassifier>,
    read_after_write: crate::policy::ReadAfterWrite,
    scheduler: crate::policy::Scheduler,
}

/// The default deadline of one logical call, retries and waits included: 3 minutes. With every
/// other default it is what bounds a call against a server that answers a byte at a time.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(180);

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("cloud", &self.cloud)
            .field("version", &self.version)
            .field(
                "service_root",
                &self.service_root.as_deref().map(crate::redact::redact_url),
            )
            .field(
                "credential",
                &self.credential.as_ref().map(|_| "** redacted **"),
            )
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            cloud: Cloud::Global,
            version: ApiVersion::V1,
            service_root: None,
            credential: None,
            scopes: None,
            allowed_hosts: Vec::new(),
            allow_http: false,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            try_timeout: Some(Duration::from_secs(100)),
            total_timeout: Some(DEFAULT_TIMEOUT),
            user_agent: None,
            max_redirects: 5,
            sensitive_headers: Vec::new(),
            max_response_size: crate::limits::DEFAULT_MAX_RESPONSE_SIZE,
            max_decoded_size: None,
            max_pages: crate::limits::DEFAULT_MAX_PAGES,
            credential_timeout: crate::auth::DEFAULT_CREDENTIAL_TIMEOUT,
            http: None,
            per_call: Vec::new(),
            per_try: Vec::new(),
            classifier: Arc::new(crate::policy::DefaultClassifier),
            read_after_write: crate::policy::ReadAfterWrite::default(),
            scheduler: crate::policy::Scheduler::new(),
        }
    }
}

impl ClientBuilder {
    /// The national cloud (ignored when [`service_root`](Self::service_root) is set).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// The Graph API version (ignored when [`service_root`](Self::service_root) is set).
    pub fn version(mut self, version: ApiVersion) -> Self {
        self.version = version;
        self
    }

    /// Any OData service root instead of a Graph cloud, e.g. `http://127.0.0.1:8080/v1.0` (the
    /// emulator) or `https://host/odata/v4/catalog`.
    pub fn service_root(mut self, url: impl Into<String>) -> Self {
        self.service_root = Some(url.into());
        self
    }

    /// Where access tokens come from. Without one, no `Authorization` header is sent.
    pub fn credential(mut self, credential: impl TokenCredential + 'static) -> Self {
        self.credential = Some(Arc::new(credential));
        self
    }

    /// A credential already behind an `Arc`.
    pub fn credential_arc(mut self, credential: Arc<dyn TokenCredential>) -> Self {
        self.credential = Some(credential);
        self
    }

    /// Scopes to request tokens for. Default: the cloud's `/.default` scope
    /// (`https://graph.microsoft.com/.default`), or `{origin}/.default` for a custom service root.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Another host the token may be sent to (over https, or plain http to loopback), e.g. a host
    /// that `@odata.nextLink`s point to: `files.contoso.com` (port 443 only) or
    /// `files.contoso.com:8443` (that port only). The whole origin counts: the same host on
    /// another port gets no token. The service root's own origin is always allowed.
    pub fn allowed_host(mut self, host: impl Into<String>) -> Self {
        self.allowed_hosts.push(host.into().to_ascii_lowercase());
        self
    }

    /// Allow plain http to hosts other than loopback. Off by default: tokens would travel in clear.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// The retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long opening a connection may take.
    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.connect_timeout = limit;
        self
    }

    /// How long one try may take, from sending to the last byte of the body; `None` for no limit.
    pub fn try_timeout(mut self, limit: Option<Duration>) -> Self {
        self.try_timeout = limit;
        self
    }

    /// How long a whole call may take, retries and waits included (default [`DEFAULT_TIMEOUT`],
    /// 3 minutes); `None` for no limit.
    pub fn timeout(mut self, limit: Option<Duration>) -> Self {
        self.total_timeout = limit;
        self
    }

    /// The most bytes of a 2xx response body the client reads (default
    /// [`DEFAULT_MAX_RESPONSE_SIZE`](crate::limits::DEFAULT_MAX_RESPONSE_SIZE), 64 MiB; one request
    /// can set its own with [`Request::max_response_size`](crate::Request::max_response_size)).
    /// Past it reading stops at once, the connection is dropped and the call fails with
    /// [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge), never retried. Error bodies are read
    /// only up to [`ERROR_BODY_CAP`](crate::limits::ERROR_BODY_CAP) (16 KiB).
    ///
    /// ```
    /// # fn demo() -> Result<(), graph_odata_runtime::Error> {
    /// use graph_odata_runtime::Client;
    /// let client = Client::builder().max_response_size(256 << 20).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// The most heap a decoded answer may take (default: three times the call's
    /// [`max_response_size`](ClientBuilder::max_response_size), so 192 MiB with the defaults; see
    /// [`DECODED_SIZE_FACTOR`](crate::limits::DECODED_SIZE_FACTOR)). Past it decoding stops and the
    /// call fails with [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge) naming
    /// `max_decoded_size`; nothing is retried. It applies to the JSON decoders (every typed
    /// request, each `$batch` item, each page), not to [`Request::bytes`](crate::Request::bytes).
    ///
    /// The cost is charged while the value is built, from the sizes of the Rust types it fills:
    /// twice the element size for each sequence element (a growing `Vec`), three times the key
    /// and value sizes for each map entry (eleven times for the first), and the length plus 16
    /// bytes (at least 32) for each non-empty string kept; struct members, numbers and skipped members are free.
    /// A typed model of Graph's answers takes one to three times its JSON; a
    /// `serde_json::Value` three to ten times; a tree of tiny objects far more, and that is what
    /// this stops.
    ///
    /// ```
    /// # fn demo() -> Result<(), graph_odata_runtime::Error> {
    /// use graph_odata_runtime::Client;
    /// let client = Client::builder().max_decoded_size(1 << 30).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn max_decoded_size(mut self, bytes: u64) -> Self {
        self.max_decoded_size = Some(bytes);
        self
    }

    /// How many pages one pager or stream requests before it stops with an
    /// [`ErrorKind::Protocol`](crate::ErrorKind::Protocol) error naming `max_pages` (default
    /// [`DEFAULT_MAX_PAGES`](crate::limits::DEFAULT_MAX_PAGES), 100 000; one pager can set its own
    /// with [`Pager::max_pages`](crate::Pager::max_pages)). Empty pages count: a server that
    /// answers empty pages with ever-new `@odata.nextLink`s cannot keep a caller busy forever.
    ///
    /// ```
    /// # fn demo() -> Result<(), graph_odata_runtime::Error> {
    /// use graph_odata_runtime::Client;
    /// let client = Client::builder().max_pages(1_000_000).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages;
        self
    }

    /// How long the credential may take to hand out a token (default
    /// [`DEFAULT_CREDENTIAL_TIMEOUT`](crate::auth::DEFAULT_CREDENTIAL_TIMEOUT), 30 s) before the
    /// call fails with an [`ErrorKind::Auth`](crate::ErrorKind::Auth) error. Callers waiting for the same token share it.
    pub fn credential_timeout(mut self, limit: Duration) -> Self {
        self.credential_timeout = limit;
        self
    }

    /// Your application's product token, sent before graph-odata's: `myapp/1.2 graph-odata/0.1.0`.
    pub fn user_agent(mut self, product: impl Into<String>) -> Self {
        self.user_agent = Some(product.into());
        self
    }

    /// How a `GET` that answers 404 right after this client created the entity is retried
    /// (on by default; [`ReadAfterWrite::off`](crate::policy::ReadAfterWrite::off) turns it off).
    pub fn read_after_write(mut self, settings: crate::policy::ReadAfterWrite) -> Self {
        self.read_after_write = settings;
        self
    }

    /// The workload-aware scheduler (default: a new [`Scheduler`](crate::policy::Scheduler) with
    /// 4 requests in flight per Outlook or To Do mailbox); give clones of one to several clients
    /// to share its partitions, or [`Scheduler::off`](crate::policy::Scheduler::off).
    pub fn scheduler(mut self, scheduler: crate::policy::Scheduler) -> Self {
        self.scheduler = scheduler;
        self
    }

    /// How many redirects one try follows (default 5).
    pub fn max_redirects(mut self, n: usize) -> Self {
        self.max_redirects = n;
        self
    }

    /// Treats the header `name` as a credential, like those of
    /// [`redact::SENSITIVE_HEADERS`](crate::redact::SENSITIVE_HEADERS) (`Authorization`, `Cookie`,
    /// `x-api-key`, …): a redirect to another origin drops it. A header value marked with
    /// `HeaderValue::set_sensitive(true)` is treated the same way, and is redacted in `Debug` output.
    ///
    /// ```
    /// use graph_odata_runtime::{http::HeaderName, Client};
    /// let builder = Client::builder().sensitive_header(HeaderName::from_static("x-tenant-key"));
    /// # let _ = builder;
    /// ```
    pub fn sensitive_header(mut self, name: http::HeaderName) -> Self {
        self.sensitive_headers.push(name);
        self
    }

    /// Adds a policy that runs on every try, after the token is added and before the body is
    /// read and redirects are followed (see [`policy`](crate::policy) for the order). Policies run
    /// in the order they were added.
    ///
    /// ```
    /// # use graph_odata_runtime::policy::{BoxFuture, Context, HttpRequest, HttpResponse, Next, Policy};
    /// # use graph_odata_runtime::Error;
    /// /// Counts the tries that reach the network.
    /// #[derive(Debug, Default)]
    /// struct CountTries(std::sync::atomic::AtomicU64);
    ///
    /// impl Policy for CountTries {
    ///     fn send<'a>(&'a self, ctx: &'a Context, request: &'a mut HttpRequest, next: Next<'a>)
    ///         -> BoxFuture<'a, Result<HttpResponse, Error>> {
    ///         self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    ///         next.send(ctx, request)
    ///     }
    /// }
    ///
    /// let client = graph_odata_runtime::Client::builder().policy(CountTries::default()).build()?;
    /// # let _ = client; Ok::<(), Error>(())
    /// ```
    pub fn policy(mut self, policy: impl Policy + 'static) -> Self {
        self.per_try.push(Arc::new(policy));
        self
    }

    /// Adds a policy that runs once per call, outside the retries (a circuit breaker, a call log,
    /// a rate limiter of your own). Policies run in the order they were added.
    pub fn per_call_policy(mut self, policy: impl Policy + 'static) -> Self {
        self.per_call.push(Arc::new(policy));
        self
    }

    /// Replaces what is retried, for calls and for the items of a `$batch`
    /// ([`DefaultClassifier`](crate::policy::DefaultClassifier): Graph's rules). The
    /// [`RetryPolicy`] still sets how often and how long.
    pub fn retry_classifier(mut self, classifier: impl RetryClassifier + 'static) -> Self {
        self.classifier = Arc::new(classifier);
        self
    }

    /// Uses your own `reqwest::Client`: a proxy, custom root certificates, client certificates,
    /// TLS settings, connection pool tuning. The client's own settings then apply instead of
    /// [`connect_timeout`](Self::connect_timeout); the `User-Agent` is still sent per request.
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: graph-odata follows
    /// redirects itself (dropping the token on another origin, refusing https → http, counting
    /// hops), and cannot see the ones reqwest follows.
    ///
    /// ```
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .pool_max_idle_per_host(4)
    ///     .build()?;
    /// let client = graph_odata_runtime::Client::builder().http_client(http).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client. Errors name the setting that was wrong.
    pub fn build(self) -> Result<Client, Error> {
        let setting = |name: &str, problem: String| {
            Error::build(format!("`ClientBuilder::{name}`: {problem}"))
        };
        let zero = |name: &str, d: Option<Duration>| match d {
            Some(d) if d.is_zero() => Err(setting(name, "must be more than zero".to_owned())),
            _ => Ok(()),
        };
        zero("connect_timeout", Some(self.connect_timeout))?;
        zero("try_timeout", self.try_timeout)?;
        zero("timeout", self.total_timeout)?;
        zero("credential_timeout", Some(self.credential_timeout))?;
        if self.max_response_size == 0 {
            return Err(setting(
                "max_response_size",
                "must be more than zero".to_owned(),
            ));
        }
        if self.max_decoded_size == Some(0) {
            return Err(setting(
                "max_decoded_size",
                "must be more than zero".to_owned(),
            ));
        }
        if self.max_pages == 0 {
            return Err(setting("max_pages", "must be more than zero".to_owned()));
        }
        if let Some(scopes) = &self.scopes {
            if scopes.is_empty() {
                return Err(setting(
                    "scopes",
                    "no scope given; the default is `{root}/.default`".to_owned(),
                ));
            }
            if let Some(bad) = scopes
                .iter()
                .find(|s| s.trim().is_empty() || s.chars().any(char::is_whitespace))
            {
                return Err(setting(
                    "scopes",
                    format!(
                        "`{}` is not a scope (empty or has spaces)",
                        crate::redact::printable(bad, 80)
                    ),
                ));
            }
        }
        for host in &self.allowed_hosts {
            let plain = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
                && crate::origin::split_host_port(host).is_some_and(|(h, _)| !h.is_empty());
            if !plain {
                return Err(setting(
                    "allowed_host",
                    format!(
                        "`{}` is not a host name; give the host alone, or host:port for a port other than 443, e.g. `files.contoso.com` or `files.contoso.com:8443`",
                        crate::redact::printable(host, 80)
                    ),
                ));
            }
        }
        let root_text = match &self.service_root {
            Some(root) => root.trim_end_matches('/').to_owned(),
            None => format!("{}/{}", self.cloud.endpoint(), self.version.as_str()),
        };
        let root = Url::parse(&root_text).map_err(|e| {
            Error::build(format!(
                "the service root `{root_text}` is not a valid URL: {e}"
            ))
        })?;
        if root.query().is_some() || root.fragment().is_some() {
            return Err(Error::build(format!(
                "the service root `{root_text}` must not have a query or fragment"
            )));
        }
        if root.host_str().is_none_or(str::is_empty) {
            return Err(Error::build(format!(
                "the service root `{root_text}` has no host"
            )));
        }
        match check_scheme(&root, self.allow_http) {
            Ok(()) => {}
            Err(SchemeError::PlainHttp { .. }) => {
                return Err(Error::build(format!(
                    "the service root `{root_text}` uses plain http to a host that is not loopback; \
                     use https, or `allow_http(true)`"
                )));
            }
            Err(SchemeError::Unsupported { scheme }) => {
                return Err(Error::build(format!(
                    "unsupported URL scheme `{scheme}` in the service root"
                )));
            }
        }
        let user_agent = match &self.user_agent {
            Some(product) => format!("{product} {USER_AGENT}"),
            None => USER_AGENT.to_owned(),
        };
        let user_agent = HeaderValue::try_from(user_agent).map_err(|_| {
            setting(
                "user_agent",
                "not a valid header value (control characters?)".to_owned(),
            )
        })?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::build("the HTTP client could not be created").with_source(e))?,
        };
        let tokens = self.credential.map(|credential| {
            let scopes = self.scopes.unwrap_or_else(|| match &self.service_root {
                None => vec![self.cloud.default_scope()],
                Some(_) => vec![format!("{}/.default", root.origin().ascii_serialization())],
            });
            Arc::new(TokenCache::new(credential, scopes, self.credential_timeout))
        });
        let scope = TokenScope {
            root: root.clone(),
            allowed_hosts: self.allowed_hosts,
        };
        let policies = self.per_call.len() + self.per_try.len();
        let per_call_policies = !self.per_call.is_empty();
        let graph = is_graph_host(&root);
        let pipeline = crate::policy::chain(
            crate::policy::ChainParts {
                telemetry: crate::policy::telemetry::Telemetry { user_agent },
                read_after_write: self.read_after_write.policy(),
                retry: crate::policy::retry::Retry {
                    policy: self.retry.clone(),
                    classifier: Arc::clone(&self.classifier),
                    try_timeout: self.try_timeout,
                    scheduler: self.scheduler.policy(&root),
                },
                auth: tokens.clone().map(|tokens| crate::policy::auth::Auth {
                    tokens,
                    scope: scope.clone(),
                }),
                redirect: crate::policy::redirect::Redirect {
                    max_redirects: self.max_redirects,
                    allow_http: self.allow_http,
                    sensitive: self.sensitive_headers.clone(),
                },
                transport: crate::policy::transport::Transport {
                    http,
                    telemetry: None,
                },
            },
            self.per_call,
            self.per_try,
        );
        Ok(Client {
            inner: Arc::new(Inner {
                pipeline,
                root: Arc::new(root),
                scope,
                tokens,
                retry: self.retry,
                classifier: self.classifier,
                try_timeout: self.try_timeout,
                total_timeout: self.total_timeout,
                max_response_size: self.max_response_size,
                max_decoded_size: self.max_decoded_size,
                max_pages: self.max_pages,
                allow_http: self.allow_http,
                policies,
                per_call_policies,
                graph,
                scheduler: self.scheduler,
            }),
        })
    }
}
