//! A compact text form of a parsed document, so a CSDL file is parsed once and later compiler
//! processes load the index instead (cached on disk by the `cache` module).

use crate::{Kind, Metadata, Navigation, Operation, Property, TypeDef, TypeRef};

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

impl Metadata {
    /// The index text of this document: a line-based format, sorted so that the same document
    /// always gives the same text, ending with a line count so a truncated copy is refused.
    pub fn to_index(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        if let Some(s) = &self.source {
            lines.push(format!("H\tdocument\t{}", clean(&s.document)));
            lines.push(format!("H\tcommit\t{}", clean(&s.commit)));
            lines.push(format!("H\tdate\t{}", clean(&s.date)));
            lines.push(format!("H\tsha256\t{}", clean(&s.sha256)));
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
}
