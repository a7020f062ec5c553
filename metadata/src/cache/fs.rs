//! The cache's file system calls.

use std::path::Path;

fn io(message: String) -> crate::Error {
    crate::Error::new(crate::ErrorKind::Io, message)
}

/// The bytes of the document at `path`: a regular file of at most `cap` bytes.
pub(super) fn read_document(path: &Path, cap: u64) -> Result<Vec<u8>, crate::Error> {
    let cannot = |e: std::io::Error| io(format!("cannot read the file: {e}"));
    let info = std::fs::metadata(path).map_err(cannot)?;
    if !info.is_file() {
        return Err(io("not a regular file".to_owned()));
    }
    if info.len() > cap {
        return Err(io(format!(
            "the file is {} bytes; a CSDL document is read up to {cap} bytes",
            info.len()
        )));
    }
    std::fs::read(path).map_err(cannot)
}

/// The bytes of `path` if it holds at most `cap` bytes.
pub(super) fn read_own_file(path: &Path, cap: u64) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    (bytes.len() as u64 <= cap).then_some(bytes)
}

/// Writes `bytes` to `path` aside, then renamed, so a reader never sees half an entry. Failures
/// are ignored: a cache that cannot be written costs a parse.
pub(super) fn write_private_file(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Makes `dir` and says whether the cache may use it.
pub(super) fn private_dir(dir: &Path) -> bool {
    std::fs::create_dir_all(dir).is_ok()
}
