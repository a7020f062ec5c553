//! The cache's careful file system calls: files opened without blocking (a FIFO never hangs a
//! compiler) and, for entries, without following a link; a file's type checked before opening
//! and again on the open handle; reads capped; directories private to the user.

use std::fs::{File, Metadata as FileInfo, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;

fn io(message: String) -> crate::Error {
    crate::Error::new(crate::ErrorKind::Io, message)
}

/// Opens `path` for reading without blocking on a FIFO and, with `follow` false, fails on a
/// symbolic link in its last component.
fn open_read(path: &Path, follow: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        options.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    #[cfg(not(unix))]
    let _ = follow;
    options.open(path)
}

/// At most `cap` bytes of an open file, or `None` when it holds more.
fn read_capped(file: File, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= cap).then_some(bytes))
}

/// The bytes of the document at `path` (links followed: it is the caller's own path): a regular
/// file, before opening and on the open handle, of at most `cap` bytes.
pub(super) fn read_document(path: &Path, cap: u64) -> Result<Vec<u8>, crate::Error> {
    let cannot = |e: std::io::Error| io(format!("cannot read the file: {e}"));
    let regular = |info: &FileInfo| {
        if !info.is_file() {
            return Err(io("not a regular file".to_owned()));
        }
        if info.len() > cap {
            return Err(io(format!(
                "the file is {} bytes; a CSDL document is read up to {cap} bytes",
                info.len()
            )));
        }
        Ok(())
    };
    regular(&std::fs::metadata(path).map_err(cannot)?)?;
    let file = open_read(path, true).map_err(cannot)?;
    regular(&file.metadata().map_err(cannot)?)?;
    read_capped(file, cap)
        .map_err(cannot)?
        .ok_or_else(|| io(format!("the file grew past {cap} bytes while read")))
}

/// The user this process runs as.
#[cfg(unix)]
fn euid() -> u32 {
    // SAFETY: `geteuid` takes no arguments, touches no memory and cannot fail.
    unsafe { libc::geteuid() }
}

/// Whether `info` (of a file, not followed) is the user's own regular file of at most `cap` bytes.
fn own_regular(info: &FileInfo, cap: u64) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if info.uid() != euid() {
            return false;
        }
    }
    info.file_type().is_file() && info.len() <= cap
}

/// The bytes of `path` if it is a regular file of this user of at most `cap` bytes: not a link,
/// a FIFO or a device, checked before opening (without following a link, without blocking) and
/// on the open handle, which must be the very file checked. `None` otherwise.
pub(super) fn read_own_file(path: &Path, cap: u64) -> Option<Vec<u8>> {
    let before = std::fs::symlink_metadata(path).ok()?;
    if !own_regular(&before, cap) {
        return None;
    }
    let file = open_read(path, false).ok()?;
    let after = file.metadata().ok()?;
    if !own_regular(&after, cap) {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (before.dev(), before.ino()) != (after.dev(), after.ino()) {
            return None;
        }
    }
    read_capped(file, cap).ok().flatten()
}

/// Writes `bytes` to `path` through a new file (never an existing one or a link) readable by the
/// user only, renamed into place so a reader never sees half an entry. Failures are ignored: a
/// cache that cannot be written costs a parse.
pub(super) fn write_private_file(path: &Path, bytes: &[u8]) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = path.with_extension(format!("tmp{}-{nanos}", std::process::id()));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let written = options
        .open(&tmp)
        .and_then(|mut file| file.write_all(bytes));
    if written.is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Whether the directory that holds the cache directory can be trusted not to swap it: a real
/// directory (not a link) of this user or of root, not writable by others unless sticky (`/tmp`).
#[cfg(unix)]
fn trusted_parent(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(info) = std::fs::symlink_metadata(dir) else {
        return false;
    };
    let mode = info.mode();
    info.file_type().is_dir()
        && (info.uid() == euid() || info.uid() == 0)
        && (mode & 0o002 == 0 || mode & 0o1000 != 0)
}

/// Makes `dir` (and any missing parent) with mode `0700` and says whether the cache may use it:
/// it and its parent are real directories, not links; `dir` belongs to this user and is private
/// to them (its mode is narrowed to `0700` if it is not); the parent belongs to this user or to
/// root and others cannot write it unless it is sticky.
pub(super) fn private_dir(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if std::fs::symlink_metadata(parent).is_ok() && !trusted_parent(parent) {
            return false;
        }
        if std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .is_err()
            || !trusted_parent(parent)
        {
            return false;
        }
        let own_dir = |info: &FileInfo| info.file_type().is_dir() && info.uid() == euid();
        let Ok(info) = std::fs::symlink_metadata(dir) else {
            return false;
        };
        if !own_dir(&info) {
            return false;
        }
        if info.mode() & 0o077 != 0 {
            let narrowed =
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).is_ok();
            return narrowed
                && std::fs::symlink_metadata(dir)
                    .is_ok_and(|i| own_dir(&i) && i.mode() & 0o077 == 0);
        }
        true
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir).is_ok()
            && std::fs::symlink_metadata(dir).is_ok_and(|i| i.file_type().is_dir())
    }
}
