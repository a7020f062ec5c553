//! Access tokens: where they come from, how they are cached, and how they are kept secret.
//!
//! A [`TokenCredential`] turns scopes into an [`AccessToken`]. graph-odata ships two: a fixed token
//! ([`StaticToken`]) and a closure ([`token_fn`]). With the `azure` feature any `azure_identity`
//! credential works too (see `AzureCredential`).
//!
//! The [`Client`](crate::Client) caches the token and asks the credential again shortly before it
//! expires (see [`refresh_margin`]), or after the service answered 401. Concurrent calls that need a
//! token wait for one credential call (single flight), and a credential that does not answer within
//! the credential timeout ([`DEFAULT_CREDENTIAL_TIMEOUT`] unless the builder says otherwise) fails
//! the calls waiting for it with an [`ErrorKind::Auth`](crate::ErrorKind::Auth) error.
//!
//! # Recipes
//!
//! With the `azure` feature, `AzureCredential`'s docs show a client secret, a client certificate,
//! a managed identity and a developer sign-in through `azure_identity`. Anything else is a
//! [`token_fn`]: a closure from scopes to a token.
//!
//! **Device code** (a CLI signing a user in on another device): the OAuth 2.0 device
//! authorization grant against Microsoft's identity platform, with a public client app
//! registration, as a [`token_fn`] (the `signin` feature has it ready: `DeviceCodeCredential`).
//! Compiled, not run: it needs Microsoft's identity platform and a person to sign in.
//!
//! ```no_run
//! use std::time::{Duration, SystemTime};
//! use graph_odata_runtime::auth::{token_fn, AccessToken};
//! use graph_odata_runtime::{Client, Error};
//! use serde_json::Value;
//!
//! async fn post(url: &str, form: &[(&str, &str)]) -> Result<Value, Error> {
//!     let body: String = form
//!         .iter()
//!         .map(|(k, v)| format!("{k}={}", graph_odata_runtime::path::encode_segment(v).unwrap_or_default()))
//!         .collect::<Vec<_>>()
//!         .join("&");
//!     let answer = reqwest::Client::new()
//!         .post(url)
//!         .header("content-type", "application/x-www-form-urlencoded")
//!         .body(body)
//!         .send()
//!         .await
//!         .map_err(|e| Error::build(format!("the identity platform did not answer: {e}")))?;
//!     let bytes = answer.bytes().await.map_err(|e| Error::build(format!("a cut answer: {e}")))?;
//!     serde_json::from_slice(&bytes).map_err(|e| Error::build(format!("an unreadable answer: {e}")))
//! }
//!
//! # fn demo() -> Result<(), Error> {
//! let credential = token_fn(|scopes: Vec<String>| async move {
//!     let (tenant, client_id) = ("organizations", "00000000-0000-0000-0000-000000000000");
//!     let base = format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0");
//!     let scope = format!("{} offline_access", scopes.join(" "));
//!     let code = post(&format!("{base}/devicecode"), &[("client_id", client_id), ("scope", &scope)]).await?;
//!     eprintln!("{}", code["message"].as_str().unwrap_or("sign in with the code shown"));
//!     let device_code = code["device_code"].as_str().unwrap_or_default().to_owned();
//!     loop {
//!         tokio::time::sleep(Duration::from_secs(code["interval"].as_u64().unwrap_or(5))).await;
//!         let token = post(&format!("{base}/token"), &[
//!             ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
//!             ("client_id", client_id),
//!             ("device_code", &device_code),
//!         ]).await?;
//!         if let Some(access) = token["access_token"].as_str() {
//!             let lifetime = Duration::from_secs(token["expires_in"].as_u64().unwrap_or(3600));
//!             return Ok(AccessToken::new(access.to_owned()).expires_at(SystemTime::now() + lifetime));
//!         }
//!         if token["error"] != "authorization_pending" {
//!             return Err(Error::build(format!("sign-in failed: {}", token["error"])));
//!         }
//!     }
//! });
//! let client = Client::builder().credential(credential).build()?;
//! # let _ = client; Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::Error;

pub(crate) mod challenge;
#[cfg(feature = "signin")]
pub mod signin;

/// A boxed, sendable future, as credentials ([`TokenCredential::get_token`]) and policies
/// ([`Policy::send`](crate::policy::Policy::send)) return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How long before its expiry a long-lived cached token is refreshed (see [`refresh_margin`]).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// How long a credential may take to hand out a token before the calls waiting for it fail:
/// 30 seconds (set another with `ClientBuilder::credential_timeout`).
pub const DEFAULT_CREDENTIAL_TIMEOUT: Duration = Duration::from_secs(30);

