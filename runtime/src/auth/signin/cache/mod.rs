//! A persistent token cache for the sign-in flows: the refresh token and the last access token
//! of a sign-in, kept between runs so a program started again does not ask the user again.
//!
//! An entry is keyed by the authority (the identity platform's host and the tenant), the client
//! id and the sorted set of scopes ([`CacheKey`]); it holds the refresh token, the last access
//! token with its expiry and, when the token tells, the account ([`CachedTokens`]). Where entries
//! live is a [`TokenStore`]: [`FileTokenCache`] keeps one file per entry in a directory of the
//! user's config directory (or one you name), written atomically, readable by the user only, and
//! checked before it is believed. Implement [`TokenStore`] to keep entries elsewhere.
//!
//! ```
//! # fn main() -> Result<(), graph_odata_runtime::Error> {
//! use graph_odata_runtime::auth::signin::cache::FileTokenCache;
//! use graph_odata_runtime::auth::signin::DeviceCodeCredential;
//! use graph_odata_runtime::Cloud;
//! let dir = std::env::temp_dir().join(format!("graph-odata-doc-cache-{}", std::process::id()));
//! let credential = DeviceCodeCredential::new(
//!     Cloud::Global.authority("organizations")?,
//!     "11111111-2222-3333-4444-555555555555",
//!     |prompt| eprintln!("{prompt}"),
//! )?
//! .with_cache(FileTokenCache::at(&dir));        // or FileTokenCache::in_config_dir()?
//! # let _ = credential;
//! # Ok(()) }
//! ```
//!
//! # How a flow uses it
//!
//! A flow that keeps its refresh token in a `refresh: Mutex<Option<Secret>>` (as
//! [`DeviceCodeCredential`](super::DeviceCodeCredential) does) holds an
//! `Option<Persisted>` built with `Persisted::new(store, &authority, client_id)` and calls three
//! methods in its `fetch(scopes, claims)`:
//!
//! 1. `recall(scopes, claims, &self.refresh)` first: a fresh cached access token (never when
//!    claims are asked) is the answer at once; otherwise the cached refresh token is put in the
//!    slot if the slot holds none.
//! 2. `remember(scopes, &token, &self.refresh)` after every token answer (the refresh token is
//!    read from the slot, so a rotated one replaces the old one on disk too).
//! 3. `forget(scopes)` when the identity platform refuses the refresh token, before falling back
//!    to the interactive sign-in.
//!
//! App-only flows ([`ClientSecretCredential`](super::ClientSecretCredential),
//! [`ClientCertificateCredential`](super::ClientCertificateCredential)) keep their access
//! tokens the same way, with an empty slot.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::Authority;
use crate::Error;
use crate::auth::{AccessToken, Secret};

mod file;
mod fs;
#[cfg(feature = "signin-keyring")]
mod keyring;
mod record;
#[cfg(test)]
mod tests;

pub use file::FileTokenCache;
#[cfg(feature = "signin-keyring")]
pub use keyring::{DEFAULT_KEYRING_SERVICE, KeyringTokenCache};
pub(crate) use record::Rejected;

/// The most bytes of a cache entry read: 64 KiB. A larger file is ignored.
pub const MAX_ENTRY_SIZE: u64 = 64 * 1024;

/// What an entry is for: the authority (its token endpoint, which names the identity platform's
/// host and the tenant), the client id and the scopes, sorted and without repeats.
///
/// ```
/// use graph_odata_runtime::auth::signin::cache::CacheKey;
/// use graph_odata_runtime::auth::signin::Authority;
/// let authority = Authority::at("https://login.microsoftonline.com", "organizations").unwrap();
/// let a = CacheKey::new(&authority, "app", &["b".into(), "a".into(), "b".into()]);
/// let b = CacheKey::new(&authority, "app", &["a".into(), "b".into()]);
/// assert_eq!(a, b);
/// assert_eq!(a.scopes(), ["a", "b"]);
/// assert_eq!(a.id().len(), 32);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheKey {
    authority: String,
    client_id: String,
    scopes: Vec<String>,
}

impl CacheKey {
    /// The key of `client_id`'s tokens for `scopes` at `authority`.
    pub fn new(authority: &Authority, client_id: &str, scopes: &[String]) -> CacheKey {
        let mut scopes = scopes.to_vec();
        scopes.sort();
        scopes.dedup();
        CacheKey {
            authority: authority.token_url().to_string(),
            client_id: client_id.to_owned(),
            scopes,
        }
    }

