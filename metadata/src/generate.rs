//! Writes ready-to-compile graph-odata declarations for types of a CSDL document: the requested
//! entity or complex types with documented fields, the complex and enum types they need
//! (transitively, once each), endpoints on the shortest paths that reach each entity type, and
//! optionally its bound actions.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write;

mod actions;
mod safe;

use crate::edm;
use crate::names::{Case, is_qualified_name, is_simple_identifier, snake_from_camel, upper_first};
use crate::{Kind, Metadata, TypeRef};

/// What to generate besides the types.
#[derive(Debug, Clone)]
pub struct Options {
    /// Endpoints for paths of at most this many navigation steps (0: none).
    pub path_depth: usize,
    /// Declare the actions bound to each entity type.
    pub actions: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            path_depth: 4,
            actions: false,
        }
    }
}

/// A field for a wire name: the Rust name (see [`safe::field_ident`]) and, when the declaration's
/// case (the macros' rule) does not turn it back into the wire name, a `rename`. `None` for an
/// empty name.
fn field(wire: &str, case: Case) -> Option<(String, Option<String>)> {
    let ident = safe::field_ident(&snake_from_camel(wire))?;
    let rename = field_rename(wire, &ident, case);
    Some((ident, rename))
}

/// The `rename` a field named `ident` needs to mean `wire`.
fn field_rename(wire: &str, ident: &str, case: Case) -> Option<String> {
    (case.field(ident) != wire).then(|| wire.to_owned())
}

/// The case for fields with these wire names: PascalCase when it leaves fewer `rename`s than the
/// default camelCase (TripPin's `UserName`, Graph's `StartDateTime` parameters).
fn fields_case<'n>(wires: impl IntoIterator<Item = &'n str> + Clone) -> Case {
    let renames = |case: Case| {
        wires
            .clone()
            .into_iter()
            .filter(|w| field(w, case).is_none_or(|f| f.1.is_some()))
            .count()
    };
    fewer_renames(renames)
}

/// The same for enumeration members (`Male`), whose Rust names are the wire names capitalised.
fn members_case(members: &[String]) -> Case {
    fewer_renames(|case| {
        members
            .iter()
            .filter(|m| case.member(&upper_first(m)) != **m)
            .count()
    })
}

fn fewer_renames(renames: impl Fn(Case) -> usize) -> Case {
    if renames(Case::Pascal) < renames(Case::Camel) {
        Case::Pascal
    } else {
        Case::Camel
    }
}

/// The `rename_all = "…"` argument for a case other than the default.
fn rename_all(case: Case) -> Option<String> {
    Case::NAMES
        .iter()
        .find(|(_, c)| *c == case && case != Case::Camel)
        .map(|(name, _)| format!("rename_all = \"{name}\""))
}

/// Names the generated code itself uses in type position: a schema type is never given one.
const RESERVED_TYPES: &[&str] = &["Option", "Vec", "String", "Flags", "RawObject", "Other"];

/// The key placeholder for an entity type's paths: `{todoTaskId}` for `microsoft.graph.todoTask`;
/// `{itemId}` when the simple name has no ASCII letter to start it.
fn key_placeholder(qualified: &str) -> String {
    let simple: String = qualified
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if simple.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        format!("{simple}Id")
    } else {
        "itemId".to_owned()
    }
}

/// Whether a path is one the macros' endpoint grammar reads as written: a path through a name
/// that is not a path segment is left out rather than written.
fn usable_path(path: &str) -> bool {
    crate::line::parse(&format!("GET {path}")).is_ok()
}

struct Generator<'a> {
    md: &'a Metadata,
    /// Qualified name → Rust name, for every type emitted.
    names: BTreeMap<String, String>,
    /// Every Rust type name given out (types and action structs).
    taken: safe::Taken,
    queue: VecDeque<String>,
    out: String,
    /// Schema names left out, as messages.
    skipped: Vec<String>,
}