/// How long before its expiry a token that lived `lifetime` when it was issued is refreshed: half
/// its lifetime, at most [`REFRESH_MARGIN`]. A one-hour token is refreshed 5 minutes early, a
/// 2-minute token after one minute of use, a 1-second token after half a second, so short-lived
/// tokens are still cached rather than fetched for every request.
///
/// ```
/// use std::time::Duration;
/// use graph_odata_runtime::auth::refresh_margin;
/// assert_eq!(refresh_margin(Duration::from_secs(3600)), Duration::from_secs(300));
/// assert_eq!(refresh_margin(Duration::from_secs(120)), Duration::from_secs(60));
/// ```
pub fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 2).min(REFRESH_MARGIN)
}

/// A string that never shows itself in `Debug` or `Display`.
///
/// ```
/// use graph_odata_runtime::auth::Secret;
/// let s = Secret::new("eyJ0eXAi...");
/// assert_eq!(format!("{s:?}"), "Secret(** redacted **)");
/// assert_eq!(s.expose(), "eyJ0eXAi...");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Arc::from(value.into()))
    }

    /// The secret itself. Only call this where the value must go on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(** redacted **)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

/// A bearer token and when it stops being valid.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use graph_odata_runtime::auth::AccessToken;
/// let t = AccessToken::new("abc").expires_at(SystemTime::UNIX_EPOCH + Duration::from_secs(60));
/// assert_eq!(format!("{t:?}"), "AccessToken { token: Secret(** redacted **), expires_on: Some(SystemTime { tv_sec: 60, tv_nsec: 0 }) }");
/// ```
#[derive(Clone, Debug)]
pub struct AccessToken {
    /// The token, sent as `Authorization: Bearer <token>`.
    pub token: Secret,
    /// When it expires; `None` means never (it is then only refreshed after a 401).
    pub expires_on: Option<SystemTime>,
}

impl AccessToken {
    /// A token with no known expiry.
    pub fn new(token: impl Into<Secret>) -> AccessToken {
        AccessToken {
            token: token.into(),
            expires_on: None,
        }
    }

    /// Sets the expiry.
    #[must_use]
    pub fn expires_at(mut self, when: SystemTime) -> AccessToken {
        self.expires_on = Some(when);
        self
    }

    /// Whether the token should be refreshed at `now`: it expires within [`REFRESH_MARGIN`]. (The
    /// client's cache, which knows when a token was issued, uses [`refresh_margin`] instead.)
    pub fn needs_refresh(&self, now: SystemTime) -> bool {
        self.expires_within(now, REFRESH_MARGIN)
    }

    /// Whether the token expires within `margin` of `now` (or has expired).
    fn expires_within(&self, now: SystemTime, margin: Duration) -> bool {
        match self.expires_on {
            None => false,
            Some(expiry) => expiry
                .duration_since(now)
                .map(|left| left <= margin)
                .unwrap_or(true),
        }
    }
}

/// Something that hands out access tokens for scopes (`https://graph.microsoft.com/.default`).
///
/// Implement it for your own token source, or use [`StaticToken`] or [`token_fn`].
pub trait TokenCredential: Send + Sync {
    /// Gets a token for `scopes`.
    fn get_token<'a>(&'a self, scopes: &'a [String]) -> BoxFuture<'a, Result<AccessToken, Error>>;

    /// Gets a token for `scopes` that satisfies `claims` (the JSON of a Continuous Access
    /// Evaluation claims challenge, `{"access_token":{"nbf":{…}}}`), which the client asks for
    /// once after a `401` with `error="insufficient_claims"`. The default asks
    /// [`get_token`](TokenCredential::get_token) again; the `signin` flows send the claims.
    fn get_token_with_claims<'a>(
        &'a self,
        scopes: &'a [String],
        claims: &'a str,
    ) -> BoxFuture<'a, Result<AccessToken, Error>> {
        let _ = claims;
        self.get_token(scopes)
    }
}

/// A fixed token, e.g. one pasted from Graph Explorer into `GRAPH_TOKEN`.
///
/// ```
/// use graph_odata_runtime::auth::StaticToken;
/// let cred = StaticToken::new("eyJ0eXAi...");
/// assert_eq!(format!("{cred:?}"), "StaticToken(** redacted **)");
/// ```
#[derive(Clone)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Wraps `token`; it never expires as far as the client knows.
    pub fn new(token: impl Into<Secret>) -> StaticToken {
        StaticToken(AccessToken::new(token))
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(** redacted **)")
    }
}

