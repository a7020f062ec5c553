//! Sign-in flows owned by the crate (feature `signin`), on the [`oauth2`] crate: a user on
//! another device ([`DeviceCodeCredential`]) or in a browser redirected back to a loopback
//! listener ([`InteractiveBrowserCredential`]), an app with a client secret
//! ([`ClientSecretCredential`]) or a certificate ([`ClientCertificateCredential`]), an API
//! calling Graph for the user who called it ([`OnBehalfOfCredential`]).
//!
//! Each is a [`TokenCredential`](super::TokenCredential), so the client's token policies apply
//! (single flight, refresh before expiry, a new token after a 401). The scopes are the client's
//! ([`ClientBuilder::scopes`](crate::ClientBuilder::scopes): a program's permission manifest,
//! or `{resource}/.default` by default). The [`Authority`] follows the cloud
//! ([`Cloud::authority`](crate::Cloud::authority)) or points at a test server such as the
//! emulator's identity endpoint.
//!
//! The token requests go through their own `reqwest` client (no redirects, a 30 s timeout,
//! answers read up to 1 MiB), not through the Graph pipeline: the identity platform is another
//! service, and its answers carry secrets the pipeline's retry and trace policies must never
//! see. Client secrets, assertions (client and user), device codes, authorization codes and
//! refresh tokens never appear in `Debug`, logs or errors.
//!
//! Token requests advertise the client capability `cp1` (Continuous Access Evaluation): the
//! `claims` parameter `{"access_token":{"xms_cc":{"values":["cp1"]}}}`; after a claims
//! challenge the client asks once more with the challenge's claims merged in
//! ([`TokenCredential::get_token_with_claims`](super::TokenCredential::get_token_with_claims)).

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use oauth2::basic::BasicClient;
use oauth2::{RequestTokenError, TokenResponse};
use url::Url;

use super::AccessToken;
use crate::{Error, ErrorKind};

/// `TokenCredential` for a flow whose `fetch(scopes, claims)` gets a token: without claims for
/// `get_token`, with a challenge's claims for `get_token_with_claims`.
macro_rules! credential_through_fetch {
    ($flow:ty) => {
        impl crate::auth::TokenCredential for $flow {
            fn get_token<'a>(
                &'a self,
                scopes: &'a [String],
            ) -> crate::auth::BoxFuture<'a, Result<crate::auth::AccessToken, crate::Error>> {
                Box::pin(self.fetch(scopes, None))
            }

            fn get_token_with_claims<'a>(
                &'a self,
                scopes: &'a [String],
                claims: &'a str,
            ) -> crate::auth::BoxFuture<'a, Result<crate::auth::AccessToken, crate::Error>> {
                Box::pin(self.fetch(scopes, Some(claims)))
            }
        }
    };
}

mod app;
mod browser;
pub mod cache;
mod client_auth;
mod device;
mod listener;
mod obo;
mod refresh;

pub use app::{ClientCertificateCredential, ClientSecretCredential};
pub use browser::{DEFAULT_SIGN_IN_WAIT, InteractiveBrowserCredential};
pub use device::{DeviceCodeCredential, DeviceCodePrompt};
pub use obo::OnBehalfOfCredential;

/// The most bytes of an identity platform answer read.
const MAX_ANSWER: usize = 1024 * 1024;

/// How long one token request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The `claims` parameter advertising the `cp1` client capability.
pub(crate) const CP1_CLAIMS: &str = r#"{"access_token":{"xms_cc":{"values":["cp1"]}}}"#;

/// The `claims` parameter: `cp1`, merged into a challenge's claims when there is one.
pub(crate) fn claims_param(challenge: Option<&str>) -> String {
    let Some(mut claims) =
        challenge.and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
    else {
        return CP1_CLAIMS.to_owned();
    };
    if let Some(at) = claims
        .as_object_mut()
        .map(|o| {
            o.entry("access_token")
                .or_insert_with(|| serde_json::json!({}))
        })
        .and_then(serde_json::Value::as_object_mut)
    {
        at.insert("xms_cc".into(), serde_json::json!({"values": ["cp1"]}));
    }
    claims.to_string()
}

