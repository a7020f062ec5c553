//! A user signing in in a browser (OAuth 2.0 authorization code grant with PKCE, RFC 7636),
//! redirected back to a listener on loopback, with the refresh token kept in memory and rotated.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth2::{AuthUrl, AuthorizationCode, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope};
use url::Url;

use super::cache::{Persisted, TokenStore};
use super::listener::Listener;
use super::{Authority, Http, access_token, auth_error, claims_param, oauth_client, refresh};
use crate::Error;
use crate::auth::{AccessToken, Secret};

/// How long the credential waits for the browser's redirect unless told otherwise: 5 minutes.
pub const DEFAULT_SIGN_IN_WAIT: Duration = Duration::from_secs(5 * 60);

type Open = Arc<dyn Fn(&Url) + Send + Sync>;

/// A user signing in in a browser on the same machine (a desktop app, a CLI with a browser):
/// delegated permissions (`scp`). The name is that of the same flow in Microsoft's Azure
/// Identity libraries, whose `AuthorizationCodeCredential` is another thing (it redeems a code
/// the app got itself).
///
/// The first token:
/// 1. listens on `127.0.0.1` on a port the OS chooses ([`port`](Self::port) sets one), with the
///    redirect URI `http://localhost:{port}` (register `http://localhost` as a "Mobile and
///    desktop applications" redirect URI: the identity platform then takes any port);
/// 2. builds the authorize URL with a PKCE challenge (S256), a random `state` and the scopes
///    plus `offline_access`, and hands it to `open`, a callback of yours (open a browser, print
///    it: the crate opens nothing itself);
/// 3. waits for the browser's redirect: only `GET /?code=…&state=…` with this sign-in's
///    `state` (compared in constant time) ends the wait; other requests get an error page and
///    the wait goes on. A redirect with `error=…` is an [`ErrorKind::Auth`](crate::ErrorKind::Auth)
///    error naming the `error` and its description; no redirect within [`wait`](Self::wait)
///    ([`DEFAULT_SIGN_IN_WAIT`]) is an [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) error.
///    Request heads over 8 KiB are refused, and at most 16 connections are read at a time;
/// 4. redeems the code with the PKCE verifier (and the `claims` of Continuous Access
///    Evaluation).
///
/// Later tokens use the refresh token, kept in memory and replaced by the new one each answer
/// brings (rotation); a refused refresh token starts a new browser sign-in. The sign-in waits
/// for a person: give the client a [`credential_timeout`](crate::ClientBuilder::credential_timeout)
/// longer than the wait.
///
/// ```
/// # fn main() -> Result<(), graph_odata_runtime::Error> {
/// use std::time::Duration;
/// use graph_odata_runtime::auth::signin::InteractiveBrowserCredential;
/// use graph_odata_runtime::Cloud;
/// let credential = InteractiveBrowserCredential::new(
///     Cloud::Global.authority("organizations")?,
///     "11111111-2222-3333-4444-555555555555",
///     |url| eprintln!("Open {url} to sign in"),
/// )?
/// .wait(Duration::from_secs(120));
/// # let _ = credential;
/// # Ok(()) }
/// ```
pub struct InteractiveBrowserCredential {
    authority: Authority,
    client_id: String,
    open: Open,
    port: u16,
    wait: Duration,
    refresh: Mutex<Option<Secret>>,
    cache: Option<Persisted>,
    http: Http,
}

impl fmt::Debug for InteractiveBrowserCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InteractiveBrowserCredential")
            .field("authority", &self.authority)
            .field("client_id", &self.client_id)
            .field("port", &self.port)
            .field("wait", &self.wait)
            .field(
                "refresh_token",
                &refresh::held(&self.refresh).then_some(crate::redact::REDACTED),
            )
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl InteractiveBrowserCredential {
    /// A credential for the public client app `client_id` at `authority`; `open` gets the
    /// authorize URL to show the user (it holds the sign-in's `state`: show it to the user only).
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(
        authority: Authority,
        client_id: &str,
        open: impl Fn(&Url) + Send + Sync + 'static,
    ) -> Result<InteractiveBrowserCredential, Error> {
        Ok(InteractiveBrowserCredential {
            authority,
            client_id: client_id.to_owned(),
            open: Arc::new(open),
            port: 0,
            wait: DEFAULT_SIGN_IN_WAIT,
            refresh: Mutex::new(None),
            cache: None,
            http: Http::new()?,
        })
    }

    /// The loopback port of the redirect listener (default `0`: one the OS chooses).
    #[must_use]
    pub fn port(mut self, port: u16) -> InteractiveBrowserCredential {
        self.port = port;
        self
    }

    /// Keeps the tokens in `store` too (see [`cache`](super::cache)): a later run uses a cached
    /// access token that is still valid, else the cached refresh token, before opening a
    /// browser; each new refresh token replaces the cached one.
    #[must_use]
    pub fn with_cache(mut self, store: impl TokenStore + 'static) -> InteractiveBrowserCredential {
        self.cache = Some(Persisted::new(
            std::sync::Arc::new(store),
            &self.authority,
            &self.client_id,
        ));
        self
    }

    /// How long to wait for the browser's redirect (default [`DEFAULT_SIGN_IN_WAIT`]).
    #[must_use]
    pub fn wait(mut self, wait: Duration) -> InteractiveBrowserCredential {
        self.wait = wait;
        self
    }

    async fn browser(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        let listener = Listener::bind(self.port).await?;
        let redirect = RedirectUrl::new(listener.redirect_uri())
            .map_err(|_| Error::build("the sign-in redirect URI is not a URL"))?;
        let client = oauth_client(&self.authority, &self.client_id)?
            .set_auth_uri(AuthUrl::from_url(self.authority.authorize_url()))
            .set_redirect_uri(redirect);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(scopes.iter().cloned().map(Scope::new))
            .add_scope(Scope::new("offline_access".into()))
            .set_pkce_challenge(challenge)
            .url();
        (self.open)(&url);
        let code = listener
            .wait(&Secret::new(state.secret().clone()), self.wait)
            .await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
            .set_pkce_verifier(verifier)
            .add_extra_param("claims", claims_param(claims))
            .request_async(&self.http)
            .await
            .map_err(|e| auth_error("browser sign-in failed", e))?;
        refresh::keep(&self.refresh, &response);
        Ok(access_token(&response))
    }
}

credential_through_fetch!(InteractiveBrowserCredential);

impl InteractiveBrowserCredential {
    /// A token from the cache if it holds a fresh one, else from the refresh token if there is
    /// one (in memory, else cached), else from a new browser sign-in.
    async fn fetch(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        if let Some(cache) = &self.cache
            && let Some(token) = cache.recall(scopes, claims, &self.refresh)
        {
            return Ok(token);
        }
        let token = self.fresh(scopes, claims).await?;
        if let Some(cache) = &self.cache {
            cache.remember(scopes, &token, &self.refresh);
        }
        Ok(token)
    }

    /// A token from the refresh token if there is one, else from a new browser sign-in.
    async fn fresh(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        if let Some(rt) = refresh::take(&self.refresh) {
            let redeemed = refresh::redeem(
                &self.authority,
                &self.client_id,
                &self.http,
                Vec::new(),
                (scopes, claims),
                rt,
                &self.refresh,
            )
            .await;
            match redeemed {
                Ok(response) => return Ok(access_token(&response)),
                Err(e) => {
                    tracing::warn!(error = %e, "the refresh token was refused; signing in again")
                }
            }
        }
        self.browser(scopes, claims).await
    }
}
