//! App-only sign-in (OAuth 2.0 client credentials): with a client secret, or with a JWT client
//! assertion signed by the key of the app's certificate ([`ClientAuth`]).

use std::fmt;

use oauth2::Scope;

use super::cache::{Persisted, TokenStore};
use super::client_auth::ClientAuth;
use super::{Authority, Http, access_token, auth_error, claims_param, oauth_client};
use crate::Error;
use crate::auth::{AccessToken, Secret};

/// An app signing in as itself with a client secret: application permissions (`roles`), for
/// the scope `{resource}/.default`.
///
/// ```
/// # fn main() -> Result<(), graph_odata_runtime::Error> {
/// use graph_odata_runtime::auth::signin::ClientSecretCredential;
/// use graph_odata_runtime::Cloud;
/// let credential = ClientSecretCredential::new(
///     Cloud::Global.authority("contoso.onmicrosoft.com")?,
///     "11111111-2222-3333-4444-555555555555",
///     "a-secret",
/// )?;
/// assert!(!format!("{credential:?}").contains("a-secret"));
/// # Ok(()) }
/// ```
pub struct ClientSecretCredential(App);

impl fmt::Debug for ClientSecretCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSecretCredential")
            .field("authority", &self.0.authority)
            .field("client_id", &self.0.client_id)
            .field("secret", &self.0.auth)
            .field("cache", &self.0.cache)
            .finish()
    }
}

impl ClientSecretCredential {
    /// A credential for the app `client_id` with `secret`, at `authority`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(
        authority: Authority,
        client_id: &str,
        secret: impl Into<Secret>,
    ) -> Result<ClientSecretCredential, Error> {
        App::new(
            authority,
            client_id,
            ClientAuth::Secret(secret.into()),
            "client secret",
        )
        .map(ClientSecretCredential)
    }

    /// Keeps the access tokens in `store` too, so a program started again reuses a valid one
    /// (see [`cache`](super::cache)).
    #[must_use]
    pub fn with_cache(self, store: impl TokenStore + 'static) -> ClientSecretCredential {
        ClientSecretCredential(self.0.with_cache(store))
    }

    async fn fetch(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        self.0.fetch(scopes, claims).await
    }
}

credential_through_fetch!(ClientSecretCredential);

/// An app signing in as itself with a certificate: each token request carries a fresh JWT
/// client assertion (RS256, `x5t` the certificate's SHA-1 thumbprint, `aud` the token
/// endpoint, `iss` = `sub` = the client id, a 10-minute `exp`, a random `jti`) signed with
/// the certificate's private key.
pub struct ClientCertificateCredential(App);

impl fmt::Debug for ClientCertificateCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x5t = match &self.0.auth {
            ClientAuth::Certificate { x5t, .. } => x5t.as_str(),
            ClientAuth::Secret(_) => "",
        };
        f.debug_struct("ClientCertificateCredential")
            .field("authority", &self.0.authority)
            .field("client_id", &self.0.client_id)
            .field("x5t", &x5t)
            .field("key", &crate::redact::REDACTED)
            .field("cache", &self.0.cache)
            .finish()
    }
}

impl ClientCertificateCredential {
    /// A credential for the app `client_id` with its certificate (PEM,
    /// `-----BEGIN CERTIFICATE-----`) and the certificate's RSA private key (PEM, PKCS #8 or
    /// PKCS #1), at `authority`.
    ///
    /// # Errors
    /// [`ErrorKind::Build`](crate::ErrorKind::Build) when the certificate or the key does not
    /// parse (the message never quotes the key).
    pub fn new(
        authority: Authority,
        client_id: &str,
        certificate_pem: &str,
        private_key_pem: &str,
    ) -> Result<ClientCertificateCredential, Error> {
        let auth = ClientAuth::certificate(certificate_pem, private_key_pem)?;
        App::new(authority, client_id, auth, "client certificate").map(ClientCertificateCredential)
    }

    /// Keeps the access tokens in `store` too, so a program started again reuses a valid one
    /// (see [`cache`](super::cache)).
    #[must_use]
    pub fn with_cache(self, store: impl TokenStore + 'static) -> ClientCertificateCredential {
        ClientCertificateCredential(self.0.with_cache(store))
    }

    async fn fetch(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        self.0.fetch(scopes, claims).await
    }
}

credential_through_fetch!(ClientCertificateCredential);

/// What both app-only credentials are: an app, how it authenticates, and where its tokens may be
/// cached.
struct App {
    authority: Authority,
    client_id: String,
    auth: ClientAuth,
    cache: Option<Persisted>,
    http: Http,
    /// How errors name the flow (`client secret`, `client certificate`).
    flow: &'static str,
}

impl App {
    fn new(
        authority: Authority,
        client_id: &str,
        auth: ClientAuth,
        flow: &'static str,
    ) -> Result<App, Error> {
        Ok(App {
            authority,
            client_id: client_id.to_owned(),
            auth,
            cache: None,
            http: Http::new()?,
            flow,
        })
    }

    fn with_cache(mut self, store: impl TokenStore + 'static) -> App {
        self.cache = Some(Persisted::new(
            std::sync::Arc::new(store),
            &self.authority,
            &self.client_id,
        ));
        self
    }

    /// The cached access token if the cache holds a valid one, else a new one, cached.
    async fn fetch(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        let request = async {
            client_credentials(
                &self.authority,
                &self.client_id,
                &self.auth,
                &self.http,
                (scopes, claims),
            )
            .await
            .map_err(|e| e.context(&format!("{} sign-in failed", self.flow)))
        };
        cached(self.cache.as_ref(), scopes, claims, request).await
    }
}

/// A client credentials token request, authenticated by `auth`.
async fn client_credentials(
    authority: &Authority,
    client_id: &str,
    auth: &ClientAuth,
    http: &Http,
    request: (&[String], Option<&str>),
) -> Result<AccessToken, Failed> {
    let (scopes, claims) = request;
    let client = oauth_client(authority, client_id).map_err(Failed::Ready)?;
    let mut exchange = client
        .exchange_client_credentials()
        .add_scopes(scopes.iter().cloned().map(Scope::new))
        .add_extra_param("claims", claims_param(claims));
    for (name, value) in auth.params(authority, client_id).map_err(Failed::Ready)? {
        exchange = exchange.add_extra_param(name, value);
    }
    let response = exchange.request_async(http).await.map_err(Failed::Token)?;
    Ok(access_token(&response))
}

/// Why a client credentials request failed: before it was sent, or its answer.
enum Failed {
    Ready(Error),
    Token(oauth2::RequestTokenError<super::HttpError, oauth2::basic::BasicErrorResponse>),
}

impl Failed {
    fn context(self, what: &str) -> Error {
        match self {
            Failed::Ready(e) => e,
            Failed::Token(e) => auth_error(what, e),
        }
    }
}

/// The cached access token if `cache` holds a valid one, else `request`'s, cached. App-only
/// flows have no refresh token: their slot stays empty.
async fn cached(
    cache: Option<&Persisted>,
    scopes: &[String],
    claims: Option<&str>,
    request: impl std::future::Future<Output = Result<AccessToken, Error>>,
) -> Result<AccessToken, Error> {
    let none = std::sync::Mutex::new(None);
    if let Some(token) = cache.and_then(|c| c.recall(scopes, claims, &none)) {
        return Ok(token);
    }
    let token = request.await?;
    if let Some(cache) = cache {
        cache.remember(scopes, &token, &std::sync::Mutex::new(None));
    }
    Ok(token)
}