/// Where tokens come from: the identity platform's v2.0 endpoints of a tenant
/// (`{host}/{tenant}/oauth2/v2.0/token` and `…/devicecode`).
///
/// ```
/// # fn main() -> Result<(), graph_odata_runtime::Error> {
/// use graph_odata_runtime::auth::signin::Authority;
/// use graph_odata_runtime::Cloud;
/// let global = Cloud::Global.authority("organizations")?;
/// assert_eq!(global.token_url().as_str(), "https://login.microsoftonline.com/organizations/oauth2/v2.0/token");
/// let china = Cloud::China.authority("contoso.onmicrosoft.com")?;
/// assert!(china.token_url().as_str().starts_with("https://login.chinacloudapi.cn/"));
/// let emulator = Authority::at("http://127.0.0.1:8080", "common").unwrap();
/// assert_eq!(emulator.device_code_url().as_str(), "http://127.0.0.1:8080/common/oauth2/v2.0/devicecode");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authority {
    base: Url,
}

impl Authority {
    /// The identity platform at `host` (`https://login.microsoftonline.com`, or a loopback test
    /// server over plain http) for `tenant` (a tenant id or domain, `organizations`, `common`,
    /// `consumers`).
    ///
    /// # Errors
    /// [`ErrorKind::Build`] when `host` is not an https URL (or an http
    /// one to loopback), or `tenant` is not one path segment.
    pub fn at(host: &str, tenant: &str) -> Result<Authority, Error> {
        let bad = |why: &str| Error::build(format!("bad sign-in authority: {why}"));
        if tenant.is_empty() || tenant.contains(['/', '?', '#', '%', '\\']) || tenant == ".." {
            return Err(bad("the tenant must be one path segment"));
        }
        let base = Url::parse(&format!(
            "{}/{tenant}/oauth2/v2.0/",
            host.trim_end_matches('/')
        ))
        .map_err(|_| bad("the host is not a URL"))?;
        crate::origin::check_scheme(&base, false)
            .map_err(|_| bad("https only (plain http to loopback)"))?;
        Ok(Authority { base })
    }

    /// The authority of a national cloud's login host, by the cloud's Graph endpoint.
    pub(crate) fn for_graph(graph_endpoint: &str, tenant: &str) -> Result<Authority, Error> {
        let host = match graph_endpoint {
            crate::origin::US_GOV_ENDPOINT | crate::origin::US_GOV_DOD_ENDPOINT => {
                "https://login.microsoftonline.us"
            }
            crate::origin::CHINA_ENDPOINT => "https://login.chinacloudapi.cn",
            _ => "https://login.microsoftonline.com",
        };
        Authority::at(host, tenant)
    }

    /// The token endpoint.
    pub fn token_url(&self) -> Url {
        self.base
            .join("token")
            .unwrap_or_else(|_| self.base.clone())
    }

    /// The authorization endpoint (`…/authorize`), where a browser sign-in starts.
    pub fn authorize_url(&self) -> Url {
        self.base
            .join("authorize")
            .unwrap_or_else(|_| self.base.clone())
    }

    /// The device authorization endpoint.
    pub fn device_code_url(&self) -> Url {
        self.base
            .join("devicecode")
            .unwrap_or_else(|_| self.base.clone())
    }
}

/// The HTTP client of the token requests, for [`oauth2`].
#[derive(Clone)]
pub(crate) struct Http(reqwest::Client);

impl Http {
    pub(crate) fn new() -> Result<Http, Error> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map(Http)
            .map_err(|e| Error::build(format!("cannot build the sign-in HTTP client: {e}")))
    }
}

/// Why a token request got no answer (never a secret: the request is not in it).
#[derive(Debug)]
pub(crate) struct HttpError(String);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HttpError {}

