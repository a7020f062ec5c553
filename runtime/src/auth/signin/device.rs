//! A user signing in on another device (OAuth 2.0 device authorization grant), with the refresh
//! token kept in memory and rotated.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth2::{RefreshToken, Scope, StandardDeviceAuthorizationResponse, TokenResponse};

use super::cache::{Persisted, TokenStore};
use super::{Authority, Http, access_token, auth_error, claims_param, oauth_client};
use crate::Error;
use crate::auth::{AccessToken, Secret};

/// What the user must do to sign in: open `verification_uri` and enter `user_code`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DeviceCodePrompt {
    /// The code the user enters.
    pub user_code: String,
    /// The page where the user enters it.
    pub verification_uri: String,
    /// How long the code is valid.
    pub expires_in: Duration,
}

impl fmt::Display for DeviceCodePrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "To sign in, open {} and enter the code {}",
            crate::redact::printable(&self.verification_uri, 200),
            crate::redact::printable(&self.user_code, 40)
        )
    }
}

type Prompt = Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync>;

/// A user signing in with a code entered on another device (a CLI, a headless machine):
/// delegated permissions (`scp`).
///
/// The first token asks the identity platform for a device code, hands the user code to the
/// prompt (a callback: print it, show it), and polls the token endpoint every `interval`
/// seconds while the answer is `authorization_pending`, 5 s slower after each `slow_down`,
/// until the user signs in or the code expires (`expired_token`, an
/// [`ErrorKind::Auth`](crate::ErrorKind::Auth) error). It asks for `offline_access` too, and
/// later tokens use the refresh token, kept in memory and replaced by the new one each answer
/// brings (rotation); a refused refresh token starts a new device code.
///
/// With a cache ([`with_cache`](DeviceCodeCredential::with_cache)) the tokens also outlive the
/// program: a cached access token that is still valid is handed out without a request, a cached
/// refresh token is used before any prompt, each new refresh token replaces the cached one, and
/// a refused one is removed from the cache.
///
/// ```
/// # fn main() -> Result<(), graph_odata_runtime::Error> {
/// use graph_odata_runtime::auth::signin::DeviceCodeCredential;
/// use graph_odata_runtime::Cloud;
/// let credential = DeviceCodeCredential::new(
///     Cloud::Global.authority("organizations")?,
///     "11111111-2222-3333-4444-555555555555",
///     |prompt| eprintln!("{prompt}"),
/// )?;
/// # let _ = credential;
/// # Ok(()) }
/// ```
pub struct DeviceCodeCredential {
    authority: Authority,
    client_id: String,
    prompt: Prompt,
    refresh: Mutex<Option<Secret>>,
    cache: Option<Persisted>,
    http: Http,
}

impl fmt::Debug for DeviceCodeCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let has_refresh = self.refresh.lock().map(|r| r.is_some()).unwrap_or(false);
        f.debug_struct("DeviceCodeCredential")
            .field("authority", &self.authority)
            .field("client_id", &self.client_id)
            .field(
                "refresh_token",
                &has_refresh.then_some(crate::redact::REDACTED),
            )
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl DeviceCodeCredential {
    /// A credential for the public client app `client_id` at `authority`; `prompt` shows the
    /// user what to do.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(
        authority: Authority,
        client_id: &str,
        prompt: impl Fn(&DeviceCodePrompt) + Send + Sync + 'static,
    ) -> Result<DeviceCodeCredential, Error> {
        Ok(DeviceCodeCredential {
            authority,
            client_id: client_id.to_owned(),
            prompt: Arc::new(prompt),
            refresh: Mutex::new(None),
            cache: None,
            http: Http::new()?,
        })
    }

    /// Keeps the tokens in `store` too, so they outlive the program (see
    /// [`cache`](super::cache)): entries keyed by this credential's authority and client id and
    /// the scopes asked.
    #[must_use]
    pub fn with_cache(mut self, store: impl TokenStore + 'static) -> DeviceCodeCredential {
        self.cache = Some(Persisted::new(
            std::sync::Arc::new(store),
            &self.authority,
            &self.client_id,
        ));
        self
    }

    fn keep<R: TokenResponse>(&self, response: &R) {
        if let Some(rt) = response.refresh_token()
            && let Ok(mut kept) = self.refresh.lock()
        {
            *kept = Some(Secret::new(rt.secret().clone()));
        }
    }

    fn take_refresh(&self) -> Option<Secret> {
        self.refresh.lock().ok().and_then(|mut r| r.take())
    }

    async fn device_code(
        &self,
        scopes: &[String],
        claims: Option<&str>,
    ) -> Result<AccessToken, Error> {
        let client = oauth_client(&self.authority, &self.client_id)?;
        let details: StandardDeviceAuthorizationResponse = client
            .exchange_device_code()
            .add_scopes(scopes.iter().cloned().map(Scope::new))
            .add_scope(Scope::new("offline_access".into()))
            .request_async(&self.http)
            .await
            .map_err(|e| auth_error("device code sign-in could not start", e))?;
        (self.prompt)(&DeviceCodePrompt {
            user_code: details.user_code().secret().clone(),
            verification_uri: details.verification_uri().to_string(),
            expires_in: details.expires_in(),
        });
        let response = client
            .exchange_device_access_token(&details)
            .add_extra_param("claims", claims_param(claims))
            .request_async(&self.http, tokio::time::sleep, None)
            .await
            .map_err(|e| auth_error("device code sign-in failed", e))?;
        self.keep(&response);
        Ok(access_token(&response))
    }

    async fn refreshed(
        &self,
        scopes: &[String],
        refresh: Secret,
        claims: Option<&str>,
    ) -> Result<AccessToken, (Error, bool)> {
        let client = oauth_client(&self.authority, &self.client_id).map_err(|e| (e, false))?;
        let rt = RefreshToken::new(refresh.expose().to_owned());
        let response = client
            .exchange_refresh_token(&rt)
            .add_scopes(scopes.iter().cloned().map(Scope::new))
            .add_extra_param("claims", claims_param(claims))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                let refused = matches!(e, oauth2::RequestTokenError::ServerResponse(_));
                (auth_error("refreshing the sign-in failed", e), refused)
            })?;
        self.keep(&response);
        Ok(access_token(&response))
    }
}

credential_through_fetch!(DeviceCodeCredential);

impl DeviceCodeCredential {
    /// A token from the cache if it holds a fresh one, else from the refresh token if there is
    /// one (in memory, else cached), else from a new device code.
    async fn fetch(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        if let Some(cache) = &self.cache
            && let Some(token) = cache.recall(scopes, claims, &self.refresh)
        {
            return Ok(token);
        }
        let mut token = None;
        if let Some(refresh) = self.take_refresh() {
            match self.refreshed(scopes, refresh, claims).await {
                Ok(t) => token = Some(t),
                Err((e, refused)) => {
                    tracing::warn!(error = %e, "the refresh token did not work; signing in again");
                    if refused && let Some(cache) = &self.cache {
                        cache.forget(scopes);
                    }
                }
            }
        }
        let token = match token {
            Some(token) => token,
            None => self.device_code(scopes, claims).await?,
        };
        if let Some(cache) = &self.cache {
            cache.remember(scopes, &token, &self.refresh);
        }
        Ok(token)
    }
}
