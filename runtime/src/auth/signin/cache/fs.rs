//! The cache's careful file system calls: an entry is read only if it is the user's own regular
//! file, private to them, not a link, of bounded size, checked before opening (without following
//! a link, without blocking on a FIFO) and again on the open handle; it is written through a new
//! private file in the same directory, flushed to disk and renamed into place, so a reader never
//! sees half an entry; the directory is private to the user.

use std::fs::{Metadata, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;

use super::Rejected;

/// The user this process runs as.
#[cfg(unix)]
fn euid() -> u32 {
    // SAFETY: `geteuid` takes no arguments, touches no memory and cannot fail.
    unsafe { libc::geteuid() }
}

/// Why `info` (of an entry, links not followed) is not to be read, if it is not.
fn check(info: &Metadata, cap: u64) -> Result<(), Rejected> {
    if info.file_type().is_symlink() {
        return Err(Rejected::Link);
    }
    if !info.file_type().is_file() {
        return Err(Rejected::NotRegular);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if info.uid() != euid() {
            return Err(Rejected::Foreign);
        }
        if info.mode() & 0o077 != 0 {
            return Err(Rejected::Shared(info.mode() & 0o777));
        }
    }
    if info.len() > cap {
        return Err(Rejected::TooLarge(info.len()));
    }
    Ok(())
}

/// The bytes of the entry at `path`: `Ok(None)` when there is none, `Err` with the reason when
/// there is one that must not be read.
pub(super) fn read_entry(path: &Path, cap: u64) -> Result<Option<Vec<u8>>, Rejected> {
    let before = match std::fs::symlink_metadata(path) {
        Ok(info) => info,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Rejected::Io(e.kind())),
    };
    check(&before, cap)?;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Rejected::Swapped,
        kind => Rejected::Io(kind),
    })?;
    let after = file.metadata().map_err(|e| Rejected::Io(e.kind()))?;
    check(&after, cap)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (before.dev(), before.ino()) != (after.dev(), after.ino()) {
            return Err(Rejected::Swapped);
        }
    }
    let mut bytes = Vec::new();
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Rejected::Io(e.kind()))?;
    if bytes.len() as u64 > cap {
        return Err(Rejected::TooLarge(bytes.len() as u64));
    }
    Ok(Some(bytes))
}

/// Makes `dir` (and missing parents) with mode `0700`, and makes sure it is a real directory
/// (not a link) of this user, private to them (narrowing its mode to `0700` if it is wider).
pub(super) fn private_dir(dir: &Path) -> std::io::Result<()> {
    let refuse = |why: &str| std::io::Error::other(format!("{}: {why}", dir.display()));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    let info = std::fs::symlink_metadata(dir)?;
    if !info.file_type().is_dir() {
        return Err(refuse("not a directory (or a link to one)"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if info.uid() != euid() {
            return Err(refuse("the directory belongs to another user"));
        }
        if info.mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// Writes `bytes` as the file `name` of `dir`: into a new file (mode `0600`, never an existing
/// file or a link) in the same directory, flushed to disk, renamed over `name`, and the
/// directory flushed too.
pub(super) fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    private_dir(dir)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(".{name}.{}-{nanos}.tmp", std::process::id()));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let written = options.open(&tmp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&tmp, dir.join(name)));
    if let Err(e) = renamed {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Removes the file `name` of `dir` (a link is removed, not followed); none is fine.
pub(super) fn remove(dir: &Path, name: &str) -> std::io::Result<()> {
    match std::fs::remove_file(dir.join(name)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