impl Generator<'_> {
    /// The Rust name of a structured or enum type, queueing it; `None` (and a note in `skipped`)
    /// when its name is not a qualified OData name, which the macros would refuse.
    fn rust_name(&mut self, qualified: &str) -> Option<String> {
        if let Some(n) = self.names.get(qualified) {
            return Some(n.clone());
        }
        let simple = qualified.rsplit('.').next().unwrap_or(qualified);
        let Some(mut name) =
            safe::ident(&upper_first(simple)).filter(|_| is_qualified_name(qualified))
        else {
            self.skip(format!(
                "the type {} is not a qualified OData name",
                safe::lit(qualified)
            ));
            return None;
        };
        if !self.taken.is_free(&name) {
            let ns = qualified.rsplit('.').nth(1).unwrap_or("other");
            if let Some(prefix) = safe::ident(&upper_first(ns)) {
                name = format!(
                    "{}{}",
                    prefix.trim_start_matches("r#"),
                    name.trim_start_matches("r#")
                );
            }
        }
        let name = self.taken.take(name);
        self.names.insert(qualified.to_owned(), name.clone());
        self.queue.push_back(qualified.to_owned());
        Some(name)
    }

    /// The Rust name and `rename` of a property or parameter `wire` of `owner`, taken in
    /// `taken`; `None` (and a note in `skipped`) for a name the macros would refuse or one
    /// already declared (`seen`).
    fn field_name(
        &mut self,
        owner: &str,
        wire: &str,
        case: Case,
        taken: &mut safe::Taken,
        seen: &mut BTreeSet<String>,
    ) -> Option<(String, Option<String>)> {
        let problem = if !safe::property_name(wire) {
            "is not an OData property name"
        } else if !seen.insert(wire.to_owned()) {
            "is declared twice"
        } else {
            let (ident, _) = field(wire, case)?;
            let ident = taken.take(ident);
            let rename = field_rename(wire, &ident, case);
            return Some((ident, rename));
        };
        self.skip(format!(
            "the property {} of {} {problem}",
            safe::lit(wire),
            safe::lit(owner)
        ));
        None
    }

    fn skip(&mut self, message: String) {
        if !self.skipped.contains(&message) {
            self.skipped.push(message);
        }
    }

    /// The Rust type of a property, queueing the structured types it needs.
    fn rust_type(&mut self, ty: &TypeRef) -> String {
        let flags = self.md.type_def(&ty.name).is_some_and(|t| t.flags);
        let element = if let Some(p) = edm::primitive(&ty.name) {
            p.rust.to_owned()
        } else if let Some(n) = (!ty.name.starts_with("Edm.")
            && self.md.type_def(&ty.name).is_some())
        .then(|| self.rust_name(&ty.name))
        .flatten()
        {
            if flags { format!("Flags<{n}>") } else { n }
        } else {
            // Another Edm type (`Edm.Stream`, geography) or a type the document does not declare.
            "serde_json::Value".to_owned()
        };
        match (ty.collection, ty.nullable || ty.collection) {
            (true, _) => format!("Option<Vec<{element}>>"),
            (false, true) => format!("Option<{element}>"),
            (false, false) => element,
        }
    }

    /// The fields, and whether all of them are `Option` (so `Default` can be derived).
    fn fields(
        &mut self,
        qualified: &str,
        key: Option<&str>,
        case: Case,
        open: bool,
    ) -> (String, bool) {
        let mut out = String::new();
        let mut all_optional = true;
        // `extra` holds an open type's undeclared members.
        let mut taken = safe::Taken::new(safe::Scope::Fields, if open { &["extra"] } else { &[] });
        let mut seen = BTreeSet::new();
        // Base type properties first, as the metadata lists them.
        let lineage: Vec<_> = self
            .md
            .lineage(qualified)
            .into_iter()
            .rev()
            .cloned()
            .collect();
        for t in lineage {
            for p in &t.properties {
                let Some((ident, rename)) =
                    self.field_name(qualified, &p.name, case, &mut taken, &mut seen)
                else {
                    continue;
                };
                let mut ty = p.ty.clone();
                let is_key = key == Some(p.name.as_str());
                if is_key {
                    ty.nullable = true;
                }
                let rust = self.rust_type(&ty);
                all_optional &= rust.starts_with("Option<");
                let type_name = if p.ty.collection {
                    format!("Collection({})", p.ty.name)
                } else {
                    p.ty.name.clone()
                };
                let _ = writeln!(
                    out,
                    "    /// `{}`: `{}`{}",
                    safe::doc(&p.name),
                    safe::doc(&type_name),
                    if p.ty.nullable { "" } else { ", not nullable" }
                );
                let mut attrs = Vec::new();
                if is_key {
                    attrs.push("key, read_only".to_owned());
                }
                if let Some(r) = rename {
                    attrs.push(format!("rename = {}", safe::lit(&r)));
                }
                if !attrs.is_empty() {
                    let _ = writeln!(out, "    #[graph({})]", attrs.join(", "));
                }
                let _ = writeln!(out, "    pub {ident}: {rust},");
            }
        }
        (out, all_optional)
    }

    fn entity_paths(&self, qualified: &str, depth: usize) -> Vec<(String, bool)> {
        // Breadth-first from entity sets and singletons through navigation properties.
        let mut found = Vec::new();
        let mut queue: VecDeque<(String, String, bool, usize)> = VecDeque::new();
        // Singletons first (`/me/…` is how the docs show most routes), then entity sets.
        let mut singletons: Vec<_> = self.md.singletons.iter().collect();
        singletons.sort();
        for (name, t) in singletons {
            queue.push_back((format!("/{name}"), t.clone(), false, 0));
        }
        let mut sets: Vec<_> = self.md.entity_sets.iter().collect();
        sets.sort();
        for (name, t) in sets {
            queue.push_back((format!("/{name}"), t.clone(), true, 0));
        }
        // Each type is expanded once, at its smallest depth: shortest paths only, bounded work.
        let mut expanded: BTreeSet<(String, bool)> = BTreeSet::new();
        while let Some((path, t, collection, d)) = queue.pop_front() {
            if t == qualified && usable_path(&path) {
                found.push((path.clone(), collection));
                if found.len() >= 3 {
                    break;
                }
            }
            if d >= depth || !expanded.insert((t.clone(), collection)) {
                continue;
            }
            let base = if collection {
                format!("{path}/{{{}}}", key_placeholder(&t))
            } else {
                path
            };
            for def in self.md.lineage(&t) {
                for n in &def.navigation {
                    queue.push_back((
                        format!("{base}/{}", n.name),
                        n.ty.name.clone(),
                        n.ty.collection,
                        d + 1,
                    ));
                }
            }
        }
        found
    }

    fn emit(&mut self, qualified: &str, options: &Options) -> Result<(), String> {
        let def = self
            .md
            .type_def(qualified)
            .ok_or_else(|| format!("`{qualified}` is not a type of this document"))?
            .clone();
        let Some(name) = self.rust_name(qualified) else {
            return Ok(());
        };
        let wire = safe::lit(qualified);
        let shown = safe::doc(qualified);
        match def.kind {
            Kind::Enum => {
                let _ = writeln!(self.out, "/// `{shown}`");
                let flags = if def.flags { ", flags" } else { "" };
                let case = members_case(&def.members);
                let rename_all = rename_all(case)
                    .map(|a| format!(", {a}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    self.out,
                    "#[graph_enum({wire}{flags}{rename_all})]\n#[derive(Debug, Clone, PartialEq)]\npub enum {name} {{"
                );
                // `Other` is the catch-all variant.
                let mut taken = safe::Taken::new(safe::Scope::Variants, &["Other"]);
                let mut seen = BTreeSet::new();
                for m in &def.members {
                    let problem = if !is_simple_identifier(m) {
                        "is not an OData member name"
                    } else if !seen.insert(m) {
                        "is declared twice"
                    } else {
                        ""
                    };
                    let Some(variant) = safe::ident(&upper_first(m)).filter(|_| problem.is_empty())
                    else {
                        self.skip(format!("the member {} of {wire} {problem}", safe::lit(m)));
                        continue;
                    };
                    let variant = taken.take(variant);
                    if case.member(&variant) != *m {
                        let _ = writeln!(self.out, "    #[graph(rename = {})]", safe::lit(m));
                    }
                    let _ = writeln!(self.out, "    {variant},");
                }
                let _ = writeln!(
                    self.out,
                    "    /// A member this declaration does not know.\n    #[graph(other)]\n    Other(String),\n}}\n"
                );
            }
            Kind::Complex if def.is_abstract => {
                let mut derived: Vec<String> =
                    self.md.derived.get(qualified).cloned().unwrap_or_default();
                derived.sort();
                let _ = writeln!(
                    self.out,
                    "/// `{shown}` (abstract): every value names its derived type."
                );
                let _ = writeln!(
                    self.out,
                    "#[graph_complex({wire}, abstract)]\n#[derive(Debug, Clone, PartialEq)]\npub enum {name} {{"
                );
                for d in &derived {
                    if let Some(v) = self.rust_name(d) {
                        let _ = writeln!(self.out, "    {v}({v}),");
                    }
                }
                let _ = writeln!(
                    self.out,
                    "    /// A derived type this declaration does not know.\n    #[graph(other)]\n    Other(RawObject),\n}}\n"
                );
            }
            Kind::Complex | Kind::Entity => {
                let (attr, key) = if def.kind == Kind::Entity {
                    let key = self
                        .md
                        .lineage(qualified)
                        .iter()
                        .find_map(|t| t.key.first().cloned());
                    ("graph_entity", key)
                } else {
                    ("graph_complex", None)
                };
                let mut args = vec![wire.clone()];
                if let Some(base) = &def.base
                    && self
                        .md
                        .type_def(base)
                        .is_some_and(|b| b.is_abstract && b.kind == Kind::Complex)
                    && let Some(b) = self.rust_name(base)
                {
                    args.push(format!("base = {b}"));
                }
                if def.kind == Kind::Entity && options.path_depth > 0 {
                    let paths = self.entity_paths(qualified, options.path_depth);
                    if let Some((path, collection)) = paths.first() {
                        if *collection {
                            let k = format!("{path}/{{{}}}", key_placeholder(qualified));
                            for (verb, method, p) in [
                                ("list", "GET", path),
                                ("create", "POST", path),
                                ("get", "GET", &k),
                                ("update", "PATCH", &k),
                                ("delete", "DELETE", &k),
                            ] {
                                args.push(format!(
                                    "{verb} = {}",
                                    safe::lit(&format!("{method} {p}"))
                                ));
                            }
                        } else {
                            args.push(format!("get = {}", safe::lit(&format!("GET {path}"))));
                        }
                    }
                    for (other, _) in paths.iter().skip(1) {
                        let _ = writeln!(self.out, "// also reachable at {}", safe::doc(other));
                    }
                }
                let _ = writeln!(
                    self.out,
                    "/// `{shown}`{}",
                    if def.open {
                        " (open: unknown members are kept)"
                    } else {
                        ""
                    }
                );
                let wires: Vec<String> = self
                    .md
                    .lineage(qualified)
                    .iter()
                    .flat_map(|t| t.properties.iter().map(|p| p.name.clone()))
                    .collect();
                let case = fields_case(wires.iter().map(String::as_str));
                args.extend(rename_all(case));
                let (fields, all_optional) = self.fields(qualified, key.as_deref(), case, def.open);
                let default = if all_optional { ", Default" } else { "" };
                let _ = writeln!(
                    self.out,
                    "#[{attr}({})]\n#[derive(Debug, Clone, PartialEq{default})]\npub struct {name} {{",
                    args.join(", ")
                );
                self.out.push_str(&fields);
                if def.open {
                    let _ = writeln!(
                        self.out,
                        "    /// Members the metadata does not declare.\n    #[graph(extra)]\n    pub extra: serde_json::Map<String, serde_json::Value>,"
                    );
                }
                let _ = writeln!(self.out, "}}\n");
                if options.actions && def.kind == Kind::Entity {
                    self.actions(qualified);
                }
            }
        }
        Ok(())
    }
}

