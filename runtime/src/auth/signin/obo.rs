//! On-behalf-of (OAuth 2.0 JWT bearer grant with `requested_token_use=on_behalf_of`): a
//! middle-tier API trades the token a user sent it for a token to call Graph as that user.

use std::fmt;
use std::sync::Mutex;
use std::time::SystemTime;

use oauth2::basic::{BasicErrorResponse, BasicTokenResponse};
use oauth2::{AsyncHttpClient, RequestTokenError};

use super::client_auth::ClientAuth;
use super::{Authority, Http, HttpError, access_token, auth_error, claims_param, refresh};
use crate::Error;
use crate::auth::{AccessToken, Secret};

/// The grant type of on-behalf-of.
const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// A middle-tier API (a confidential app) calling Graph on behalf of the user whose token it
/// received: delegated permissions (`scp`) of that user, within what the user consented to
/// for the API.
///
/// The incoming token (the *user assertion*, whose `aud` is the API) goes to the token
/// endpoint with the API's own client secret or certificate (the same client authentication
/// as [`ClientSecretCredential`](super::ClientSecretCredential) and
/// [`ClientCertificateCredential`](super::ClientCertificateCredential)), grant type
/// `urn:ietf:params:oauth:grant-type:jwt-bearer` and `requested_token_use=on_behalf_of`. The
/// answer's token is kept in memory for its scopes until it nears expiry, and so is the refresh
/// token when the answer has one (asked with `offline_access`), rotated on use. Make one
/// credential per incoming user token. The user assertion never appears in `Debug`, logs or
/// errors.
///
/// ```
/// # fn main() -> Result<(), graph_odata_runtime::Error> {
/// use graph_odata_runtime::auth::signin::OnBehalfOfCredential;
/// use graph_odata_runtime::Cloud;
/// let incoming = "eyJ0eXAi...";                     // from the request's `Authorization: Bearer`
/// let credential = OnBehalfOfCredential::with_secret(
///     Cloud::Global.authority("contoso.onmicrosoft.com")?,
///     "11111111-2222-3333-4444-555555555555",
///     "the-api-secret",
///     incoming,
/// )?;
/// let shown = format!("{credential:?}");
/// assert!(!shown.contains("the-api-secret") && !shown.contains("eyJ0eXAi"));
/// # Ok(()) }
/// ```
pub struct OnBehalfOfCredential {
    authority: Authority,
    client_id: String,
    auth: ClientAuth,
    assertion: Secret,
    refresh: Mutex<Option<Secret>>,
    cached: Mutex<Option<(Vec<String>, AccessToken)>>,
    http: Http,
}

impl fmt::Debug for OnBehalfOfCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnBehalfOfCredential")
            .field("authority", &self.authority)
            .field("client_id", &self.client_id)
            .field("client_auth", &self.auth)
            .field("user_assertion", &crate::redact::REDACTED)
            .field(
                "refresh_token",
                &refresh::held(&self.refresh).then_some(crate::redact::REDACTED),
            )
            .finish_non_exhaustive()
    }
}

