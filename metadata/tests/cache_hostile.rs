//! The index cache against what someone else could leave in it: a forged entry, a FIFO, a
//! symlink to `/dev/zero` or to another file, a cache directory that is a symlink or belongs to
//! another user, an oversized entry. Each must cost a parse of the source at most: never a wrong
//! schema, a hang or unbounded memory.

#![cfg(unix)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use graph_odata_metadata::{Cache, Metadata};

const XML: &str = include_str!("fixture.csdl.xml");

/// A fresh directory with the fixture as `source.xml`; removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "graph-odata-cache-hostile-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("source.xml"), XML).unwrap();
        Scratch(dir)
    }
    fn source(&self) -> PathBuf {
        self.0.join("source.xml")
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The one entry file of a cache directory.
fn entry(cache: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

/// `load_cached` on another thread, failing the test if it has not returned within 20 s.
fn load_within_deadline(source: PathBuf, cache: PathBuf) -> Metadata {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(Metadata::load_cached(&source, &cache));
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("load_cached hung")
        .expect("load_cached failed")
}

fn good() -> Metadata {
    Metadata::parse(XML).unwrap()
}

#[test]
fn a_forged_entry_with_a_wrong_checksum_is_ignored_and_rebuilt() {
    let s = Scratch::new("forged");
    let cache = s.path("cache");
    Metadata::load_cached(&s.source(), &cache).unwrap();
    let entry = entry(&cache);
    let genuine = std::fs::read_to_string(&entry).unwrap();
    assert!(genuine.contains("todoTask"));
    // Same header, another schema: a type renamed, as an attacker would edit the file.
    std::fs::write(&entry, genuine.replace("todoTask", "forgedTask")).unwrap();
    let loaded = Metadata::load_cached(&s.source(), &cache).unwrap();
    assert_eq!(
        loaded.to_index(),
        good().to_index(),
        "the forged entry was trusted"
    );
    assert!(loaded.type_def("microsoft.graph.forgedTask").is_none());
    assert_eq!(
        std::fs::read_to_string(&entry).unwrap(),
        genuine,
        "and it was rewritten"
    );
}

#[test]
fn a_fifo_in_place_of_the_entry_does_not_hang() {
    let s = Scratch::new("fifo");
    let cache = s.path("cache");
    Metadata::load_cached(&s.source(), &cache).unwrap();
    let entry = entry(&cache);
    std::fs::remove_file(&entry).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&entry)
        .status()
        .unwrap();
    assert!(made.success());
    let loaded = load_within_deadline(s.source(), cache.clone());
    assert_eq!(loaded.to_index(), good().to_index());
    let now = std::fs::symlink_metadata(&entry).unwrap();
    assert!(now.is_file(), "the FIFO was replaced by a real entry");
}

#[test]
fn a_symlink_in_place_of_the_entry_is_never_followed() {
    let s = Scratch::new("symlink");
    let cache = s.path("cache");
    Metadata::load_cached(&s.source(), &cache).unwrap();
    let entry = entry(&cache);
    // A genuine entry elsewhere, linked into place: still not read through the link.
    let elsewhere = s.path("elsewhere.idx");
    std::fs::rename(&entry, &elsewhere).unwrap();
    for target in [elsewhere.as_path(), Path::new("/dev/zero")] {
        let _ = std::fs::remove_file(&entry);
        std::os::unix::fs::symlink(target, &entry).unwrap();
        let loaded = load_within_deadline(s.source(), cache.clone());
        assert_eq!(loaded.to_index(), good().to_index());
        let now = std::fs::symlink_metadata(&entry).unwrap();
        assert!(
            now.is_file(),
            "the link to {} was used instead of replaced",
            target.display()
        );
    }
}

#[test]
fn a_cache_directory_that_is_a_symlink_is_refused() {
    let s = Scratch::new("dirlink");
    let real = s.path("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o700)).unwrap();
    let cache = s.path("cache");
    std::os::unix::fs::symlink(&real, &cache).unwrap();
    let loaded = Metadata::load_cached(&s.source(), &cache).unwrap();
    assert_eq!(loaded.to_index(), good().to_index());
    assert_eq!(
        std::fs::read_dir(&real).unwrap().count(),
        0,
        "nothing was written through the link"
    );
    // The same for a link one level up (the temporary-directory fallback's per-user directory).
    let parent = s.path("per-user");
    std::os::unix::fs::symlink(&real, &parent).unwrap();
    let loaded = Metadata::load_cached(&s.source(), &parent.join("metadata-x")).unwrap();
    assert_eq!(loaded.to_index(), good().to_index());
    assert_eq!(std::fs::read_dir(&real).unwrap().count(), 0);
}

#[test]
fn the_cache_directory_is_created_private() {
    let s = Scratch::new("mode");
    let cache = s.path("per-user").join("metadata-x");
    Metadata::load_cached(&s.source(), &cache).unwrap();
    for dir in [&cache, &s.path("per-user")] {
        let mode = std::fs::symlink_metadata(dir).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o700, "{} is {mode:o}", dir.display());
    }
    let mode = std::fs::symlink_metadata(entry(&cache)).unwrap().mode() & 0o777;
    assert_eq!(mode, 0o600, "the entry is {mode:o}");
}

#[test]
fn a_cache_directory_of_another_user_is_neither_read_nor_written() {
    // Only root can give a directory away; elsewhere this case cannot be set up.
    if std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(1)
        != 0
    {
        return;
    }
    let s = Scratch::new("owner");
    for cache in [s.path("theirs"), s.path("theirs-parent").join("metadata-x")] {
        let owned = if cache.ends_with("metadata-x") {
            cache.parent().unwrap().to_path_buf()
        } else {
            cache.clone()
        };
        std::fs::create_dir_all(&cache).unwrap();
        std::os::unix::fs::chown(&owned, Some(65534), Some(65534)).unwrap();
        let planted = cache.join("planted");
        std::fs::write(&planted, "not an index").unwrap();
        let loaded = Metadata::load_cached(&s.source(), &cache).unwrap();
        assert_eq!(loaded.to_index(), good().to_index());
        let names: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
        assert_eq!(names.len(), 1, "nothing was written to {}", cache.display());
    }
}

#[test]
fn an_entry_over_the_size_cap_is_neither_read_nor_written() {
    let s = Scratch::new("cap");
    let cache = s.path("cache");
    let small = Cache::new(&cache).with_max_entry_bytes(512);
    assert_eq!(small.max_entry_bytes(), 512);
    assert_eq!(
        Cache::new(&cache).max_entry_bytes(),
        Cache::DEFAULT_MAX_ENTRY_BYTES
    );
    let loaded = small.load(&s.source()).unwrap();
    assert_eq!(loaded.to_index(), good().to_index());
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        0,
        "an entry over the cap is not written"
    );
    // A genuine entry, then a cap below its size: ignored (a parse), never a partial read.
    Cache::new(&cache).load(&s.source()).unwrap();
    let size = std::fs::metadata(entry(&cache)).unwrap().len();
    assert!(size > 512);
    assert_eq!(
        small.load(&s.source()).unwrap().to_index(),
        good().to_index()
    );
}
