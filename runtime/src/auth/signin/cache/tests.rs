use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use super::*;

/// A fresh directory under the system's temporary directory (never the home directory),
/// removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "graph-odata-token-cache-{name}-{}-{nanos}",
            std::process::id()
        ));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn key(scopes: &[&str]) -> CacheKey {
    let authority = Authority::at("http://127.0.0.1:9", "common").unwrap();
    let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
    CacheKey::new(&authority, "client-a", &scopes)
}

fn tokens(expires_in: Duration) -> CachedTokens {
    CachedTokens {
        refresh_token: Some(Secret::new("rt-secret-1")),
        access_token: Some(
            AccessToken::new("at-secret-1").expires_at(SystemTime::now() + expires_in),
        ),
        account: Some(Account {
            oid: Some("oid-1".into()),
            username: Some("adele@contoso.example".into()),
        }),
    }
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn an_entry_round_trips_atomically_with_private_modes() {
    let tmp = TempDir::new("roundtrip");
    let dir = tmp.0.join("nested").join("tokens");
    let cache = FileTokenCache::at(&dir);
    let k = key(&["User.Read", "Tasks.ReadWrite"]);
    cache.save(&k, &tokens(Duration::from_secs(3600))).unwrap();
    let path = cache.path_of(&k);
    #[cfg(unix)]
    {
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir), 0o700);
    }
    let back = cache.load(&k).unwrap();
    assert_eq!(back.refresh_token.unwrap().expose(), "rt-secret-1");
    assert_eq!(back.access_token.unwrap().token.expose(), "at-secret-1");
    assert_eq!(
        back.account.unwrap().username.as_deref(),
        Some("adele@contoso.example")
    );
    // Replacing goes through a temporary file renamed into place: none is left behind, and the
    // directory holds exactly the one entry.
    let mut next = tokens(Duration::from_secs(3600));
    next.refresh_token = Some(Secret::new("rt-secret-2"));
    cache.save(&k, &next).unwrap();
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, [format!("{}.json", k.id())]);
    assert_eq!(
        cache.load(&k).unwrap().refresh_token.unwrap().expose(),
        "rt-secret-2"
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    // The record keeps the key; Debug shows no token.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"client_id\": \"client-a\"") && text.contains("Tasks.ReadWrite"));
    let shown = format!("{:?}", cache.load(&k).unwrap());
    assert!(!shown.contains("secret"), "{shown}");
    cache.remove(&k);
    assert!(!path.exists());
    cache.remove(&k);
}

#[cfg(unix)]
#[test]
fn a_wide_directory_is_narrowed_to_0700() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new("widedir");
    std::fs::create_dir_all(&tmp.0).unwrap();
    std::fs::set_permissions(&tmp.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cache = FileTokenCache::at(&tmp.0);
    cache.save(&key(&["a"]), &CachedTokens::default()).unwrap();
    assert_eq!(mode(&tmp.0), 0o700);
}