/// What [`generate_report`] made: the source, and the schema names it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generated {
    /// The declarations, ready to save as a Rust module.
    pub code: String,
    /// One line per name that could not be made into Rust (an empty name; an action whose name
    /// is not a path segment), each quoted as an escaped string literal so that it is safe to
    /// print. Such names are left out of `code`, never written into it.
    pub skipped: Vec<String>,
}

/// Declarations for `types` (qualified or alias-qualified names) and everything they need.
///
/// Names from the document are never pasted into the source as they are: each Rust name is
/// derived (a raw identifier for a keyword, a sanitised identifier with a `rename` holding the
/// exact wire name otherwise), wire and qualified names are written as escaped string literals,
/// and documentation lines are stripped of line breaks and control characters. A name that
/// cannot be used is left out; [`generate_report`] says which.
pub fn generate(md: &Metadata, types: &[&str], options: &Options) -> Result<String, crate::Error> {
    generate_report(md, types, options).map(|g| g.code)
}

/// [`generate`], also reporting the names it left out.
pub fn generate_report(
    md: &Metadata,
    types: &[&str],
    options: &Options,
) -> Result<Generated, crate::Error> {
    generate_text(md, types, options).map_err(|m| crate::Error::new(crate::ErrorKind::Generate, m))
}

fn generate_text(md: &Metadata, types: &[&str], options: &Options) -> Result<Generated, String> {
    let mut g = Generator {
        md,
        names: BTreeMap::new(),
        taken: safe::Taken::new(safe::Scope::Types, RESERVED_TYPES),
        queue: VecDeque::new(),
        out: String::new(),
        skipped: Vec::new(),
    };
    for t in types {
        let q = md.qualify(t);
        if md.type_def(&q).is_none() {
            return Err(format!(
                "`{t}` is not a type of this document{}",
                md.suggest_type(&q)
            ));
        }
        if g.rust_name(&q).is_none() {
            return Err(format!(
                "{} cannot be declared: it is not a qualified OData name",
                safe::lit(&q)
            ));
        }
    }
    let mut done: BTreeSet<String> = BTreeSet::new();
    while let Some(q) = g.queue.pop_front() {
        if done.insert(q.clone()) {
            g.emit(&q, options)?;
        }
    }
    let mut code = String::from(
        "// Generated by graph-odata-cli from CSDL metadata.\n#![allow(dead_code, clippy::large_enum_variant)]\n\n#[allow(unused_imports)]\nuse graph_odata::prelude::*;\n#[allow(unused_imports)]\nuse graph_odata::wire::RawObject;\n#[allow(unused_imports)]\nuse graph_odata::{graph_action, graph_complex, graph_entity, graph_enum};\n\n",
    );
    code.push_str(&g.out);
    Ok(Generated {
        code,
        skipped: g.skipped,
    })
}

#[cfg(test)]
mod tests;
