//! `validationTokens` verification (feature `notifications-rich`): RS256 JWTs signed by the
//! identity platform, checked with `jsonwebtoken` against the published key set of the client's
//! cloud, fetched through the client (its retries, limits and tracing; never with the token).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use jsonwebtoken::errors::ErrorKind as JwtKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::verify::{TokenCheck, TokenError};
use crate::{Client, Cloud, Request};

/// The app id of Graph's change tracking, the authorized party (`azp`/`appid`) of every
/// `validationToken`.
pub const GRAPH_CHANGE_TRACKING_APP_ID: &str = "0bf30f3b-4a52-48df-9a82-234910c4a086";

/// Where the signing keys are published.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource {
    /// The identity platform's keys for a cloud (`{login host}/common/discovery/v2.0/keys`).
    Cloud(Cloud),
    /// Any JWKS URL (the emulator serves `{emulator}/common/discovery/v2.0/keys`).
    Url(String),
}

impl KeySource {
    /// The URL of the key set.
    ///
    /// ```
    /// use graph_odata_runtime::{Cloud, notify::KeySource};
    /// assert_eq!(KeySource::Cloud(Cloud::Global).url(),
    ///     "https://login.microsoftonline.com/common/discovery/v2.0/keys");
    /// assert_eq!(KeySource::Cloud(Cloud::China).url(),
    ///     "https://login.chinacloudapi.cn/common/discovery/v2.0/keys");
    /// ```
    pub fn url(&self) -> String {
        match self {
            KeySource::Cloud(cloud) => {
                let login = match cloud {
                    Cloud::UsGov | Cloud::UsGovDod => "https://login.microsoftonline.us",
                    Cloud::China => "https://login.chinacloudapi.cn",
                    _ => "https://login.microsoftonline.com",
                };
                format!("{login}/common/discovery/v2.0/keys")
            }
            KeySource::Url(url) => url.clone(),
        }
    }
}

/// Verifies `validationTokens`: RS256 signature by a key of the published set, `aud` = the app's
/// id, `iss` = `https://sts.windows.net/{tenant}/` (any tenant unless some are named with
/// [`tenant`](TokenVerifier::tenant)), `azp` or `appid` = [`GRAPH_CHANGE_TRACKING_APP_ID`], `exp`
/// and `nbf` with 60 s of leeway.
///
/// Keys are fetched on first use and cached; the set is fetched again when it is older than
/// [`max_age`](TokenVerifier::max_age) (24 h) or when a token names an unknown `kid`, at most once
/// per [`min_refresh`](TokenVerifier::min_refresh) (5 minutes) so forged `kid`s cannot make the
/// receiver hammer the key endpoint.
pub struct TokenVerifier {
    client: Client,
    url: String,
    app_id: String,
    tenants: Vec<String>,
    issuer_host: &'static str,
    max_age: Duration,
    min_refresh: Duration,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    keys: HashMap<String, DecodingKey>,
    fetched: Option<Instant>,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("url", &self.url)
            .field("app_id", &self.app_id)
            .field("tenants", &self.tenants)
            .field("max_age", &self.max_age)
            .field("min_refresh", &self.min_refresh)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    azp: Option<String>,
    appid: Option<String>,
}

impl TokenVerifier {
    /// A verifier for tokens addressed to `app_id`, with keys from `source`, fetched through
    /// `client`.
    pub fn new(client: Client, app_id: impl Into<String>, source: KeySource) -> Self {
        if jsonwebtoken::crypto::CryptoProvider::try_get_default().is_none() {
            // Another crate may have installed one meanwhile: either way one is in place.
            let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
        }
        let issuer_host = match source {
            KeySource::Cloud(Cloud::China) => "https://sts.chinacloudapi.cn/",
            _ => "https://sts.windows.net/",
        };
        TokenVerifier {
            client,
            url: source.url(),
            app_id: app_id.into(),
            tenants: Vec::new(),
            issuer_host,
            max_age: Duration::from_secs(24 * 3600),
            min_refresh: Duration::from_secs(300),
            cache: Mutex::new(Cache::default()),
        }
    }