impl<'c> oauth2::AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(|e| {
                HttpError(format!(
                    "cannot build the token request: {}",
                    e.without_url()
                ))
            })?;
            let mut response = self.0.execute(request).await.map_err(|e| {
                HttpError(format!(
                    "the identity platform did not answer: {}",
                    e.without_url()
                ))
            })?;
            let mut out = http::Response::builder().status(response.status());
            if let Some(headers) = out.headers_mut() {
                *headers = response.headers().clone();
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| {
                HttpError(format!(
                    "the identity platform's answer was cut off: {}",
                    e.without_url()
                ))
            })? {
                if body.len() + chunk.len() > MAX_ANSWER {
                    return Err(HttpError(format!(
                        "the identity platform's answer is over {MAX_ANSWER} bytes"
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            out.body(body)
                .map_err(|e| HttpError(format!("cannot read the answer: {e}")))
        })
    }
}

/// A basic [`oauth2`] client for `client_id` at `authority`.
pub(crate) fn oauth_client(
    authority: &Authority,
    client_id: &str,
) -> Result<
    BasicClient<
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    >,
    Error,
> {
    let token = oauth2::TokenUrl::from_url(authority.token_url());
    let device = oauth2::DeviceAuthorizationUrl::from_url(authority.device_code_url());
    Ok(
        BasicClient::new(oauth2::ClientId::new(client_id.to_owned()))
            .set_auth_type(oauth2::AuthType::RequestBody)
            .set_token_uri(token)
            .set_device_authorization_url(device),
    )
}

/// The token of a token response, expiring as it says.
pub(crate) fn access_token<R: TokenResponse>(response: &R) -> AccessToken {
    let lifetime = response.expires_in().unwrap_or(Duration::from_secs(3600));
    AccessToken::new(response.access_token().secret().clone())
        .expires_at(SystemTime::now() + lifetime)
}

/// A failed token request as an [`ErrorKind::Auth`] error: the identity platform's `error` and
/// `error_description` (bounded, printable), or why there was no answer. Never the request.
pub(crate) fn auth_error<T: serde::Serialize + oauth2::ErrorResponse>(
    what: &str,
    e: RequestTokenError<HttpError, T>,
) -> Error {
    let message = match e {
        RequestTokenError::ServerResponse(answer) => {
            let v = serde_json::to_value(&answer).unwrap_or_default();
            let text =
                |key: &str| crate::redact::printable(v[key].as_str().unwrap_or("(none)"), 400);
            format!(
                "{what}: the identity platform answered {}: {}",
                text("error"),
                text("error_description")
            )
        }
        RequestTokenError::Request(e) => format!("{what}: {e}"),
        RequestTokenError::Parse(e, _) => format!(
            "{what}: the identity platform's answer is not a token response (at `{}`)",
            crate::redact::printable(&e.path().to_string(), 100)
        ),
        RequestTokenError::Other(text) => {
            format!("{what}: {}", crate::redact::printable(&text, 400))
        }
    };
    Error::kinded(ErrorKind::Auth, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1_is_merged_into_a_challenge() {
        assert_eq!(claims_param(None), CP1_CLAIMS);
        let merged = claims_param(Some(
            r#"{"access_token":{"nbf":{"essential":true,"value":"1"}}}"#,
        ));
        let v: serde_json::Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(v["access_token"]["nbf"]["value"], "1");
        assert_eq!(v["access_token"]["xms_cc"]["values"][0], "cp1");
        assert_eq!(claims_param(Some("not json")), CP1_CLAIMS);
    }

    #[test]
    fn authorities_refuse_plain_http_off_loopback_and_odd_tenants() {
        assert!(Authority::at("http://login.example.com", "common").is_err());
        assert!(Authority::at("https://login.example.com", "a/b").is_err());
        assert!(Authority::at("https://login.example.com", "..").is_err());
        assert!(Authority::at("https://login.example.com", "").is_err());
        assert!(Authority::at("http://127.0.0.1:1", "common").is_ok());
        let us = Authority::for_graph(crate::origin::US_GOV_ENDPOINT, "t").unwrap();
        assert!(
            us.token_url()
                .as_str()
                .starts_with("https://login.microsoftonline.us/t/")
        );
    }
}
