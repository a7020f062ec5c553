//! Opt-in checks against a `$metadata` document (CSDL): when `GRAPH_ODATA_METADATA_V1_0` (or
//! `GRAPH_ODATA_METADATA_BETA` for `version = "beta"` declarations and lines written as absolute
//! beta URLs) names a file, declarations in that document's namespaces are checked: the type exists
//! with the declared kind, base and abstractness; every property and enum member exists; every
//! endpoint path resolves to the declared type, and every action path to the action.
//!
//! The file is parsed once per compiler process (a cache in the macro), and each checked
//! declaration includes the file with `include_bytes!` so cargo rebuilds when it changes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use graph_odata_metadata::{Kind, Metadata, Target};
use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::ctxt::Ctxt;
use crate::model::{Endpoint, EndpointKind, Model, Role};
use crate::parse::path::{Arg, HttpLine, Segment};

type Loaded = Arc<Result<Metadata, String>>;

fn env_var(version: &str) -> &'static str {
    if version == "beta" {
        "GRAPH_ODATA_METADATA_BETA"
    } else {
        "GRAPH_ODATA_METADATA_V1_0"
    }
}

/// The metadata for a version, if its variable is set: (path, parsed or the reason it is not).
fn load(version: &str) -> Option<(PathBuf, Loaded)> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Loaded>>> = OnceLock::new();
    let var = env_var(version);
    let raw = std::env::var_os(var).filter(|v| !v.is_empty())?;
    let mut path = PathBuf::from(raw);
    if path.is_relative()
        && let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR")
    {
        path = PathBuf::from(dir).join(path);
    }
    let cache = CACHE.get_or_init(Mutex::default);
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    let loaded = cache
        .entry(path.clone())
        .or_insert_with(|| {
            Arc::new(match std::fs::read_to_string(&path) {
                Ok(text) => {
                    Metadata::parse(&text).map_err(|e| format!("{var}={}: {e}", path.display()))
                }
                Err(e) => Err(format!(
                    "{var}={}: cannot read the file: {e}",
                    path.display()
                )),
            })
        })
        .clone();
    Some((path, loaded))
}

/// The path segments the resolver walks: keys as `{…}`, calls by name.
fn segments(line: &HttpLine) -> Vec<String> {
    let mut out = Vec::new();
    for s in &line.segments {
        match s {
            Segment::Literal(l) => out.push(l.clone()),
            Segment::Key(p) => out.push(format!("{{{}}}", p.wire)),
            Segment::ParenKey { name, arg } => {
                out.push(name.clone());
                out.push(match arg {
                    Arg::Param { param, .. } => format!("{{{}}}", param.wire),
                    Arg::Literal(l) => l.clone(),
                });
            }
            Segment::Call { name, .. } => out.push(format!("{name}()")),
        }
    }
    out
}

struct Checker<'a> {
    cx: &'a mut Ctxt,
    tracked: Vec<PathBuf>,
}

impl Checker<'_> {
    fn metadata(&mut self, version: &str, span: Span) -> Option<Loaded> {
        let (path, loaded) = load(version)?;
        if let Err(e) = loaded.as_ref() {
            self.cx.error_at(span, e);
            return None;
        }
        if !self.tracked.contains(&path) {
            self.tracked.push(path);
        }
        Some(loaded)
    }

    /// The type's definition, if its namespace is in the document; reports a missing type.
    fn type_in<'m>(
        &mut self,
        md: &'m Metadata,
        name: &str,
        span: Span,
        version: &str,
    ) -> Option<&'m graph_odata_metadata::TypeDef> {
        let ns = name.rsplit_once('.').map_or("", |(n, _)| n);
        if !md.has_namespace(ns) {
            return None;
        }
        let def = md.type_def(name);
        if def.is_none() {
            self.cx.error_at(
                span,
                format!(
                    "`{name}` is not a type of Graph {version}{}",
                    md.suggest_type(name)
                ),
            );
        }
        def
    }

    fn endpoint(
        &mut self,
        e: &Endpoint,
        own_type: &str,
        type_version: &str,
        op_name: Option<&str>,
    ) {
        let version = e
            .line
            .version
            .clone()
            .unwrap_or_else(|| type_version.to_owned());
        let Some(md) = self.metadata(&version, e.span) else {
            return;
        };
        let Ok(md) = md.as_ref() else { return };
        // Declarations of other services (another namespace) are not this document's business.
        let ns = own_type.rsplit_once('.').map_or("", |(n, _)| n);
        if !md.has_namespace(ns) {
            return;
        }
        let resolved = match md.resolve_path(&segments(&e.line)) {
            Ok(r) => r,
            Err(why) => {
                self.cx.error_at(
                    e.span,
                    format!(
                        "`{}` does not resolve in Graph {version}: {why}",
                        e.text.trim()
                    ),
                );
                return;
            }
        };
        let fits = |t: &str| md.derives_from(t, own_type) || md.derives_from(own_type, t);
        let problem = match (&e.kind, &resolved.target) {
            (EndpointKind::Create | EndpointKind::List, Target::Collection(t)) if fits(t) => None,
            (
                EndpointKind::Get | EndpointKind::Update | EndpointKind::Delete,
                Target::Entity(t),
            ) if fits(t) => None,
            (EndpointKind::Action | EndpointKind::Function, Target::Operation(op))
                if Some(op.name.as_str()) == op_name =>
            {
                None
            }
            (EndpointKind::Action | EndpointKind::Function, Target::Operation(op)) => {
                Some(format!(
                    "reaches the operation `{}`, not `{}`",
                    op.name,
                    op_name.unwrap_or_default()
                ))
            }
            (_, target) => Some(format!(
                "leads to {}, not {}",
                describe(target),
                expected(e.kind, own_type)
            )),
        };
        if let Some(problem) = problem {
            self.cx.error_at(
                e.span,
                format!("`{}` {problem} in Graph {version}", e.text.trim()),
            );
        }
    }
}