    /// The token endpoint the entry's tokens came from.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The scopes, sorted.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// A short name for the entry: 32 hex digits of the SHA-256 of the key (the file name of
    /// [`FileTokenCache`]). Two keys with one id are still told apart: the key is kept in the
    /// entry and compared on load.
    pub fn id(&self) -> String {
        use sha2::{Digest, Sha256};
        let json = serde_json::to_vec(self).unwrap_or_default();
        Sha256::digest(&json)
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The signed-in account, as the access token tells it (for display; never trusted for access).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The user's object id (`oid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    /// The user's sign-in name (`preferred_username`, `upn` or `unique_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

impl Account {
    /// The account an access token names, read from its payload (not verified: a label).
    pub(crate) fn of(token: &Secret) -> Option<Account> {
        use base64::Engine;
        let payload = token.expose().split('.').nth(1)?;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()?;
        let claims: serde_json::Value = serde_json::from_slice(&raw).ok()?;
        let text = |k: &str| claims[k].as_str().map(|s| crate::redact::printable(s, 200));
        let account = Account {
            oid: text("oid"),
            username: text("preferred_username")
                .or_else(|| text("upn"))
                .or_else(|| text("unique_name")),
        };
        (account != Account::default()).then_some(account)
    }
}

/// What an entry holds. `Debug` shows no token.
#[derive(Clone, Debug, Default)]
pub struct CachedTokens {
    /// The refresh token.
    pub refresh_token: Option<Secret>,
    /// The last access token and its expiry.
    pub access_token: Option<AccessToken>,
    /// Who signed in, if known.
    pub account: Option<Account>,
}

/// Where a flow's entries live between runs. Calls are short and blocking (a small file, a
/// keyring call), made while the flow gets a token.
///
/// A store must never trust what it reads blindly: [`load`](TokenStore::load) answers `None`
/// for an entry that is not the key's (and says why with a warning), and never a panic.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The entry of `key`, if there is a readable one written for that very key.
    fn load(&self, key: &CacheKey) -> Option<CachedTokens>;

    /// Writes the entry of `key`, replacing any.
    ///
    /// # Errors
    /// When it cannot be written; the flow logs it and goes on with the tokens in memory.
    fn save(&self, key: &CacheKey, tokens: &CachedTokens) -> Result<(), Error>;

    /// Removes the entry of `key` if there is one.
    fn remove(&self, key: &CacheKey);
}

/// A flow's cache: the store, and the authority and client id that key its entries.
#[derive(Clone)]
pub(crate) struct Persisted {
    store: Arc<dyn TokenStore>,
    authority: Authority,
    client_id: String,
}

impl fmt::Debug for Persisted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.store, f)
    }
}

/// How long a cached access token must still be valid to be handed out: the client refreshes
/// tokens this close to their expiry anyway.
const FRESH_FOR: Duration = crate::auth::REFRESH_MARGIN;

impl Persisted {
    pub(crate) fn new(
        store: Arc<dyn TokenStore>,
        authority: &Authority,
        client_id: &str,
    ) -> Persisted {
        Persisted {
            store,
            authority: authority.clone(),
            client_id: client_id.to_owned(),
        }
    }

    fn key(&self, scopes: &[String]) -> CacheKey {
        CacheKey::new(&self.authority, &self.client_id, scopes)
    }

    /// Before a token request: a cached access token that is valid for a while yet (not when
    /// `claims` are asked: those need a new token); otherwise `None`, after putting the cached
    /// refresh token into `refresh` if it holds none.
    pub(crate) fn recall(
        &self,
        scopes: &[String],
        claims: Option<&str>,
        refresh: &Mutex<Option<Secret>>,
    ) -> Option<AccessToken> {
        let cached = self.store.load(&self.key(scopes))?;
        if claims.is_none()
            && let Some(token) = cached.access_token
            && token
                .expires_on
                .and_then(|e| e.duration_since(SystemTime::now()).ok())
                .is_some_and(|left| left > FRESH_FOR)
        {
            return Some(token);
        }
        if let Some(rt) = cached.refresh_token
            && let Ok(mut slot) = refresh.lock()
            && slot.is_none()
        {
            *slot = Some(rt);
        }
        None
    }

    /// After a token answer: the token, the refresh token now in `refresh` and the account.
    pub(crate) fn remember(
        &self,
        scopes: &[String],
        token: &AccessToken,
        refresh: &Mutex<Option<Secret>>,
    ) {
        let tokens = CachedTokens {
            refresh_token: refresh.lock().ok().and_then(|r| r.clone()),
            access_token: Some(token.clone()),
            account: Account::of(&token.token),
        };
        if let Err(e) = self.store.save(&self.key(scopes), &tokens) {
            tracing::warn!(error = %e, "the token cache could not be written; the tokens stay in memory");
        }
    }

    /// After the refresh token was refused: the entry goes.
    pub(crate) fn forget(&self, scopes: &[String]) {
        self.store.remove(&self.key(scopes));
    }
}
