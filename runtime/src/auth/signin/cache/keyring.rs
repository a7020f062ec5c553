//! [`KeyringTokenCache`] (feature `signin-keyring`): entries in the platform's keyring.

use super::{CacheKey, CachedTokens, MAX_ENTRY_SIZE, Rejected, TokenStore, record};
use crate::{Error, ErrorKind};

/// The keyring service name entries are stored under unless another is given.
pub const DEFAULT_KEYRING_SERVICE: &str = "graph-odata";

/// Entries in the platform's keyring instead of files (feature `signin-keyring`): the macOS
/// Keychain, the Windows Credential Manager, the Linux kernel keyring (keyutils: entries last
/// until the user's keyrings are cleared, at the latest a reboot). Each entry is the same record
/// as [`FileTokenCache`](super::FileTokenCache)'s file, stored under the service name and the
/// key's [`id`](CacheKey::id), and checked the same way on load (format, version, key, size).
///
/// The Windows Credential Manager holds at most 2560 bytes per entry; a record with long tokens
/// may not fit, and is then not saved (a warning; the tokens stay in memory).
///
/// ```no_run
/// use graph_odata_runtime::auth::signin::cache::KeyringTokenCache;
/// use graph_odata_runtime::auth::signin::DeviceCodeCredential;
/// use graph_odata_runtime::Cloud;
/// # fn main() -> Result<(), graph_odata_runtime::Error> {
/// let credential = DeviceCodeCredential::new(
///     Cloud::Global.authority("organizations")?,
///     "11111111-2222-3333-4444-555555555555",
///     |prompt| eprintln!("{prompt}"),
/// )?
/// .with_cache(KeyringTokenCache::new());
/// # let _ = credential; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct KeyringTokenCache {
    service: String,
}

impl Default for KeyringTokenCache {
    fn default() -> Self {
        KeyringTokenCache::new()
    }
}

impl KeyringTokenCache {
    /// Entries under the service name [`DEFAULT_KEYRING_SERVICE`].
    pub fn new() -> KeyringTokenCache {
        KeyringTokenCache::with_service(DEFAULT_KEYRING_SERVICE)
    }

    /// Entries under `service`.
    pub fn with_service(service: impl Into<String>) -> KeyringTokenCache {
        KeyringTokenCache {
            service: service.into(),
        }
    }

    fn entry(&self, key: &CacheKey) -> Result<keyring::Entry, String> {
        keyring::Entry::new(&self.service, &key.id()).map_err(|e| describe(&e))
    }

    /// The tokens of `key`'s entry, `None` when there is none, or why it must not be used.
    fn read(&self, key: &CacheKey) -> Result<Option<CachedTokens>, String> {
        let text = match self.entry(key)?.get_password() {
            Ok(text) => text,
            Err(keyring::Error::NoEntry) => return Ok(None),
            Err(e) => return Err(describe(&e)),
        };
        if text.len() as u64 > MAX_ENTRY_SIZE {
            return Err(Rejected::TooLarge(text.len() as u64).to_string());
        }
        record::decode(key, text.as_bytes())
            .map(Some)
            .map_err(|r| r.to_string())
    }
}

/// A keyring error without what it carries (a bad encoding error holds the stored bytes).
fn describe(e: &keyring::Error) -> String {
    match e {
        keyring::Error::BadEncoding(_) => "the entry is not UTF-8 text".to_owned(),
        keyring::Error::TooLong(name, max) => format!("the {name} is over {max} characters"),
        keyring::Error::NoEntry => "there is no entry".to_owned(),
        keyring::Error::NoStorageAccess(_) => "the keyring cannot be reached".to_owned(),
        keyring::Error::PlatformFailure(_) => "the keyring failed".to_owned(),
        keyring::Error::Invalid(name, why) => format!("invalid {name}: {why}"),
        keyring::Error::Ambiguous(_) => "more than one entry matches".to_owned(),
        _ => "the keyring failed".to_owned(),
    }
}

impl TokenStore for KeyringTokenCache {
    fn load(&self, key: &CacheKey) -> Option<CachedTokens> {
        match self.read(key) {
            Ok(found) => found,
            Err(reason) => {
                tracing::warn!(
                    entry = %format!("{}/{}", self.service, key.id()),
                    %reason,
                    "ignoring a token cache keyring entry"
                );
                None
            }
        }
    }

    fn save(&self, key: &CacheKey, tokens: &CachedTokens) -> Result<(), Error> {
        let text = String::from_utf8(record::encode(key, tokens)).unwrap_or_default();
        self.entry(key)
            .and_then(|entry| entry.set_password(&text).map_err(|e| describe(&e)))
            .map_err(|why| {
                Error::kinded(
                    ErrorKind::Auth,
                    format!(
                        "cannot write the token cache keyring entry {}/{}: {why}",
                        self.service,
                        key.id()
                    ),
                )
            })
    }

