//! The index cache is per user: two users (child processes of this test binary with another
//! `HOME`, or without any home and another `USER`) load the same document, and one never reads
//! what the other's cache holds. The first user's entry is replaced by a well-formed entry of
//! another schema (checksums right, so the cache trusts it): that user now loads the planted
//! schema, which proves entries are read, while the second user still parses the real one. A
//! cache shared by every user would hand the second user the planted schema.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

use graph_odata_metadata::{Cache, Metadata};
use sha2::Digest;

const XML: &str = include_str!("fixture.csdl.xml");

/// A schema of one entity type, the planted entry's index.
const PLANTED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="planted" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="only"><Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

fn hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs [`child_loads_through_the_user_cache`] with `env` (and no other cache variable); what it
/// loaded: "real" or "planted".
fn load_as(source: &Path, env: &[(&str, &Path)], user: Option<&str>) -> String {
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "child_loads_through_the_user_cache",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env("GRAPH_ODATA_PER_USER_SOURCE", source)
        .env_remove("GRAPH_ODATA_CACHE_DIR")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("HOME")
        .env_remove("LOCALAPPDATA")
        .env_remove("USERNAME");
    for (k, v) in env {
        child.env(k, v);
    }
    match user {
        Some(u) => child.env("USER", u),
        None => child.env_remove("USER"),
    };
    let out = child.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    text.lines()
        .find_map(|l| l.strip_prefix("LOADED "))
        .unwrap_or_else(|| panic!("no report in {text}"))
        .to_owned()
}

/// Rewrites the one entry in `dir` as a valid entry of [`PLANTED`] for the same source.
fn plant(dir: &Path) -> PathBuf {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "one entry after one load: {entries:?}");
    let entry = entries[0].clone();
    let text = std::fs::read_to_string(&entry).unwrap();
    let mut lines = text.splitn(3, '\n');
    let (version, source) = (lines.next().unwrap(), lines.next().unwrap());
    let index = Metadata::parse(PLANTED).unwrap().to_index();
    let forged = format!(
        "{version}\n{source}\nindex\t{}\n{index}",
        hex(index.as_bytes())
    );
    std::fs::write(&entry, forged).unwrap();
    entry
}

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!(
        "graph-odata-per-user-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("source.xml"), XML).unwrap();
    Scratch(dir)
}

#[test]
fn users_with_their_own_home_never_read_each_others_entries() {
    let s = scratch("home");
    let source = s.0.join("source.xml");
    let (alice, bob) = (s.0.join("alice"), s.0.join("bob"));
    for home in [&alice, &bob] {
        std::fs::create_dir_all(home).unwrap();
    }
    assert_eq!(load_as(&source, &[("HOME", &alice)], None), "real");
    let version = concat!("metadata-", env!("CARGO_PKG_VERSION"));
    let alice_dir = alice.join(".cache/graph-odata").join(version);
    plant(&alice_dir);
    assert_eq!(
        load_as(&source, &[("HOME", &alice)], None),
        "planted",
        "alice reads her own entry"
    );
    assert_eq!(load_as(&source, &[("HOME", &bob)], None), "real");
    assert!(bob.join(".cache/graph-odata").join(version).is_dir());
    // XDG_CACHE_HOME names a user's cache just as well.
    let carol = s.0.join("carol-cache");
    assert_eq!(
        load_as(&source, &[("XDG_CACHE_HOME", &carol)], None),
        "real"
    );
}

#[test]
fn without_a_home_each_user_name_has_its_own_directory() {
    let s = scratch("name");
    let source = s.0.join("source.xml");
    let tmp = s.0.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    assert_eq!(load_as(&source, &[("TMPDIR", &tmp)], Some("alice")), "real");
    let version = concat!("metadata-", env!("CARGO_PKG_VERSION"));
    plant(&tmp.join("graph-odata-alice").join(version));
    assert_eq!(
        load_as(&source, &[("TMPDIR", &tmp)], Some("alice")),
        "planted"
    );
    assert_eq!(load_as(&source, &[("TMPDIR", &tmp)], Some("bob")), "real");
}

#[test]
#[ignore = "run by the tests above in a child process with another user's environment"]
fn child_loads_through_the_user_cache() {
    let source = std::env::var_os("GRAPH_ODATA_PER_USER_SOURCE").expect("run by the tests above");
    let loaded = Cache::user().load(Path::new(&source)).unwrap();
    let real = Metadata::parse(XML).unwrap();
    let planted = Metadata::parse(PLANTED).unwrap();
    let what = if loaded.totals() == real.totals() {
        "real"
    } else if loaded.totals() == planted.totals() {
        "planted"
    } else {
        "neither"
    };
    println!("\nLOADED {what}");
}