fn describe(t: &Target) -> String {
    match t {
        Target::Collection(t) => format!("a collection of {t}"),
        Target::Entity(t) => format!("one {t}"),
        Target::Value(v) => format!("a {} value", v.name),
        Target::Operation(o) => format!("the operation {}", o.name),
    }
}

fn expected(kind: EndpointKind, own: &str) -> String {
    match kind {
        EndpointKind::Create | EndpointKind::List => format!("a collection of {own}"),
        EndpointKind::Get | EndpointKind::Update | EndpointKind::Delete => format!("one {own}"),
        _ => "an operation".to_owned(),
    }
}

/// Checks a model; returns the tokens that make cargo track the metadata files used.
pub(crate) fn check(model: &Model, cx: &mut Ctxt) -> TokenStream {
    let mut c = Checker {
        cx,
        tracked: Vec::new(),
    };
    match model {
        Model::Struct(m) => {
            let name = &m.name.qualified;
            let version = &m.name.version;
            if let Some(md) = c.metadata(version, m.name.span)
                && let Ok(md) = md.as_ref()
                && let Some(def) = c.type_in(md, name, m.name.span, version)
            {
                let want = if m.kind == crate::parse::MacroKind::Entity {
                    Kind::Entity
                } else {
                    Kind::Complex
                };
                if def.kind != want {
                    let (what, attr) = match def.kind {
                        Kind::Entity => ("an entity type", "graph_entity"),
                        Kind::Complex => ("a complex type", "graph_complex"),
                        Kind::Enum => ("an enumeration", "graph_enum"),
                    };
                    c.cx.error_at(
                        m.name.span,
                        format!("`{name}` is {what} in Graph {version}: use `#[{attr}]`"),
                    );
                }
                if let Some(crate::parse::BaseRef::Name(b)) = &m.base
                    && !md.derives_from(name, &b.value())
                {
                    c.cx.error_spanned(
                        b,
                        format!(
                            "`{name}` does not derive from `{}` in Graph {version}",
                            b.value()
                        ),
                    );
                }
                let known = md.property_names(name);
                for f in m.fields.iter().filter(|f| f.role == Role::Property) {
                    if !known.contains(&f.wire.as_str()) {
                        c.cx.error_spanned(
                            &f.ident,
                            format!(
                                "`{name}` has no property `{}` in Graph {version}{}",
                                f.wire,
                                Metadata::suggest_among(&f.wire, &known)
                            ),
                        );
                    }
                }
            }
            for e in &m.endpoints {
                c.endpoint(e, name, version, None);
            }
        }
        Model::Poly(m) => {
            let version = &m.name.version;
            if let Some(md) = c.metadata(version, m.name.span)
                && let Ok(md) = md.as_ref()
                && let Some(def) = c.type_in(md, &m.name.qualified, m.name.span, version)
                && def.is_abstract != m.is_abstract
            {
                let fix = if def.is_abstract {
                    "is abstract in Graph {v}: add `abstract`"
                } else {
                    "is not abstract in Graph {v}: remove `abstract`"
                };
                c.cx.error_at(
                    m.name.span,
                    format!("`{}` {}", m.name.qualified, fix.replace("{v}", version)),
                );
            }
        }
        Model::Enum(m) => {
            let version = &m.name.version;
            if let Some(md) = c.metadata(version, m.name.span)
                && let Ok(md) = md.as_ref()
                && let Some(def) = c.type_in(md, &m.name.qualified, m.name.span, version)
            {
                let known: Vec<&str> = def.members.iter().map(String::as_str).collect();
                for member in &m.members {
                    if !known.contains(&member.wire.as_str()) {
                        c.cx.error_spanned(
                            &member.ident,
                            format!(
                                "`{}` has no member `{}` in Graph {version}{}",
                                m.name.qualified,
                                member.wire,
                                Metadata::suggest_among(&member.wire, &known)
                            ),
                        );
                    }
                }
            }
        }
        Model::Operation(m) => {
            let version = &m.strukt.name.version;
            for e in &m.endpoints {
                c.endpoint(
                    e,
                    &m.strukt.name.qualified,
                    version,
                    Some(&m.strukt.name.qualified),
                );
            }
        }
    }
    // One `include_bytes!` per file and compiler process is enough for cargo to rebuild the crate
    // when the file changes; one per declaration would make rustc read 3.5 MB hundreds of times.
    static TRACKED: OnceLock<Mutex<Vec<PathBuf>>> = OnceLock::new();
    let mut done = TRACKED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let files: Vec<String> = c
        .tracked
        .iter()
        .filter(|p| !done.contains(p))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    done.extend(c.tracked.iter().cloned());
    quote! {
        #(const _: &[u8] = include_bytes!(#files);)*
    }
}
