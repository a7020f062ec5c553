//! A compact text form of a parsed document, so a CSDL file is parsed once and later compiler
//! processes load the index instead (cached on disk, keyed by a hash of the file's bytes).

use std::path::{Path, PathBuf};

use crate::{Kind, Metadata, Navigation, Operation, Property, TypeDef, TypeRef};

/// The largest CSDL document read (Graph's v1.0 schema is 3.5 MB; its annotated variants ~20 MB).
const MAX_DOCUMENT: u64 = 256 << 20;

/// The first line of an index; a different format version is never read (a cache entry of
/// another version is rebuilt).
const HEADER: &str = "graph-odata-metadata-index 3";

fn type_ref(t: &TypeRef) -> String {
    format!(
        "{}\t{}\t{}",
        t.name,
        u8::from(t.collection),
        u8::from(t.nullable)
    )
}

fn read_ref(parts: Option<&[&str]>) -> Option<TypeRef> {
    let parts = parts?;
    Some(TypeRef {
        name: (*parts.first()?).to_owned(),
        collection: *parts.get(1)? == "1",
        nullable: *parts.get(2)? == "1",
    })
}

/// A value of a `H` line: no tabs or line breaks.
fn clean(v: &str) -> String {
    v.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// FNV-1a of some bytes: the key of a cache entry and the check that it belongs to its file.
pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Metadata {
    /// The index text of this document: a line-based format, sorted so that the same document
    /// always gives the same text, ending with a line count so a truncated copy is refused.
    pub fn to_index(&self) -> String {
        self.index_text(None)
    }

    fn index_text(&self, content_hash: Option<u64>) -> String {
        let mut lines: Vec<String> = Vec::new();
        if let Some(s) = &self.source {
            lines.push(format!("H\tdocument\t{}", clean(&s.document)));
            lines.push(format!("H\tcommit\t{}", clean(&s.commit)));
            lines.push(format!("H\tdate\t{}", clean(&s.date)));
            lines.push(format!("H\tsha256\t{}", clean(&s.sha256)));
        }
        if let Some(h) = content_hash {
            lines.push(format!("H\tcontent\t{h:016x}"));
        }
        let sorted = |m: &std::collections::HashMap<String, String>, tag: &str| {
            let mut v: Vec<String> = m.iter().map(|(k, x)| format!("{tag}\t{k}\t{x}")).collect();
            v.sort();
            v
        };
        lines.extend(sorted(&self.aliases, "A"));
        lines.extend(self.namespaces.iter().map(|ns| format!("N\t{ns}")));
        lines.extend(sorted(&self.entity_sets, "S"));
        lines.extend(sorted(&self.singletons, "G"));
        lines.extend(sorted(&self.imports, "I"));
        let mut names: Vec<&String> = self.types.keys().collect();
        names.sort();
        for t in names.into_iter().filter_map(|n| self.types.get(n)) {
            let kind = match t.kind {
                Kind::Entity => "e",
                Kind::Complex => "c",
                Kind::Enum => "n",
            };
            lines.push(format!(
                "T\t{kind}\t{}\t{}\t{}\t{}\t{}",
                t.name,
                t.base.as_deref().unwrap_or("-"),
                u8::from(t.is_abstract),
                u8::from(t.open),
                u8::from(t.flags)
            ));
            lines.extend(t.key.iter().map(|k| format!("K\t{k}")));
            lines.extend(
                t.properties
                    .iter()
                    .map(|p| format!("P\t{}\t{}", p.name, type_ref(&p.ty))),
            );
            lines.extend(t.navigation.iter().map(|n| {
                format!(
                    "V\t{}\t{}\t{}",
                    n.name,
                    type_ref(&n.ty),
                    u8::from(n.contained)
                )
            }));
            lines.extend(t.members.iter().map(|m| format!("M\t{m}")));
        }
        for o in &self.operations {
            let binding = o
                .binding
                .as_ref()
                .map_or_else(|| "-\t0\t0".to_owned(), type_ref);
            let returns = o
                .returns
                .as_ref()
                .map_or_else(|| "-\t0\t0".to_owned(), type_ref);
            lines.push(format!(
                "O\t{}\t{}\t{binding}\t{returns}",
                o.name,
                u8::from(o.is_action)
            ));
            lines.extend(
                o.parameters
                    .iter()
                    .map(|p| format!("Q\t{}\t{}", p.name, type_ref(&p.ty))),
            );
        }
        let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum::<usize>() + 64);
        out.push_str(HEADER);
        out.push('\n');
        for l in &lines {
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(&format!("E\t{}\n", lines.len()));
        out
    }

    /// Reads index text; `None` if it is not a complete index of this format (another version, a
    /// truncated or damaged copy). Never panics, whatever the text.
    pub fn from_index(text: &str) -> Option<Metadata> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut md = Metadata::default();
        let mut source = crate::Source::default();
        let mut has_source = false;
        let mut current_type: Option<TypeDef> = None;
        let mut current_op: Option<Operation> = None;
        let mut count = 0usize;
        let mut ended = false;
        let flush = |md: &mut Metadata, t: &mut Option<TypeDef>, o: &mut Option<Operation>| {
            if let Some(t) = t.take() {
                md.types.insert(t.name.clone(), t);
            }
            if let Some(o) = o.take() {
                md.operations.push(o);
            }
        };
        for line in lines {
            if ended {
                return None;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let tag = *f.first()?;
            if tag == "E" {
                if f.get(1)?.parse::<usize>().ok()? != count {
                    return None;
                }
                ended = true;
                continue;
            }
            count += 1;
            match tag {
                "H" => {
                    let value = (*f.get(2)?).to_owned();
                    has_source = true;
                    match *f.get(1)? {
                        "document" => source.document = value,
                        "commit" => source.commit = value,
                        "date" => source.date = value,
                        "sha256" => source.sha256 = value,
                        _ => {}
                    }
                }
                "A" => {
                    md.aliases
                        .insert((*f.get(1)?).to_owned(), (*f.get(2)?).to_owned());
                }
                "N" => md.namespaces.push((*f.get(1)?).to_owned()),
                "S" => {
                    md.entity_sets
                        .insert((*f.get(1)?).to_owned(), (*f.get(2)?).to_owned());
                }
                "G" => {
                    md.singletons
                        .insert((*f.get(1)?).to_owned(), (*f.get(2)?).to_owned());
                }
                "I" => {
                    md.imports
                        .insert((*f.get(1)?).to_owned(), (*f.get(2)?).to_owned());
                }
                "T" => {
                    flush(&mut md, &mut current_type, &mut current_op);
                    current_type = Some(TypeDef {
                        kind: match *f.get(1)? {
                            "e" => Kind::Entity,
                            "c" => Kind::Complex,
                            "n" => Kind::Enum,
                            _ => return None,
                        },
                        name: (*f.get(2)?).to_owned(),
                        base: Some(*f.get(3)?).filter(|b| *b != "-").map(str::to_owned),
                        is_abstract: *f.get(4)? == "1",
                        open: *f.get(5)? == "1",
                        flags: *f.get(6)? == "1",
                        key: Vec::new(),
                        properties: Vec::new(),
                        navigation: Vec::new(),
                        members: Vec::new(),
                    });
                }
                "K" => current_type.as_mut()?.key.push((*f.get(1)?).to_owned()),
                "P" => current_type.as_mut()?.properties.push(Property {
                    name: (*f.get(1)?).to_owned(),
                    ty: read_ref(f.get(2..))?,
                }),
                "V" => current_type.as_mut()?.navigation.push(Navigation {
                    name: (*f.get(1)?).to_owned(),
                    ty: read_ref(f.get(2..))?,
                    contained: *f.get(5)? == "1",
                }),
                "M" => current_type.as_mut()?.members.push((*f.get(1)?).to_owned()),
                "O" => {
                    flush(&mut md, &mut current_type, &mut current_op);
                    let binding = read_ref(f.get(3..6))?;
                    let returns = read_ref(f.get(6..9))?;
                    current_op = Some(Operation {
                        name: (*f.get(1)?).to_owned(),
                        is_action: *f.get(2)? == "1",
                        binding: (binding.name != "-").then_some(binding),
                        returns: (returns.name != "-").then_some(returns),
                        parameters: Vec::new(),
                    });
                }
                "Q" => current_op.as_mut()?.parameters.push(Property {
                    name: (*f.get(1)?).to_owned(),
                    ty: read_ref(f.get(2..))?,
                }),
                _ => return None,
            }
        }
        if !ended {
            return None;
        }
        flush(&mut md, &mut current_type, &mut current_op);
        if has_source {
            md.source = Some(source);
        }
        md.rebuild_derived();
        Some(md)
    }

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
    fn the_index_round_trips() {
        let md = Metadata::parse(include_str!("../tests/fixture.csdl.xml")).unwrap();
        let back = Metadata::from_index(&md.to_index()).unwrap();
        assert_eq!(back.types, md.types);
        assert_eq!(back.entity_sets, md.entity_sets);
        assert_eq!(back.singletons, md.singletons);
        assert_eq!(back.imports, md.imports);
        assert_eq!(back.aliases, md.aliases);
        let mut a = back.operations.clone();
        let mut b = md.operations.clone();
        a.sort_by(|x, y| x.name.cmp(&y.name));
        b.sort_by(|x, y| x.name.cmp(&y.name));
        assert_eq!(a, b);
        assert_eq!(
            md.to_index(),
            back.to_index(),
            "sorted: the same text every time"
        );
        let segs = crate::line::split_path("me/todo/lists/{l}/tasks/{t}/linkedResources");
        assert_eq!(back.resolve_path(&segs), md.resolve_path(&segs));
        assert!(Metadata::from_index("something else").is_none());
    }

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
    fn damaged_index_text_is_refused_never_a_panic() {
        let md = Metadata::parse(include_str!("../tests/fixture.csdl.xml")).unwrap();
        let text = md.to_index();
        assert!(Metadata::from_index(&text).is_some());
        // Every truncation (at char boundaries) is refused: the end line counts the lines.
        let cuts: Vec<usize> = (0..text.len())
            .filter(|i| text.is_char_boundary(*i))
            .collect();
        for &cut in cuts.iter().step_by(7) {
            assert!(
                Metadata::from_index(&text[..cut]).is_none(),
                "a copy cut at byte {cut} was accepted"
            );
        }
        // Fields dropped, tabs doubled, lines swapped, odd Unicode: refused or read, never a panic.
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate().skip(1) {
            for damaged in [
                line.split('\t').next().unwrap_or_default().to_owned(),
                line.replace('\t', "\t\t"),
                line.replace('\t', "\u{2028}"),
                format!("{line}\t\u{202e}x"),
                line.chars().rev().collect(),
            ] {
                let mut copy = lines.clone();
                copy[n] = &damaged;
                let _ = Metadata::from_index(&(copy.join("\n") + "\n"));
            }
        }
        assert!(Metadata::from_index("graph-odata-metadata-index 2\nE\t0\n").is_none());
        assert!(
            Metadata::from_index(&format!("{text}N\textra\n")).is_none(),
            "after the end"
        );
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
    fn the_built_in_index_is_graph_v1_0() {
        let graph = Metadata::graph_v1_0().unwrap();
        let source = graph.source().unwrap();
        assert_eq!(source.commit.len(), 40);
        assert_eq!(source.sha256.len(), 64);
        assert!(graph.has_namespace("microsoft.graph"));
        assert!(graph.totals().types > 3000, "{:?}", graph.totals());
        let segs = crate::line::split_path("me/todo/lists/{l}/tasks/{t}/linkedResources");
        assert!(graph.resolve_path(&segs).is_ok());
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
