use super::*;

#[test]
fn load_cached_writes_then_reads_the_index() {
    let dir = std::env::temp_dir().join(format!("graph-odata-index-test-{}", std::process::id()));
    let file = dir.join("fixture.xml");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&file, include_str!("../../tests/fixture.csdl.xml")).unwrap();
    let first = Metadata::load_cached(&file, &dir.join("cache")).unwrap();
    let written: Vec<_> = std::fs::read_dir(dir.join("cache")).unwrap().collect();
    assert_eq!(written.len(), 1);
    let second = Metadata::load_cached(&file, &dir.join("cache")).unwrap();
    assert_eq!(first.types, second.types);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_corrupt_or_foreign_cache_entry_is_rebuilt() {
    let dir = std::env::temp_dir().join(format!("graph-odata-cache-test-{}", std::process::id()));
    let cache = dir.join("cache");
    let file = dir.join("fixture.xml");
    std::fs::create_dir_all(&cache).unwrap();
    let xml = include_str!("../../tests/fixture.csdl.xml");
    std::fs::write(&file, xml).unwrap();
    let source = sha256(xml.as_bytes());
    let entry = cache.join(format!("{source}.idx"));
    let good = Metadata::parse(xml).unwrap();
    // Garbage, a truncated entry, entries of another document (under this document's
    // checksum, or under another's), another version, and a bare index.
    let other = Metadata::parse(&xml.replace("todoTask", "otherTask")).unwrap();
    let full = entry_bytes(&source, &good.to_index());
    let mut forged = entry_bytes(&source, &good.to_index());
    forged.extend_from_slice(b"N\textra\n");
    for planted in [
        b"\xff\xfe garbage".to_vec(),
        full[..full.len() / 2].to_vec(),
        forged,
        entry_bytes(&sha256(b"another file"), &other.to_index()),
        String::from_utf8(entry_bytes(&source, &other.to_index()))
            .unwrap()
            .replacen(&sha256(other.to_index().as_bytes()), &sha256(b"x"), 1)
            .into_bytes(),
        String::from_utf8(full.clone())
            .unwrap()
            .replacen(ENTRY_VERSION, "graph-odata-metadata-cache 0", 1)
            .into_bytes(),
        other.to_index().into_bytes(),
    ] {
        std::fs::write(&entry, &planted).unwrap();
        let loaded = Metadata::load_cached(&file, &cache).unwrap();
        assert_eq!(loaded.types, good.types, "the entry was not trusted");
        let rewritten = std::fs::read(&entry).unwrap();
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
fn only_regular_files_are_read() {
    let dir = std::env::temp_dir();
    let err = Metadata::load_cached(&dir, &dir.join("unused")).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    if cfg!(target_os = "linux") {
        let err = Metadata::load_cached(Path::new("/dev/zero"), &dir.join("unused")).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
}