impl TokenCredential for StaticToken {
    fn get_token<'a>(&'a self, _: &'a [String]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// A credential from an async closure that receives the scopes.
///
/// ```
/// use graph_odata_runtime::auth::{token_fn, AccessToken};
/// let cred = token_fn(|scopes: Vec<String>| async move {
///     assert_eq!(scopes, ["https://graph.microsoft.com/.default"]);
///     Ok(AccessToken::new("fetched-from-my-vault"))
/// });
/// # let _ = cred;
/// ```
pub fn token_fn<F, Fut>(f: F) -> TokenFn<F>
where
    F: Fn(Vec<String>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<AccessToken, Error>> + Send + 'static,
{
    TokenFn(f)
}

/// The credential made by [`token_fn`].
pub struct TokenFn<F>(F);

impl<F> fmt::Debug for TokenFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenFn")
    }
}

impl<F, Fut> TokenCredential for TokenFn<F>
where
    F: Fn(Vec<String>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<AccessToken, Error>> + Send + 'static,
{
    fn get_token<'a>(&'a self, scopes: &'a [String]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin((self.0)(scopes.to_vec()))
    }
}

/// Caches one token per client and refreshes it before it expires.
pub(crate) struct TokenCache {
    credential: Arc<dyn TokenCredential>,
    scopes: Vec<String>,
    timeout: Duration,
    cached: tokio::sync::Mutex<Option<Cached>>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("scopes", &self.scopes)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A token and how early it is refreshed, fixed when it was issued.
struct Cached {
    token: AccessToken,
    margin: Duration,
}

impl TokenCache {
    pub(crate) fn new(
        credential: Arc<dyn TokenCredential>,
        scopes: Vec<String>,
        timeout: Duration,
    ) -> TokenCache {
        TokenCache {
            credential,
            scopes,
            timeout,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// The cached token, or a fresh one when there is none or it is about to expire.
    /// Concurrent callers wait for one refresh rather than each asking the credential (the lock is
    /// held across the credential call), and the whole wait, lock included, is bounded by the
    /// credential timeout.
    pub(crate) async fn token(&self) -> Result<Secret, Error> {
        self.bounded(self.fetch(None)).await
    }

    /// A fresh token that satisfies `claims` (a claims challenge), cached in place of the old
    /// one; bounded by the credential timeout as [`token`](TokenCache::token) is.
    pub(crate) async fn token_with_claims(&self, claims: &str) -> Result<Secret, Error> {
        self.bounded(self.fetch(Some(claims))).await
    }

    async fn bounded(
        &self,
        fetch: impl Future<Output = Result<Secret, Error>>,
    ) -> Result<Secret, Error> {
        match tokio::time::timeout(self.timeout, fetch).await {
            Ok(result) => result,
            Err(_) => Err(Error::kinded(
                crate::ErrorKind::Auth,
                format!(
                    "the credential did not provide a token within {:?} (`ClientBuilder::credential_timeout`)",
                    self.timeout
                ),
            )),
        }
    }

    /// The cached token (unless `claims` asks for a new one), else one from the credential.
    async fn fetch(&self, claims: Option<&str>) -> Result<Secret, Error> {
        let mut cached = self.cached.lock().await;
        let now = SystemTime::now();
        if let Some(c) = cached.as_ref()
            && claims.is_none()
            && !c.token.expires_within(now, c.margin)
        {
            return Ok(c.token.token.clone());
        }
        let asked = match claims {
            Some(claims) => self.credential.get_token_with_claims(&self.scopes, claims),
            None => self.credential.get_token(&self.scopes),
        };
        let fresh = asked.await.map_err(|e| {
            if e.is_auth() {
                e
            } else {
                Error::kinded(
                    crate::ErrorKind::Auth,
                    "the credential could not provide a token",
                )
                .with_source(e)
            }
        })?;
        if fresh.token.expose().is_empty() {
            return Err(Error::kinded(
                crate::ErrorKind::Auth,
                "the credential returned an empty token",
            ));
        }
        let secret = fresh.token.clone();
        let lifetime = fresh
            .expires_on
            .and_then(|at| at.duration_since(now).ok())
            .unwrap_or(Duration::ZERO);
        *cached = Some(Cached {
            margin: refresh_margin(lifetime),
            token: fresh,
        });
        Ok(secret)
    }

    /// Forgets the cached token if it is still `rejected` (the service answered 401 to it).
    pub(crate) async fn invalidate(&self, rejected: &Secret) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|c| &c.token.token == rejected) {
            *cached = None;
        }
    }

    pub(crate) fn scopes(&self) -> &[String] {
        &self.scopes
    }
}

#[cfg(feature = "azure")]
pub use azure::AzureCredential;

#[cfg(feature = "azure")]
mod azure {
    use super::*;