/// Writes `bytes` as `k`'s file in `cache` with `mode`.
fn plant(cache: &FileTokenCache, k: &CacheKey, bytes: &[u8], mode: u32) -> PathBuf {
    std::fs::create_dir_all(cache.dir()).unwrap();
    let path = cache.path_of(k);
    std::fs::write(&path, bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
    path
}

#[test]
fn bad_files_are_refused_with_the_reason() {
    let tmp = TempDir::new("refused");
    let cache = FileTokenCache::at(&tmp.0);
    let k = key(&["User.Read"]);
    let good = record::encode(&k, &tokens(Duration::from_secs(3600)));

    plant(&cache, &k, b"{not json", 0o600);
    assert!(matches!(cache.read(&k), Err(Rejected::Unparsable(..))));
    plant(
        &cache,
        &k,
        br#"{"format":"graph-odata token cache","version":2}"#,
        0o600,
    );
    assert_eq!(cache.read(&k).unwrap_err(), Rejected::Version);
    plant(
        &cache,
        &k,
        br#"{"format":"graph-odata token cache","version":1,"key":7}"#,
        0o600,
    );
    assert_eq!(cache.read(&k).unwrap_err(), Rejected::Malformed);
    // Another key's record under this key's name (copied, or a hash collision).
    let other = record::encode(&key(&["Mail.Read"]), &tokens(Duration::from_secs(3600)));
    plant(&cache, &k, &other, 0o600);
    assert_eq!(cache.read(&k).unwrap_err(), Rejected::OtherKey);
    // Oversized, even if it would parse.
    let mut huge = good.clone();
    huge.extend(std::iter::repeat_n(b' ', MAX_ENTRY_SIZE as usize));
    plant(&cache, &k, &huge, 0o600);
    assert!(matches!(cache.read(&k), Err(Rejected::TooLarge(_))));
    #[cfg(unix)]
    {
        plant(&cache, &k, &good, 0o644);
        assert_eq!(cache.read(&k).unwrap_err(), Rejected::Shared(0o644));
        plant(&cache, &k, &good, 0o620);
        assert_eq!(cache.read(&k).unwrap_err(), Rejected::Shared(0o620));
        // A link to a perfectly good entry is still refused.
        let elsewhere = tmp.0.join("elsewhere.json");
        std::fs::rename(cache.path_of(&k), &elsewhere).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::os::unix::fs::symlink(&elsewhere, cache.path_of(&k)).unwrap();
        assert_eq!(cache.read(&k).unwrap_err(), Rejected::Link);
        std::fs::remove_file(cache.path_of(&k)).unwrap();
        // A directory or a FIFO where the file should be.
        std::fs::create_dir(cache.path_of(&k)).unwrap();
        assert_eq!(cache.read(&k).unwrap_err(), Rejected::NotRegular);
        std::fs::remove_dir(cache.path_of(&k)).unwrap();
        let fifo = std::ffi::CString::new(cache.path_of(&k).into_os_string().into_encoded_bytes())
            .unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        assert_eq!(cache.read(&k).unwrap_err(), Rejected::NotRegular);
        std::fs::remove_file(cache.path_of(&k)).unwrap();
    }
    // And a good one is read.
    plant(&cache, &k, &good, 0o600);
    assert!(cache.read(&k).unwrap().is_some());
}

#[test]
fn reasons_never_quote_the_file() {
    let k = key(&["User.Read"]);
    let e = record::decode(
        &k,
        br#"{"format":"graph-odata token cache","version":1,"key":"rt-secret-9"}"#,
    )
    .unwrap_err();
    assert!(!e.to_string().contains("rt-secret-9"), "{e}");
    let e = record::decode(&k, b"rt-secret-9").unwrap_err();
    assert!(!e.to_string().contains("rt-secret-9"), "{e}");
}

#[derive(Debug, Default)]
struct Memory(Mutex<Option<(CacheKey, CachedTokens)>>);

impl TokenStore for Memory {
    fn load(&self, key: &CacheKey) -> Option<CachedTokens> {
        let kept = self.0.lock().unwrap();
        kept.as_ref()
            .filter(|(k, _)| k == key)
            .map(|(_, t)| t.clone())
    }
    fn save(&self, key: &CacheKey, tokens: &CachedTokens) -> Result<(), Error> {
        *self.0.lock().unwrap() = Some((key.clone(), tokens.clone()));
        Ok(())
    }
    fn remove(&self, key: &CacheKey) {
        let mut kept = self.0.lock().unwrap();
        if kept.as_ref().is_some_and(|(k, _)| k == key) {
            *kept = None;
        }
    }
}

#[test]
fn recall_hands_out_only_fresh_tokens_and_fills_an_empty_refresh_slot() {
    let store = Arc::new(Memory::default());
    let authority = Authority::at("http://127.0.0.1:9", "common").unwrap();
    let persisted = Persisted::new(store.clone(), &authority, "client-a");
    let scopes = vec!["User.Read".to_owned()];
    let slot = Mutex::new(None);
    assert!(persisted.recall(&scopes, None, &slot).is_none());

    store
        .save(
            &CacheKey::new(&authority, "client-a", &scopes),
            &tokens(Duration::from_secs(3600)),
        )
        .unwrap();
    let token = persisted.recall(&scopes, None, &slot).unwrap();
    assert_eq!(token.token.expose(), "at-secret-1");
    assert!(slot.lock().unwrap().is_none());
    // Claims need a new token: the refresh token goes to the slot instead.
    assert!(persisted.recall(&scopes, Some("{}"), &slot).is_none());
    assert_eq!(
        slot.lock().unwrap().as_ref().unwrap().expose(),
        "rt-secret-1"
    );
    // A token about to expire (or expired) is stale; a slot already holding one is kept.
    *slot.lock().unwrap() = Some(Secret::new("rt-in-memory"));
    store
        .save(
            &CacheKey::new(&authority, "client-a", &scopes),
            &tokens(Duration::from_secs(60)),
        )
        .unwrap();
    assert!(persisted.recall(&scopes, None, &slot).is_none());
    assert_eq!(
        slot.lock().unwrap().as_ref().unwrap().expose(),
        "rt-in-memory"
    );
    // Other scopes, other entry.
    assert!(
        persisted
            .recall(&["Mail.Read".to_owned()], None, &Mutex::new(None))
            .is_none()
    );
    // Remember writes the slot's refresh token and the account the token names.
    let jwt = format!(
        "h.{}.s",
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            br#"{"oid":"u-1","preferred_username":"adele@contoso.example"}"#
        )
    );
    let fresh = AccessToken::new(jwt).expires_at(SystemTime::now() + Duration::from_secs(3600));
    persisted.remember(&scopes, &fresh, &slot);
    let kept = store
        .load(&CacheKey::new(&authority, "client-a", &scopes))
        .unwrap();
    assert_eq!(kept.refresh_token.unwrap().expose(), "rt-in-memory");
    assert_eq!(
        kept.account,
        Some(Account {
            oid: Some("u-1".into()),
            username: Some("adele@contoso.example".into())
        })
    );
    persisted.forget(&scopes);
    assert!(store.0.lock().unwrap().is_none());
}

#[test]
fn keys_differ_by_authority_client_and_scopes() {
    let a = Authority::at("http://127.0.0.1:9", "common").unwrap();
    let b = Authority::at("http://127.0.0.1:9", "contoso").unwrap();
    let s = vec!["User.Read".to_owned()];
    let ids = [
        CacheKey::new(&a, "x", &s).id(),
        CacheKey::new(&b, "x", &s).id(),
        CacheKey::new(&a, "y", &s).id(),
        CacheKey::new(&a, "x", &["Mail.Read".to_owned()]).id(),
    ];
    for (i, x) in ids.iter().enumerate() {
        assert!(x.chars().all(|c| c.is_ascii_hexdigit()));
        for y in &ids[i + 1..] {
            assert_ne!(x, y);
        }
    }
}

#[test]
fn the_config_dir_cache_lives_under_graph_odata() {
    // Only the path is computed; nothing is written.
    if let Ok(cache) = FileTokenCache::in_config_dir() {
        assert!(cache.dir().ends_with("graph-odata/tokens"));
    }
}