    /// Accepts tokens issued for `tenant_id` (call again for more); without any, every tenant.
    #[must_use]
    pub fn tenant(mut self, tenant_id: impl Into<String>) -> Self {
        self.tenants.push(tenant_id.into().to_ascii_lowercase());
        self
    }

    /// How long a fetched key set is used before it is fetched again (24 h).
    #[must_use]
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = age;
        self
    }

    /// The shortest time between two fetches caused by an unknown `kid` (5 minutes).
    #[must_use]
    pub fn min_refresh(mut self, interval: Duration) -> Self {
        self.min_refresh = interval;
        self
    }

    /// Verifies one token.
    pub async fn verify(&self, token: &str) -> Result<(), TokenError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| TokenError::Malformed(format!("header: {}", short(&e.to_string()))))?;
        if header.alg != Algorithm::RS256 {
            return Err(TokenError::Malformed(format!(
                "algorithm {:?} (RS256 expected)",
                header.alg
            )));
        }
        let kid = header.kid.ok_or(TokenError::UnknownKey(None))?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[&self.app_id]);
        validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss"]);
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| match e
            .kind()
        {
            JwtKind::InvalidSignature => TokenError::Signature,
            JwtKind::ExpiredSignature => TokenError::Expired,
            JwtKind::ImmatureSignature => TokenError::NotYetValid,
            JwtKind::InvalidAudience => TokenError::Audience,
            JwtKind::InvalidIssuer => TokenError::Issuer,
            _ => TokenError::Malformed(short(&e.to_string())),
        })?;
        self.check_issuer(&data.claims.iss)?;
        let party = data.claims.azp.as_deref().or(data.claims.appid.as_deref());
        if party != Some(GRAPH_CHANGE_TRACKING_APP_ID) {
            return Err(TokenError::AuthorizedParty);
        }
        Ok(())
    }

    fn check_issuer(&self, iss: &str) -> Result<(), TokenError> {
        let tenant = iss
            .strip_prefix(self.issuer_host)
            .and_then(|rest| rest.strip_suffix('/'))
            .ok_or(TokenError::Issuer)?;
        let well_formed = !tenant.is_empty()
            && tenant.len() <= 64
            && tenant
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        let accepted =
            self.tenants.is_empty() || self.tenants.iter().any(|t| t.eq_ignore_ascii_case(tenant));
        if well_formed && accepted {
            Ok(())
        } else {
            Err(TokenError::Issuer)
        }
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, TokenError> {
        let mut cache = self.cache.lock().await;
        let now = Instant::now();
        let stale = cache.fetched.is_none_or(|at| now >= at + self.max_age);
        let may_refresh = cache.fetched.is_none_or(|at| now >= at + self.min_refresh);
        if stale || (!cache.keys.contains_key(kid) && may_refresh) {
            let keys = self.fetch().await?;
            cache.keys = keys;
            cache.fetched = Some(Instant::now());
        }
        cache
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| TokenError::UnknownKey(Some(short(kid))))
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, TokenError> {
        let body: Bytes = self
            .client
            .send(
                Request::<serde_json::Value>::get(self.url.clone())
                    .without_auth()
                    .bytes(),
            )
            .await
            .map_err(|e| TokenError::Keys(e.to_string()))?;
        let set: JwkSet = serde_json::from_slice(&body)
            .map_err(|e| TokenError::Keys(format!("not a JWKS document: {e}")))?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let (Some(kid), Ok(key)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk))
            else {
                continue; // keys of other kinds or without an id cannot verify a token with a `kid`
            };
            keys.insert(kid, key);
        }
        Ok(keys)
    }
}

impl TokenCheck for TokenVerifier {
    fn check<'a>(
        &'a self,
        tokens: &'a [String],
    ) -> Pin<Box<dyn Future<Output = Result<(), TokenError>> + Send + 'a>> {
        Box::pin(async move {
            if tokens.is_empty() {
                return Err(TokenError::Missing);
            }
            for token in tokens {
                self.verify(token).await?;
            }
            Ok(())
        })
    }
}

/// Text from a token or an error about it, cut to a bounded length for messages.
fn short(text: &str) -> String {
    text.chars().take(80).collect()
}