    /// Any `azure_core` credential (`azure_identity::DeveloperToolsCredential`,
    /// `ManagedIdentityCredential`, …) as a graph-odata [`TokenCredential`].
    ///
    /// ```no_run
    /// # fn demo(cred: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> Result<(), graph_odata_runtime::Error> {
    /// use graph_odata_runtime::{auth::AzureCredential, Client};
    /// let client = Client::builder().credential(AzureCredential::new(cred)).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    ///
    /// # Recipes (with `azure_identity` 1.x)
    ///
    /// The client asks for `https://graph.microsoft.com/.default` (or the national cloud's
    /// scope) unless [`ClientBuilder::scopes`](crate::ClientBuilder::scopes) says otherwise.
    /// The recipes are compiled, not run: each needs a real tenant and app registration (the
    /// managed identity, an Azure host; the developer sign-in, the Azure CLI).
    ///
    /// **An app with a client secret** (daemon, service): application permissions.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use azure_identity::ClientSecretCredential;
    /// use graph_odata_runtime::{auth::AzureCredential, Client};
    ///
    /// let credential = ClientSecretCredential::new(
    ///     &std::env::var("AZURE_TENANT_ID")?,
    ///     std::env::var("AZURE_CLIENT_ID")?,
    ///     std::env::var("AZURE_CLIENT_SECRET")?.into(),
    ///     None,
    /// )?;
    /// let client = Client::builder().credential(AzureCredential::new(credential)).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    ///
    /// **An app with a client certificate**: `azure_identity`'s `ClientCertificateCredential`
    /// needs its `client_certificate` feature, which builds OpenSSL, so it is not shown here.
    /// The `signin` feature has a `ClientCertificateCredential` of its own that takes the
    /// certificate and its private key as PEM and needs no OpenSSL (compiled here with `signin`,
    /// not run: it needs a tenant where the app is registered; the facade's README runs it against
    /// the emulator's token endpoint):
    ///
    /// ```no_run
    /// # #[cfg(feature = "signin")]
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use graph_odata_runtime::auth::signin::ClientCertificateCredential;
    /// use graph_odata_runtime::{Client, Cloud};
    ///
    /// let credential = ClientCertificateCredential::new(
    ///     Cloud::Global.authority(&std::env::var("AZURE_TENANT_ID")?)?,
    ///     &std::env::var("AZURE_CLIENT_ID")?,
    ///     &std::fs::read_to_string("app-cert.pem")?,     // -----BEGIN CERTIFICATE-----
    ///     &std::fs::read_to_string("app-cert-key.pem")?, // its RSA key, PKCS #8 or #1
    /// )?;
    /// let client = Client::builder().credential(credential).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    ///
    /// **A managed identity** (Azure VM, App Service, Functions): no secret in the program.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use azure_identity::{ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId};
    /// use graph_odata_runtime::{auth::AzureCredential, Client};
    ///
    /// // System-assigned: `ManagedIdentityCredential::new(None)`. User-assigned:
    /// let options = ManagedIdentityCredentialOptions {
    ///     user_assigned_id: Some(UserAssignedId::ClientId(std::env::var("AZURE_CLIENT_ID")?)),
    ///     ..Default::default()
    /// };
    /// let credential = ManagedIdentityCredential::new(Some(options))?;
    /// let client = Client::builder().credential(AzureCredential::new(credential)).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    ///
    /// **A developer's own sign-in** (`az login` or `azd auth login`) for local tools: delegated
    /// permissions of the signed-in user.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use azure_identity::DeveloperToolsCredential;
    /// use graph_odata_runtime::{auth::AzureCredential, Client};
    /// let credential = DeveloperToolsCredential::new(None)?;
    /// let client = Client::builder().credential(AzureCredential::new(credential)).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    ///
    /// `azure_identity` 1.x has no device code credential: see the device code recipe with
    /// [`token_fn`](super::token_fn) in the [module docs](super).
    pub struct AzureCredential(Arc<dyn azure_core::credentials::TokenCredential>);

    impl AzureCredential {
        /// Wraps an `azure_core` credential.
        pub fn new(inner: Arc<dyn azure_core::credentials::TokenCredential>) -> AzureCredential {
            AzureCredential(inner)
        }
    }

    impl fmt::Debug for AzureCredential {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("AzureCredential(..)")
        }
    }

    impl TokenCredential for AzureCredential {
        fn get_token<'a>(
            &'a self,
            scopes: &'a [String],
        ) -> BoxFuture<'a, Result<AccessToken, Error>> {
            Box::pin(async move {
                let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
                let token = self.0.get_token(&scopes, None).await.map_err(|e| {
                    Error::kinded(
                        crate::ErrorKind::Auth,
                        "the azure credential could not provide a token",
                    )
                    .with_source(e)
                })?;
                let secs = token.expires_on.unix_timestamp();
                let expires = u64::try_from(secs)
                    .ok()
                    .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s));
                let mut out = AccessToken::new(token.token.secret());
                out.expires_on = expires;
                Ok(out)
            })
        }
    }
}

#[cfg(test)]
mod tests;
