//! A compact text form of a parsed document, so a CSDL file is parsed once and later compiler
//! processes load the index instead (cached on disk, keyed by a hash of the file's bytes).

use std::path::{Path, PathBuf};

use crate::{Kind, Metadata, Navigation, Operation, Property, TypeDef, TypeRef};

const HEADER: &str = "graph-odata-metadata-index 2";

fn type_ref(t: &TypeRef) -> String {
    format!(
        "{}\t{}\t{}",
        t.name,
        u8::from(t.collection),
        u8::from(t.nullable)
    )
}

fn read_ref(parts: &[&str]) -> Option<TypeRef> {
    Some(TypeRef {
        name: (*parts.first()?).to_owned(),
        collection: *parts.get(1)? == "1",
        nullable: *parts.get(2)? == "1",
    })
}

impl Metadata {
    /// The index text of this document.
    pub fn to_index(&self) -> String {
        let mut out = String::with_capacity(1 << 20);
        out.push_str(HEADER);
        out.push('\n');
        let mut lines: Vec<String> = Vec::new();
        for (alias, ns) in &self.aliases {
            lines.push(format!("A\t{alias}\t{ns}"));
        }
        for ns in &self.namespaces {
            lines.push(format!("N\t{ns}"));
        }
        for (n, t) in &self.entity_sets {
            lines.push(format!("S\t{n}\t{t}"));
        }
        for (n, t) in &self.singletons {
            lines.push(format!("G\t{n}\t{t}"));
        }
        for (n, o) in &self.imports {
            lines.push(format!("I\t{n}\t{o}"));
        }
        for t in self.types.values() {
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
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
        out
    }

    /// Reads index text; `None` if it is not an index of this format.
    pub fn from_index(text: &str) -> Option<Metadata> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut md = Metadata::default();
        let mut current_type: Option<TypeDef> = None;
        let mut current_op: Option<Operation> = None;
        let flush = |md: &mut Metadata, t: &mut Option<TypeDef>, o: &mut Option<Operation>| {
            if let Some(t) = t.take() {
                md.types.insert(t.name.clone(), t);
            }
            if let Some(o) = o.take() {
                md.operations.push(o);
            }
        };
        for line in lines {
            let f: Vec<&str> = line.split('\t').collect();
            match *f.first()? {
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
                            _ => Kind::Enum,
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
                    ty: read_ref(&f[2..])?,
                }),
                "V" => current_type.as_mut()?.navigation.push(Navigation {
                    name: (*f.get(1)?).to_owned(),
                    ty: read_ref(&f[2..])?,
                    contained: *f.get(5)? == "1",
                }),
                "M" => current_type.as_mut()?.members.push((*f.get(1)?).to_owned()),
                "O" => {
                    flush(&mut md, &mut current_type, &mut current_op);
                    let binding = read_ref(&f[3..6])?;
                    let returns = read_ref(&f[6..9])?;
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
                    ty: read_ref(&f[2..])?,
                }),
                _ => return None,
            }
        }
        flush(&mut md, &mut current_type, &mut current_op);
        md.rebuild_derived();
        Some(md)
    }

    /// Loads `path`, through an index cached in `cache_dir` keyed by a hash of the file's bytes: the
    /// first load parses the XML and writes the index, later ones read the index.
    pub fn load_cached(path: &Path, cache_dir: &Path) -> Result<Metadata, crate::Error> {
        let bytes = std::fs::read(path).map_err(|e| {
            crate::Error::new(crate::ErrorKind::Io, format!("cannot read the file: {e}"))
        })?;
        let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
        let cached: PathBuf = cache_dir.join(format!("{hash:016x}.idx"));
        if let Ok(text) = std::fs::read_to_string(&cached)
            && let Some(md) = Metadata::from_index(&text)
        {
            return Ok(md);
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| crate::Error::new(crate::ErrorKind::Parse, "the file is not UTF-8"))?;
        let md = Metadata::parse(&text)?;
        // A failed write only costs the next build a parse.
        if std::fs::create_dir_all(cache_dir).is_ok() {
            let tmp = cached.with_extension(format!("tmp{}", std::process::id()));
            if std::fs::write(&tmp, md.to_index()).is_ok() {
                let _ = std::fs::rename(&tmp, &cached);
            }
        }
        Ok(md)
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
        let segs: Vec<String> = "me/todo/lists/{l}/tasks/{t}/linkedResources"
            .split('/')
            .map(str::to_owned)
            .collect();
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
}
