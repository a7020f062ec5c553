//! App-only sign-in (OAuth 2.0 client credentials): with a client secret, or with a JWT client
//! assertion signed by the key of the app's certificate.

use std::fmt;
use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2::Scope;
use sha1::{Digest, Sha1};
use x509_cert::Certificate;
use x509_cert::der::{DecodePem, Encode};

use super::cache::{Persisted, TokenStore};
use super::{Authority, Http, access_token, auth_error, claims_param, oauth_client};
use crate::Error;
use crate::auth::{AccessToken, Secret};

/// The `client_assertion_type` of a JWT client assertion.
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long a client assertion is valid: 10 minutes.
const ASSERTION_LIFETIME_SECS: u64 = 600;

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
pub struct ClientSecretCredential {
    authority: Authority,
    client_id: String,
    secret: Secret,
    cache: Option<Persisted>,
    http: Http,
}

impl fmt::Debug for ClientSecretCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSecretCredential")
            .field("authority", &self.authority)
            .field("client_id", &self.client_id)
            .field("secret", &self.secret)
            .field("cache", &self.cache)
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
        Ok(ClientSecretCredential {
            authority,
            client_id: client_id.to_owned(),
            secret: secret.into(),
            cache: None,
            http: Http::new()?,
        })
    }

    /// Keeps the access tokens in `store` too, so a program started again reuses a valid one
    /// (see [`cache`](super::cache)).
    #[must_use]
    pub fn with_cache(mut self, store: impl TokenStore + 'static) -> ClientSecretCredential {
        self.cache = Some(Persisted::new(
            std::sync::Arc::new(store),
            &self.authority,
            &self.client_id,
        ));
        self
    }
}

credential_through_fetch!(ClientSecretCredential);

impl ClientSecretCredential {
    async fn fetch(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        cached(
            self.cache.as_ref(),
            scopes,
            claims,
            self.request(scopes, claims),
        )
        .await
    }

    async fn request(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        {
            let client = oauth_client(&self.authority, &self.client_id)?
                .set_client_secret(oauth2::ClientSecret::new(self.secret.expose().to_owned()));
            let response = client
                .exchange_client_credentials()
                .add_scopes(scopes.iter().cloned().map(Scope::new))
                .add_extra_param("claims", claims_param(claims))
                .request_async(&self.http)
                .await
                .map_err(|e| auth_error("client secret sign-in failed", e))?;
            Ok(access_token(&response))
        }
    }
}

/// An app signing in as itself with a certificate: each token request carries a fresh JWT
/// client assertion (RS256, `x5t` the certificate's SHA-1 thumbprint, `aud` the token
/// endpoint, `iss` = `sub` = the client id, a 10-minute `exp`, a random `jti`) signed with
/// the certificate's private key.
pub struct ClientCertificateCredential {
    authority: Authority,
    client_id: String,
    key: jsonwebtoken::EncodingKey,
    x5t: String,
    cache: Option<Persisted>,
    http: Http,
}

impl fmt::Debug for ClientCertificateCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificateCredential")
            .field("authority", &self.authority)
            .field("client_id", &self.client_id)
            .field("x5t", &self.x5t)
            .field("key", &crate::redact::REDACTED)
            .field("cache", &self.cache)
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
        let der = Certificate::from_pem(certificate_pem.trim())
            .and_then(|c| c.to_der())
            .map_err(|_| Error::build("the client certificate is not a PEM X.509 certificate"))?;
        let key =
            jsonwebtoken::EncodingKey::from_rsa_pem(private_key_pem.as_bytes()).map_err(|_| {
                Error::build("the client certificate's key is not a PEM RSA private key")
            })?;
        Ok(ClientCertificateCredential {
            authority,
            client_id: client_id.to_owned(),
            key,
            x5t: URL_SAFE_NO_PAD.encode(Sha1::digest(&der)),
            cache: None,
            http: Http::new()?,
        })
    }

    /// Keeps the access tokens in `store` too, so a program started again reuses a valid one
    /// (see [`cache`](super::cache)).
    #[must_use]
    pub fn with_cache(mut self, store: impl TokenStore + 'static) -> ClientCertificateCredential {
        self.cache = Some(Persisted::new(
            std::sync::Arc::new(store),
            &self.authority,
            &self.client_id,
        ));
        self
    }

    /// A signed client assertion for the token endpoint.
    fn assertion(&self) -> Result<String, Error> {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let claims = serde_json::json!({
            "aud": self.authority.token_url().as_str(),
            "iss": self.client_id,
            "sub": self.client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME_SECS,
        });
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.x5t = Some(self.x5t.clone());
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| {
            Error::kinded(
                crate::ErrorKind::Auth,
                format!("cannot sign the client assertion: {e}"),
            )
        })
    }
}

credential_through_fetch!(ClientCertificateCredential);

impl ClientCertificateCredential {
    async fn fetch(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        cached(
            self.cache.as_ref(),
            scopes,
            claims,
            self.request(scopes, claims),
        )
        .await
    }

    async fn request(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        {
            let assertion = self.assertion()?;
            let response = oauth_client(&self.authority, &self.client_id)?
                .exchange_client_credentials()
                .add_scopes(scopes.iter().cloned().map(Scope::new))
                .add_extra_param("client_assertion_type", JWT_BEARER)
                .add_extra_param("client_assertion", assertion)
                .add_extra_param("claims", claims_param(claims))
                .request_async(&self.http)
                .await
                .map_err(|e| auth_error("client certificate sign-in failed", e))?;
            Ok(access_token(&response))
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
