//! The on-disk cache of indexes: a CSDL file is parsed once, and later compiler processes load
//! its index from the user's cache directory instead.

use std::path::{Path, PathBuf};

use crate::Metadata;

mod fs;

/// The largest CSDL document read (Graph's v1.0 schema is 3.5 MB; its annotated variants ~20 MB).
const MAX_DOCUMENT: u64 = 256 << 20;

/// The first line of an entry; an entry of another version is rebuilt.
const ENTRY_VERSION: &str = "graph-odata-metadata-cache 1";

/// Lower-case hexadecimal SHA-256 of some bytes.
fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The bytes of an entry for a source whose SHA-256 is `source` and whose index text is `index`.
fn entry_bytes(source: &str, index: &str) -> Vec<u8> {
    format!(
        "{ENTRY_VERSION}\nsource\t{source}\nindex\t{}\n{index}",
        sha256(index.as_bytes())
    )
    .into_bytes()
}

/// The index in an entry, if the entry is of this version, was made from the source whose
/// SHA-256 is `source`, holds the index text its checksum names, and that text is a complete index.
fn read_entry(bytes: &[u8], source: &str) -> Option<Metadata> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (version, rest) = text.split_once('\n')?;
    let (source_line, rest) = rest.split_once('\n')?;
    let (index_line, index) = rest.split_once('\n')?;
    if version != ENTRY_VERSION
        || source_line.strip_prefix("source\t")? != source
        || index_line.strip_prefix("index\t")? != sha256(index.as_bytes())
    {
        return None;
    }
    Metadata::from_index(index)
}

/// A directory of cached indexes, and the largest entry it reads or writes.
///
/// An entry is the index text behind three lines: a format version, the SHA-256 of the source
/// document's bytes and the SHA-256 of the index text. It is used only when all three match: a
/// truncated, damaged, foreign or edited entry is rebuilt from the source. The checksums are not a
/// signature (whoever can write the directory can compute them), so the directory itself is
/// guarded: it is created private to the user (`0700` on Unix; an existing one of the user is
/// narrowed to `0700`), and one that is a symbolic link or belongs to another user, or whose
/// parent is a link, another user's or writable by others (unless sticky, like `/tmp`), is
/// neither read nor written. Only a regular
/// file the user owns, opened without following a link and without blocking, of at most
/// [`Cache::DEFAULT_MAX_ENTRY_BYTES`] (settable), is read as an entry; the rest are ignored and
/// replaced.
///
/// ```no_run
/// use graph_odata_metadata::Cache;
/// let cache = Cache::user().with_max_entry_bytes(16 << 20);
/// let md = cache.load(std::path::Path::new("v1.0.csdl.xml"))?;
/// # Ok::<(), graph_odata_metadata::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
    max_entry_bytes: u64,
}

impl Cache {
    /// The largest entry read or written unless set otherwise: 64 MiB (the index of Graph's v1.0
    /// schema is about 1 MiB). A larger entry is ignored, its document parsed instead.
    pub const DEFAULT_MAX_ENTRY_BYTES: u64 = 64 << 20;

    /// A cache in `dir`, created when first written.
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache {
            dir: dir.into(),
            max_entry_bytes: Cache::DEFAULT_MAX_ENTRY_BYTES,
        }
    }

    /// The cache in this user's directory, [`Metadata::user_cache_dir`].
    pub fn user() -> Cache {
        Cache::new(Metadata::user_cache_dir())
    }

    /// The largest entry read or written (see [`Cache::DEFAULT_MAX_ENTRY_BYTES`]).
    #[must_use]
    pub fn with_max_entry_bytes(mut self, bytes: u64) -> Cache {
        self.max_entry_bytes = bytes;
        self
    }

    /// The largest entry read or written.
    pub fn max_entry_bytes(&self) -> u64 {
        self.max_entry_bytes
    }

    /// The directory of the entries.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Loads the CSDL document at `path` (a regular file of at most 256 MiB) through this cache:
    /// the first load parses the XML and writes the index, later ones read the index. An entry
    /// that fails any check (see [`Cache`]) is ignored and rewritten; a directory that
    /// cannot be used or written only costs a parse.
    pub fn load(&self, path: &Path) -> Result<Metadata, crate::Error> {
        let bytes = fs::read_document(path, MAX_DOCUMENT)?;
        let source = sha256(&bytes);
        let usable = fs::private_dir(&self.dir);
        let entry = self.dir.join(format!("{source}.idx"));
        if usable
            && let Some(md) = fs::read_own_file(&entry, self.max_entry_bytes)
                .and_then(|b| read_entry(&b, &source))
        {
            return Ok(md);
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| crate::Error::new(crate::ErrorKind::Parse, "the file is not UTF-8"))?;
        let md = Metadata::parse(&text)?;
        let written = entry_bytes(&source, &md.to_index());
        if usable && written.len() as u64 <= self.max_entry_bytes {
            fs::write_private_file(&entry, &written);
        }
        Ok(md)
    }
}

impl Metadata {
    /// Loads `path` through an index cached in `cache_dir`: [`Cache::load`] with the default
    /// entry size cap.
    pub fn load_cached(path: &Path, cache_dir: &Path) -> Result<Metadata, crate::Error> {
        Cache::new(cache_dir).load(path)
    }

    /// The cache directory for indexes of this user: `$GRAPH_ODATA_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/graph-odata`, else `~/.cache/graph-odata` (`%LOCALAPPDATA%\graph-odata` on
    /// Windows), else a directory named after the user in the temporary directory. The directory
    /// is created private to the user when first written, and a directory that is a symbolic link
    /// or belongs to someone else is not used (see [`Cache`]); entries are validated when read,
    /// so a damaged or tampered entry costs a parse, never a wrong answer.
    pub fn user_cache_dir() -> PathBuf {
        let var = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let version = concat!("metadata-", env!("CARGO_PKG_VERSION"));
        if let Some(dir) = var("GRAPH_ODATA_CACHE_DIR") {
            return dir.join(version);
        }
        let base = var("XDG_CACHE_HOME")
            .or_else(|| var("HOME").map(|h| h.join(".cache")))
            .or_else(|| var("LOCALAPPDATA"));
        match base {
            Some(b) => b.join("graph-odata").join(version),
            None => {
                let user = std::env::var("USER")
                    .or_else(|_| std::env::var("USERNAME"))
                    .unwrap_or_else(|_| "user".to_owned());
                let user: String = user
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    .collect();
                std::env::temp_dir()
                    .join(format!("graph-odata-{user}"))
                    .join(version)
            }
        }
    }
}

#[cfg(test)]
mod tests;