impl OnBehalfOfCredential {
    /// A credential for the API `client_id` with its client `secret`, for the user whose token
    /// `user_assertion` is.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn with_secret(
        authority: Authority,
        client_id: &str,
        secret: impl Into<Secret>,
        user_assertion: impl Into<Secret>,
    ) -> Result<OnBehalfOfCredential, Error> {
        OnBehalfOfCredential::new(
            authority,
            client_id,
            ClientAuth::Secret(secret.into()),
            user_assertion.into(),
        )
    }

    /// A credential for the API `client_id` with its certificate and the certificate's RSA
    /// private key (PEM, as [`ClientCertificateCredential::new`](super::ClientCertificateCredential::new)),
    /// for the user whose token `user_assertion` is.
    ///
    /// # Errors
    /// [`ErrorKind::Build`](crate::ErrorKind::Build) when the certificate or the key does not
    /// parse (the message never quotes the key), or the HTTP client cannot be built.
    pub fn with_certificate(
        authority: Authority,
        client_id: &str,
        certificate_pem: &str,
        private_key_pem: &str,
        user_assertion: impl Into<Secret>,
    ) -> Result<OnBehalfOfCredential, Error> {
        OnBehalfOfCredential::new(
            authority,
            client_id,
            ClientAuth::certificate(certificate_pem, private_key_pem)?,
            user_assertion.into(),
        )
    }

    fn new(
        authority: Authority,
        client_id: &str,
        auth: ClientAuth,
        assertion: Secret,
    ) -> Result<OnBehalfOfCredential, Error> {
        Ok(OnBehalfOfCredential {
            authority,
            client_id: client_id.to_owned(),
            auth,
            assertion,
            refresh: Mutex::new(None),
            cached: Mutex::new(None),
            http: Http::new()?,
        })
    }

    /// The kept token for `scopes`, unless it nears expiry.
    fn cached(&self, scopes: &[String]) -> Option<AccessToken> {
        let cached = self.cached.lock().ok()?;
        let (for_scopes, token) = cached.as_ref()?;
        (for_scopes.as_slice() == scopes && !token.needs_refresh(SystemTime::now()))
            .then(|| token.clone())
    }

    fn keep(&self, scopes: &[String], response: &BasicTokenResponse) -> AccessToken {
        let token = access_token(response);
        if let Ok(mut cached) = self.cached.lock() {
            *cached = Some((scopes.to_vec(), token.clone()));
        }
        token
    }

    /// The on-behalf-of request itself.
    async fn exchange(
        &self,
        scopes: &[String],
        claims: Option<&str>,
    ) -> Result<BasicTokenResponse, Error> {
        let body = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", JWT_BEARER_GRANT)
                .append_pair("client_id", &self.client_id)
                .append_pair("requested_token_use", "on_behalf_of")
                .append_pair("assertion", self.assertion.expose())
                .append_pair("scope", &scopes.join(" "))
                .append_pair("claims", &claims_param(claims));
            for (name, value) in self.auth.params(&self.authority, &self.client_id)? {
                form.append_pair(name, &value);
            }
            form.finish()
        };
        let request = http::Request::builder()
            .method(http::Method::POST)
            .uri(self.authority.token_url().as_str())
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(http::header::ACCEPT, "application/json")
            .body(body.into_bytes())
            .map_err(|_| Error::build("cannot build the on-behalf-of request"))?;
        let response = token_response(self.http.call(request).await)
            .map_err(|e| auth_error("on-behalf-of sign-in failed", e))?;
        refresh::keep(&self.refresh, &response);
        Ok(response)
    }
}

/// A token endpoint's answer as [`oauth2`] reads one: a token response for a 2xx, the
/// identity platform's error otherwise.
fn token_response(
    answer: Result<oauth2::HttpResponse, HttpError>,
) -> Result<BasicTokenResponse, RequestTokenError<HttpError, BasicErrorResponse>> {
    let answer = answer.map_err(RequestTokenError::Request)?;
    let body = answer.body();
    if !answer.status().is_success() {
        return Err(match serde_json::from_slice::<BasicErrorResponse>(body) {
            Ok(error) => RequestTokenError::ServerResponse(error),
            Err(_) => RequestTokenError::Other(format!(
                "the identity platform answered {}",
                answer.status()
            )),
        });
    }
    let mut json = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut json).map_err(|e| RequestTokenError::Parse(e, Vec::new()))
}

credential_through_fetch!(OnBehalfOfCredential);

impl OnBehalfOfCredential {
    /// The kept token (without claims), else one from the refresh token, else a new exchange.
    async fn fetch(&self, scopes: &[String], claims: Option<&str>) -> Result<AccessToken, Error> {
        if claims.is_none()
            && let Some(token) = self.cached(scopes)
        {
            return Ok(token);
        }
        if let Some(rt) = refresh::take(&self.refresh) {
            let client_auth = self.auth.params(&self.authority, &self.client_id)?;
            let redeemed = refresh::redeem(
                &self.authority,
                &self.client_id,
                &self.http,
                client_auth,
                (scopes, claims),
                rt,
                &self.refresh,
            )
            .await;
            match redeemed {
                Ok(response) => return Ok(self.keep(scopes, &response)),
                Err(e) => {
                    tracing::warn!(error = %e, "the on-behalf-of refresh token was refused; exchanging the user assertion again")
                }
            }
        }
        let response = self.exchange(scopes, claims).await?;
        Ok(self.keep(scopes, &response))
    }
}