    fn remove(&self, key: &CacheKey) {
        let removed = self
            .entry(key)
            .and_then(|entry| match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(describe(&e)),
            });
        if let Err(reason) = removed {
            tracing::warn!(
                entry = %format!("{}/{}", self.service, key.id()),
                %reason,
                "cannot remove a token cache keyring entry"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    //! Against an in-memory store installed through keyring's own credential-builder API: the
    //! platform stores are the `keyring` crate's (this machine's kernel refuses the link to the
    //! persistent keyring that its Linux store makes), what is tested here is this store's use
    //! of the keyring: the entry names, the record, what is refused and removal.

    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, Once};

    use keyring::credential::{Credential, CredentialApi, CredentialBuilderApi};

    use super::*;
    use crate::auth::Secret;
    use crate::auth::signin::Authority;

    type Shelf = Arc<Mutex<HashMap<(String, String), Vec<u8>>>>;

    fn shelf() -> Shelf {
        static SHELF: std::sync::OnceLock<Shelf> = std::sync::OnceLock::new();
        SHELF.get_or_init(Shelf::default).clone()
    }

    #[derive(Debug)]
    struct Builder;

    #[derive(Debug)]
    struct Slot(String, String);

    impl CredentialBuilderApi for Builder {
        fn build(
            &self,
            _target: Option<&str>,
            service: &str,
            user: &str,
        ) -> keyring::Result<Box<Credential>> {
            Ok(Box::new(Slot(service.to_owned(), user.to_owned())))
        }

        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    impl CredentialApi for Slot {
        fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
            shelf()
                .lock()
                .unwrap()
                .insert((self.0.clone(), self.1.clone()), secret.to_vec());
            Ok(())
        }

        fn get_secret(&self) -> keyring::Result<Vec<u8>> {
            shelf()
                .lock()
                .unwrap()
                .get(&(self.0.clone(), self.1.clone()))
                .cloned()
                .ok_or(keyring::Error::NoEntry)
        }

        fn delete_credential(&self) -> keyring::Result<()> {
            shelf()
                .lock()
                .unwrap()
                .remove(&(self.0.clone(), self.1.clone()))
                .map(|_| ())
                .ok_or(keyring::Error::NoEntry)
        }

        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    fn installed() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| keyring::set_default_credential_builder(Box::new(Builder)));
    }

    fn key(client: &str) -> CacheKey {
        let authority = Authority::at("http://127.0.0.1:9", "common").unwrap();
        CacheKey::new(&authority, client, &["User.Read".to_owned()])
    }

    #[test]
    fn an_entry_round_trips_and_foreign_or_broken_ones_are_refused_without_quoting_them() {
        installed();
        let cache = KeyringTokenCache::with_service("graph-odata-test");
        let k = key("client-a");
        assert!(cache.load(&k).is_none(), "an empty keyring has no entry");
        let tokens = CachedTokens {
            refresh_token: Some(Secret::new("rt-keyring-secret")),
            ..Default::default()
        };
        cache.save(&k, &tokens).unwrap();
        // Stored under the service and the key's id, as the record a file would hold.
        let stored = shelf()
            .lock()
            .unwrap()
            .get(&("graph-odata-test".to_owned(), k.id()))
            .cloned()
            .unwrap();
        assert_eq!(stored, record::encode(&k, &tokens));
        let back = cache.load(&k).unwrap();
        assert_eq!(back.refresh_token.unwrap().expose(), "rt-keyring-secret");
        // Another key's record under this key's entry is refused, without quoting it.
        let foreign = String::from_utf8(record::encode(&key("client-b"), &tokens)).unwrap();
        cache.entry(&k).unwrap().set_password(&foreign).unwrap();
        let why = cache.read(&k).unwrap_err();
        assert!(why.contains("another"), "{why}");
        assert!(!why.contains("rt-keyring-secret"), "{why}");
        assert!(cache.load(&k).is_none());
        cache
            .entry(&k)
            .unwrap()
            .set_password("not a record")
            .unwrap();
        assert!(cache.load(&k).is_none());
        let huge = "x".repeat(MAX_ENTRY_SIZE as usize + 1);
        cache.entry(&k).unwrap().set_password(&huge).unwrap();
        assert!(cache.read(&k).unwrap_err().contains("bytes"));
        cache.entry(&k).unwrap().set_secret(&[0xff, 0xfe]).unwrap();
        assert_eq!(cache.read(&k).unwrap_err(), "the entry is not UTF-8 text");
        // Removal, twice (the second finds nothing and says nothing).
        cache.remove(&k);
        assert!(cache.read(&k).unwrap().is_none());
        cache.remove(&k);
        // Entries of other services are other entries.
        cache.save(&k, &tokens).unwrap();
        assert!(KeyringTokenCache::with_service("other").load(&k).is_none());
        assert!(format!("{cache:?}").contains("graph-odata-test"));
    }
}
