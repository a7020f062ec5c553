//! [`FileTokenCache`]: one file per entry in a directory private to the user.

use std::path::{Path, PathBuf};

use super::{CacheKey, CachedTokens, MAX_ENTRY_SIZE, Rejected, TokenStore, fs, record};
use crate::{Error, ErrorKind};

/// The folder of the user's config directory that holds the entries.
const CONFIG_SUBDIR: &str = "graph-odata/tokens";

/// Entries as files: `{dir}/{key id}.json`, one per authority, client id and scope set, written
/// atomically (a new file in the same directory, flushed, renamed into place) with mode `0600`
/// in a directory of mode `0700` (on Unix).
///
/// On load a file is ignored, with a warning that names the file and the reason (never its
/// content), when it is a symbolic link or not a regular file, belongs to another user, is
/// readable or writable by group or others, is over [`MAX_ENTRY_SIZE`] bytes, is not a record of
/// this format and version, or was written for another key; a stale access token is not handed
/// out. Nothing read is trusted further than that: a refresh token is only ever sent to the
/// authority of the key it was stored under.
///
/// ```
/// use graph_odata_runtime::auth::signin::cache::{CacheKey, CachedTokens, FileTokenCache, TokenStore};
/// use graph_odata_runtime::auth::signin::Authority;
/// use graph_odata_runtime::auth::Secret;
/// let dir = std::env::temp_dir().join(format!("graph-odata-doc-filecache-{}", std::process::id()));
/// let cache = FileTokenCache::at(&dir);
/// let key = CacheKey::new(&Authority::at("http://127.0.0.1:1", "common").unwrap(), "app", &["User.Read".into()]);
/// let tokens = CachedTokens { refresh_token: Some(Secret::new("rt")), ..Default::default() };
/// cache.save(&key, &tokens).unwrap();
/// assert_eq!(cache.load(&key).unwrap().refresh_token.unwrap().expose(), "rt");
/// cache.remove(&key);
/// assert!(cache.load(&key).is_none());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct FileTokenCache {
    dir: PathBuf,
}

impl FileTokenCache {
    /// Entries in `dir` (made with mode `0700` when missing, narrowed to `0700` when wider).
    pub fn at(dir: impl Into<PathBuf>) -> FileTokenCache {
        FileTokenCache { dir: dir.into() }
    }

    /// Entries in `graph-odata/tokens` of the user's config directory: `$XDG_CONFIG_HOME` or
    /// `~/.config` on Linux, `~/Library/Application Support` on macOS, `%APPDATA%` on Windows.
    ///
    /// # Errors
    /// [`ErrorKind::Auth`] when the platform names no config directory for the user.
    pub fn in_config_dir() -> Result<FileTokenCache, Error> {
        dirs::config_dir()
            .map(|base| FileTokenCache::at(base.join(CONFIG_SUBDIR)))
            .ok_or_else(|| {
                Error::kinded(
                    ErrorKind::Auth,
                    "the token cache has no home: the platform names no config directory for this user",
                )
            })
    }

    /// The directory of the entries.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of `key`'s entry.
    pub fn path_of(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(file_name(key))
    }

    /// The tokens of `key`'s file, `None` when there is none, or why it must not be used.
    pub(crate) fn read(&self, key: &CacheKey) -> Result<Option<CachedTokens>, Rejected> {
        match fs::read_entry(&self.path_of(key), MAX_ENTRY_SIZE)? {
            Some(bytes) => record::decode(key, &bytes).map(Some),
            None => Ok(None),
        }
    }
}

fn file_name(key: &CacheKey) -> String {
    format!("{}.json", key.id())
}

impl TokenStore for FileTokenCache {
    fn load(&self, key: &CacheKey) -> Option<CachedTokens> {
        match self.read(key) {
            Ok(found) => found,
            Err(reason) => {
                tracing::warn!(
                    file = %self.path_of(key).display(),
                    %reason,
                    "ignoring a token cache file"
                );
                None
            }
        }
    }

    fn save(&self, key: &CacheKey, tokens: &CachedTokens) -> Result<(), Error> {
        fs::write_atomic(&self.dir, &file_name(key), &record::encode(key, tokens)).map_err(|e| {
            Error::kinded(
                ErrorKind::Auth,
                format!(
                    "cannot write the token cache file {}: {e}",
                    self.path_of(key).display()
                ),
            )
        })
    }

    fn remove(&self, key: &CacheKey) {
        if let Err(e) = fs::remove(&self.dir, &file_name(key)) {
            tracing::warn!(
                file = %self.path_of(key).display(),
                error = %e,
                "cannot remove a token cache file"
            );
        }
    }
}
