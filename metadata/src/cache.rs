//! The on-disk cache of indexes: a CSDL file is parsed once, and later compiler processes load
//! its index from the user's cache directory instead.

use std::path::{Path, PathBuf};

use crate::Metadata;

/// The largest CSDL document read (Graph's v1.0 schema is 3.5 MB; its annotated variants ~20 MB).
const MAX_DOCUMENT: u64 = 256 << 20;

/// FNV-1a of some bytes: the key of a cache entry and the check that it belongs to its file.
pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Metadata {
    /// The value of an index's `H content` line: the hash of the file it was made from.
    fn content_hash(text: &str) -> Option<u64> {
        text.lines()
            .take(8)
            .find_map(|l| l.strip_prefix("H\tcontent\t"))
            .and_then(|h| u64::from_str_radix(h, 16).ok())
    }

    /// Loads `path`, through an index cached in `cache_dir` keyed by a hash of the file's bytes: the
    /// first load parses the XML and writes the index, later ones read the index. A cache entry is
    /// used only if it is a complete index of this format made from these very bytes (its own
    /// record of their hash); anything else (another version, a truncated write, a file someone
    /// else put there) is ignored and rewritten. A cache that cannot be written only costs a parse.
    pub fn load_cached(path: &Path, cache_dir: &Path) -> Result<Metadata, crate::Error> {
        // Only a regular file of a sane size is read: never a device (`/dev/zero`), a pipe or
        // a directory, and never more than Graph's schema could ever be.
        let io = |m: String| crate::Error::new(crate::ErrorKind::Io, m);
        let meta = std::fs::metadata(path).map_err(|e| io(format!("cannot read the file: {e}")))?;
        if !meta.is_file() {
            return Err(io("not a regular file".to_owned()));
        }
        if meta.len() > MAX_DOCUMENT {
            return Err(io(format!(
                "the file is {} bytes; a CSDL document is read up to {MAX_DOCUMENT} bytes",
                meta.len()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| io(format!("cannot read the file: {e}")))?;
        let hash = fnv(&bytes);
        let cached: PathBuf = cache_dir.join(format!("{hash:016x}.idx"));
        if let Ok(text) = std::fs::read_to_string(&cached)
            && Metadata::content_hash(&text) == Some(hash)
            && let Some(md) = Metadata::from_index(&text)
        {
            return Ok(md);
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| crate::Error::new(crate::ErrorKind::Parse, "the file is not UTF-8"))?;
        let md = Metadata::parse(&text)?;
        if std::fs::create_dir_all(cache_dir).is_ok() {
            // Written aside, then renamed: a reader never sees half a file.
            let tmp = cached.with_extension(format!("tmp{}", std::process::id()));
            if std::fs::write(&tmp, md.index_text(Some(hash))).is_ok()
                && std::fs::rename(&tmp, &cached).is_err()
            {
                let _ = std::fs::remove_file(&tmp);
            }
        }
        Ok(md)
    }

    /// The cache directory for indexes of this user: `$GRAPH_ODATA_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/graph-odata`, else `~/.cache/graph-odata` (`%LOCALAPPDATA%\graph-odata` on
    /// Windows), else a directory named after the user in the temporary directory. Entries are
    /// validated when read (see [`Metadata::load_cached`]), so a shared or tampered directory costs
    /// a parse, never a wrong answer.
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
mod tests {
    use super::*;

    #[test]
    fn load_cached_writes_then_reads_the_index() {
        let dir =
            std::env::temp_dir().join(format!("graph-odata-index-test-{}", std::process::id()));
        let file = dir.join("fixture.xml");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&file, include_str!("../tests/fixture.csdl.xml")).unwrap();
        let first = Metadata::load_cached(&file, &dir.join("cache")).unwrap();
        let written: Vec<_> = std::fs::read_dir(dir.join("cache")).unwrap().collect();
        assert_eq!(written.len(), 1);
        let second = Metadata::load_cached(&file, &dir.join("cache")).unwrap();
        assert_eq!(first.types, second.types);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_corrupt_or_foreign_cache_entry_is_rebuilt() {
        let dir =
            std::env::temp_dir().join(format!("graph-odata-cache-test-{}", std::process::id()));
        let cache = dir.join("cache");
        let file = dir.join("fixture.xml");
        std::fs::create_dir_all(&cache).unwrap();
        let xml = include_str!("../tests/fixture.csdl.xml");
        std::fs::write(&file, xml).unwrap();
        let entry = cache.join(format!("{:016x}.idx", fnv(xml.as_bytes())));
        let good = Metadata::parse(xml).unwrap();
        // Garbage, a truncated entry, and a complete index of another document under this key.
        let other = Metadata::parse(&xml.replace("todoTask", "otherTask")).unwrap();
        let full = good.index_text(Some(fnv(xml.as_bytes())));
        for planted in [
            b"\xff\xfe garbage".to_vec(),
            full.as_bytes()[..full.len() / 2].to_vec(),
            other.index_text(Some(1)).into_bytes(),
            other.to_index().into_bytes(),
        ] {
            std::fs::write(&entry, &planted).unwrap();
            let loaded = Metadata::load_cached(&file, &cache).unwrap();
            assert_eq!(loaded.types, good.types, "the entry was not trusted");
            let rewritten = std::fs::read_to_string(&entry).unwrap();
            assert_eq!(rewritten, full, "and it was rewritten");
        }
        // A cache directory that cannot be written (a file in its place) costs a parse only.
        let blocked = dir.join("blocked");
        std::fs::write(&blocked, "not a directory").unwrap();
        assert_eq!(
            Metadata::load_cached(&file, &blocked).unwrap().types,
            good.types
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_cache_is_per_user() {
        let dir = Metadata::user_cache_dir();
        assert!(
            dir.ends_with(concat!("metadata-", env!("CARGO_PKG_VERSION"))),
            "{}",
            dir.display()
        );
        assert_ne!(dir.parent(), Some(std::env::temp_dir().as_path()));
    }

    #[test]
    fn only_regular_files_are_read() {
        let dir = std::env::temp_dir();
        let err = Metadata::load_cached(&dir, &dir.join("unused")).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        if cfg!(target_os = "linux") {
            let err =
                Metadata::load_cached(Path::new("/dev/zero"), &dir.join("unused")).unwrap_err();
            assert!(err.to_string().contains("not a regular file"), "{err}");
        }
    }
}
