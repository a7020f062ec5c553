//! Checks against a `$metadata` document (CSDL). Graph v1.0 declarations are checked by default
//! against the index built into `graph-odata-metadata`; `GRAPH_ODATA_METADATA_V1_0` (or
//! `GRAPH_ODATA_METADATA_BETA` for `version = "beta"` declarations and lines written as absolute
//! beta URLs) names a newer file instead, and `metadata = "…"` a declaration's own file. Checked:
//! the type exists with the declared kind, base and abstractness; every property and enum member
//! exists; every endpoint path resolves to the declared type, and every action path to the action.
//!
//! `GRAPH_ODATA_CHECKS` switches: `on` (default), `off` (nothing is checked), `strict` (a
//! declaration that cannot be checked, such as a beta one with no beta file, is an error).
//!
//! A named file is parsed once into a compact index cached per user on disk (keyed by a hash of
//! its bytes, validated when read), loaded once per compiler process, and included once per
//! process with `include_bytes!` so cargo rebuilds when it changes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use graph_odata_metadata::{Kind, Metadata, Target};
use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::ctxt::Ctxt;
use crate::model::{Endpoint, EndpointKind, Model, Role};
use crate::parse::path::{Arg, HttpLine, Segment};

/// A schema, or why it cannot be used. Loaded once per compiler process and kept for its life.
type Loaded = Result<&'static Metadata, String>;

/// The variable that names the checks' mode.
const MODE_VAR: &str = "GRAPH_ODATA_CHECKS";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Off,
    On,
    Strict,
}

fn mode() -> Result<Mode, String> {
    let Ok(raw) = std::env::var(MODE_VAR) else {
        return Ok(Mode::On);
    };
    match raw.trim().to_ascii_lowercase().as_str() {
        "" | "on" | "1" | "true" => Ok(Mode::On),
        "off" | "0" | "false" => Ok(Mode::Off),
        "strict" => Ok(Mode::Strict),
        _ => Err(format!(
            "{MODE_VAR}=`{}` is not one of `on`, `off`, `strict`",
            raw.escape_debug()
        )),
    }
}

fn env_var(version: &str) -> &'static str {
    if version == "beta" {
        "GRAPH_ODATA_METADATA_BETA"
    } else {
        "GRAPH_ODATA_METADATA_V1_0"
    }
}

/// Which document a declaration is checked against.
enum Source {
    /// The declaration's own `metadata = "…"`.
    Explicit(String),
    /// The file named by the version's variable.
    Variable(&'static str, std::ffi::OsString),
    /// Graph v1.0, built in.
    BuiltIn,
}

fn source_for(version: &str, explicit: Option<&str>) -> Option<Source> {
    if let Some(file) = explicit {
        return Some(Source::Explicit(file.to_owned()));
    }
    let var = env_var(version);
    if let Some(raw) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Some(Source::Variable(var, raw));
    }
    (version == "v1.0").then_some(Source::BuiltIn)
}

/// What messages call a document: `Graph v1.0 (schema of 2026-08-04, built in)`, the file named
/// by a variable, or the declaration's own file.
fn label(source: &Source, version: &str) -> String {
    match source {
        Source::Explicit(file) => format!("`{file}`"),
        Source::Variable(var, raw) => {
            let path = PathBuf::from(raw);
            let name = path
                .file_name()
                .map_or_else(|| raw.to_string_lossy(), |n| n.to_string_lossy());
            format!("`{name}` (named by {var})")
        }
        Source::BuiltIn => match Metadata::graph_v1_0() {
            Ok(md) => match md.source() {
                Some(s) => format!("Graph {version} (schema of {}, built in)", s.date),
                None => format!("Graph {version} (built in)"),
            },
            Err(_) => format!("Graph {version} (built in)"),
        },
    }
}

/// The document of a source: (the file to track, if any; the schema or why it cannot be used).
fn load(source: &Source) -> (Option<PathBuf>, Loaded) {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Loaded>>> = OnceLock::new();
    let (label, raw) = match source {
        Source::BuiltIn => return (None, Metadata::graph_v1_0().map_err(|e| e.to_string())),
        Source::Explicit(file) => (
            format!("metadata = {file:?}"),
            std::ffi::OsString::from(file),
        ),
        Source::Variable(var, raw) => (format!("{var}={}", raw.to_string_lossy()), raw.clone()),
    };
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
            Metadata::load_cached(&path, &Metadata::user_cache_dir())
                // Kept for the compiler process's life, like the cache entry itself.
                .map(|md| &*Box::leak(Box::new(md)))
                .map_err(|e| format!("{label}: {e}"))
        })
        .clone();
    (Some(path), loaded)
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
            // `root:/{itemPath}:` stays on the drive item it starts from.
            Segment::ItemPath(_) => {}
        }
    }
    out
}

/// Why a field's Rust type cannot hold a navigation property, if it cannot: it must be an
/// `Option` (absent unless expanded), a `Vec` exactly for collections, and its element must model the
/// target type, a base or a derived type of it (judged by name when the name is a type of the
/// schema; another name cannot be judged here).
fn nav_misfit(
    md: &Metadata,
    ty: &syn::Type,
    target: &graph_odata_metadata::TypeRef,
) -> Option<String> {
    let s = shape(ty);
    if !s.optional {
        return Some(format!(
            "write `Option<{}>`: it is absent unless the request expands it",
            if target.collection { "Vec<…>" } else { "…" }
        ));
    }
    if s.collection != target.collection {
        return Some(if target.collection {
            "write `Option<Vec<…>>`".to_owned()
        } else {
            "write `Option<…>`, not a `Vec`".to_owned()
        });
    }
    let camel = {
        let mut c = s.element.chars();
        c.next().map_or_else(String::new, |f| {
            f.to_lowercase().chain(c).collect::<String>()
        })
    };
    let namespace = target.name.rsplit_once('.').map_or("", |(ns, _)| ns);
    let candidate = format!("{namespace}.{camel}");
    let related =
        md.derives_from(&candidate, &target.name) || md.derives_from(&target.name, &candidate);
    if md.type_def(&candidate).is_some() && !related {
        return Some(format!(
            "`{}` models `{candidate}`, which is neither `{}` nor a base or derived type of it",
            s.element, target.name
        ));
    }
    None
}

/// The Rust shape of a field: `Option`-ness, `Vec`-ness and the element type's last name.
struct Shape {
    optional: bool,
    collection: bool,
    element: String,
}

fn last_ident(ty: &syn::Type) -> Option<(String, Option<&syn::Type>)> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    let inner = match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    Some((seg.ident.to_string(), inner))
}

fn shape(ty: &syn::Type) -> Shape {
    let mut optional = false;
    let mut collection = false;
    let mut ty = ty;
    loop {
        match last_ident(ty) {
            Some((name, Some(inner))) if name == "Option" && !optional && !collection => {
                optional = true;
                ty = inner;
            }
            Some((name, Some(inner))) if name == "Vec" && !collection => {
                collection = true;
                ty = inner;
            }
            Some((name, Some(inner))) if name == "Box" => ty = inner,
            Some((name, _)) => {
                return Shape {
                    optional,
                    collection,
                    element: name,
                };
            }
            None => {
                return Shape {
                    optional,
                    collection,
                    element: String::new(),
                };
            }
        }
    }
}

/// Rust types that stand for a primitive Edm type; `Value` (untyped JSON) fits anything.
const PRIMITIVES: &[&str] = &[
    "String",
    "str",
    "bool",
    "i8",
    "i16",
    "i32",
    "i64",
    "u8",
    "u16",
    "u32",
    "u64",
    "f32",
    "f64",
    "Int64",
    "Decimal",
    "DateTimeOffset",
    "Date",
    "TimeOfDay",
    "Duration",
    "Guid",
    "Binary",
];

/// Which Rust element types fit an Edm primitive type (`None`: not a primitive).
fn fitting(edm: &str) -> Option<&'static [&'static str]> {
    Some(match edm {
        "Edm.String" => &["String"],
        "Edm.Boolean" => &["bool"],
        "Edm.Byte" => &["u8", "i16", "i32", "i64"],
        "Edm.SByte" => &["i8", "i16", "i32", "i64"],
        "Edm.Int16" => &["i16", "i32", "i64"],
        "Edm.Int32" => &["i32", "i64", "Int64"],
        "Edm.Int64" => &["i64", "Int64"],
        "Edm.Single" | "Edm.Double" => &["f32", "f64"],
        "Edm.Decimal" => &["Decimal", "f64"],
        "Edm.DateTimeOffset" => &["DateTimeOffset"],
        "Edm.Date" => &["Date"],
        "Edm.TimeOfDay" => &["TimeOfDay"],
        "Edm.Duration" => &["Duration"],
        "Edm.Guid" => &["Guid", "String"],
        "Edm.Binary" => &["Binary"],
        "Edm.Untyped" => &["Value"],
        _ if edm.starts_with("Edm.") => return None,
        _ => return None,
    })
}

/// Why a field's Rust type does not fit the property's type, if it does not. A name that is not a
/// known primitive (`Text`, `Maybe<Text>`) may be a type alias of a fitting one: it is judged only
/// where it cannot be right whatever it stands for.
fn misfit(
    ty: &syn::Type,
    prop: &graph_odata_metadata::TypeRef,
    is_enum: bool,
    flags: bool,
    with_default: bool,
) -> Option<String> {
    let s = shape(ty);
    if s.element == "Value" {
        return None;
    }
    let known = |name: &str| PRIMITIVES.contains(&name) || name == "Flags";
    if prop.collection && !s.collection {
        return Some(format!(
            "is a collection of {}: declare it `Vec<…>` (or `Option<Vec<…>>`)",
            prop.name
        ));
    }
    if !prop.collection && s.collection {
        return Some(format!("is a single {}, not a collection", prop.name));
    }
    // `#[graph(default)]` on an alias of `Option` (`Maybe<T>`) is the documented way to read null.
    let alias_of_option = with_default && !s.collection && !known(&s.element);
    if prop.nullable && !prop.collection && !s.optional && !alias_of_option {
        return Some(format!(
            "is nullable ({}): declare it `Option<…>`",
            prop.name
        ));
    }
    match fitting(&prop.name) {
        Some(_) if !known(&s.element) => None,
        Some(ok) if !ok.contains(&s.element.as_str()) => Some(format!(
            "is {}: use {}, not `{}`",
            prop.name,
            ok.iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(" or "),
            s.element
        )),
        Some(_) => None,
        None if flags && s.element != "Flags" => Some(format!(
            "is the flags enumeration {}: use `Flags<…>`",
            prop.name
        )),
        None if PRIMITIVES.contains(&s.element.as_str()) => Some(format!(
            "is the {} {}, not a primitive `{}`",
            if is_enum {
                "enumeration"
            } else {
                "structured type"
            },
            prop.name,
            s.element
        )),
        None => None,
    }
}

struct Checker<'a> {
    cx: &'a mut Ctxt,
    tracked: Vec<PathBuf>,
    /// The declaration's own `metadata = "…"` file, if any.
    explicit: Option<syn::LitStr>,
    mode: Mode,
    /// The declaration's OData name and where it was written (strict mode reports there, once).
    name: String,
    span: Span,
    reported_unchecked: bool,
    /// `unchecked = "beta"`.
    skip_beta: bool,
}

impl Checker<'_> {
    /// What messages call the document: `Graph v1.0 (schema of …, built in)`, the file named by
    /// the variable, or the file a declaration named.
    fn source(&self, version: &str) -> String {
        let file = self.explicit.as_ref().map(syn::LitStr::value);
        match source_for(version, file.as_deref()) {
            Some(source) => label(&source, version),
            None => format!("Graph {version}"),
        }
    }

    /// The document to check against, if there is one (and checks are on).
    fn metadata(&mut self, version: &str, span: Span) -> Option<&'static Metadata> {
        if self.mode == Mode::Off || (self.skip_beta && version == "beta") {
            return None;
        }
        let file = self.explicit.as_ref().map(syn::LitStr::value);
        let Some(source) = source_for(version, file.as_deref()) else {
            let hatch = if version == "beta" {
                "`unchecked = \"beta\"`"
            } else {
                "`unchecked`"
            };
            self.cannot_check(
                span,
                &format!(
                    "there is no {version} schema to check it against (Graph {version} is not built \
                     in): set {} to a {version} `$metadata` file, or mark the declaration {hatch}",
                    env_var(version)
                ),
            );
            return None;
        };
        let (path, loaded) = load(&source);
        match loaded {
            Err(e) => {
                // A bad `metadata = "…"` file is reported at the string; a bad variable at the type.
                let at = self.explicit.as_ref().map_or(span, syn::LitStr::span);
                self.cx.error_at(at, e);
                None
            }
            Ok(md) => {
                if let Some(path) = path
                    && !self.tracked.contains(&path)
                {
                    self.tracked.push(path);
                }
                Some(md)
            }
        }
    }

    /// Under `GRAPH_ODATA_CHECKS=strict`, a declaration that cannot be checked is an error (once).
    fn cannot_check(&mut self, span: Span, why: &str) {
        if self.mode == Mode::Strict && !self.reported_unchecked {
            self.reported_unchecked = true;
            self.cx.error_at(
                span,
                format!(
                    "`{}` cannot be checked, and {MODE_VAR}=strict: {why}",
                    self.name
                ),
            );
        }
    }

    /// A declaration of a namespace the document does not have: without a file of its own it is
    /// another service's (not Graph's business, but unchecked); with one, a mistake, not a skip.
    fn namespace_missing(
        &mut self,
        md: &Metadata,
        ns: &str,
        name: &str,
        span: Span,
        version: &str,
    ) {
        let Some(file) = &self.explicit else {
            self.foreign_namespace(ns, version);
            return;
        };
        let known: Vec<&str> = md.namespaces().iter().map(String::as_str).collect();
        self.cx.error_at(
            span,
            format!(
                "the namespace `{ns}` of `{name}` is not in `{}` (it declares {}){}",
                file.value(),
                known
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                Metadata::suggest_among(ns, &known)
            ),
        );
    }

    /// A declaration of a namespace the document does not have.
    fn foreign_namespace(&mut self, ns: &str, version: &str) {
        let src = self.source(version);
        self.cannot_check(
            self.span,
            &format!(
                "its namespace `{ns}` is not in {src}; name its service's `$metadata` with \
             `metadata = \"…\"`, or mark the declaration `unchecked`"
            ),
        );
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
            self.namespace_missing(md, ns, name, span, version);
            return None;
        }
        let def = md.type_def(name);
        if def.is_none() {
            self.cx.error_at(
                span,
                format!(
                    "`{name}` is not a type of {}{}",
                    self.source(version),
                    md.suggest_type(name)
                ),
            );
        }
        def
    }

    /// Checks one path; returns the operation it reaches (for parameter checks) when it fits.
    fn endpoint(
        &mut self,
        e: &Endpoint,
        own_type: &str,
        type_version: &str,
        op_name: Option<&str>,
    ) -> Option<(graph_odata_metadata::Operation, String)> {
        let version = e
            .line
            .version
            .clone()
            .unwrap_or_else(|| type_version.to_owned());
        let src = self.source(&version);
        let md = self.metadata(&version, e.span)?;
        // Declarations of other services (another namespace) are not this document's business.
        let ns = own_type.rsplit_once('.').map_or("", |(n, _)| n);
        if !md.has_namespace(ns) {
            self.namespace_missing(md, ns, own_type, e.span, &version);
            return None;
        }
        let resolved = match md.resolve_path(&segments(&e.line)) {
            Ok(r) => r,
            Err(why) => {
                self.cx.error_at(
                    e.span,
                    format!("`{}` does not resolve in {src}: {why}", e.text.trim()),
                );
                return None;
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
            self.cx
                .error_at(e.span, format!("`{}` {problem} in {src}", e.text.trim()));
            return None;
        }
        match resolved.target {
            Target::Operation(op) => Some((op, version)),
            _ => None,
        }
    }
}

/// The parameters and the return type of an action or function.
fn check_operation(
    c: &mut Checker<'_>,
    m: &crate::model::OperationModel,
    op: &graph_odata_metadata::Operation,
    version: &str,
) {
    let src = c.source(version);
    let name = &m.strukt.name.qualified;
    // `bound = "…"` says what the operation is bound to: the schema must agree.
    if let Some(bound) = &m.bound
        && let Some(binding) = &op.binding
        && let Some(md) = c.metadata(version, m.strukt.name.span)
    {
        let b = md.qualify(bound);
        if !(md.derives_from(&binding.name, &b) || md.derives_from(&b, &binding.name)) {
            c.cx.error_at(
                m.strukt.name.span,
                format!(
                    "`bound = \"{bound}\"`: `{name}` is bound to {}`{}` in {src}",
                    if binding.collection {
                        "a collection of "
                    } else {
                        ""
                    },
                    binding.name
                ),
            );
        }
    }
    let known: Vec<&str> = op.parameters.iter().map(|p| p.name.as_str()).collect();
    for f in m
        .strukt
        .fields
        .iter()
        .filter(|f| f.role == Role::Property && !f.unchecked)
    {
        match op.parameters.iter().find(|p| p.name == f.wire) {
            None => c.cx.error_spanned(
                &f.ident,
                format!(
                    "`{name}` has no parameter `{}` in {src}{}",
                    f.wire,
                    Metadata::suggest_among(&f.wire, &known)
                ),
            ),
            Some(p) => {
                let mut ty = p.ty.clone();
                ty.nullable = false;
                if let Some(why) = misfit(&f.ty, &ty, false, false, f.default) {
                    c.cx.error_spanned(
                        &f.ty,
                        format!("parameter `{}` of `{name}` in {src} {why}", f.wire),
                    );
                }
            }
        }
    }
    match (&m.returns, &op.returns) {
        (Some(r), None) => c.cx.error_spanned(
            r,
            format!("`{name}` returns nothing in {src} (204): remove `returns`"),
        ),
        (Some(r), Some(t)) => {
            let s = shape(r);
            let rust_collection = s.collection || s.element == "Page";
            if t.collection != rust_collection {
                let want = if t.collection {
                    format!("a collection of {}: use `Vec<…>` or `Page<…>`", t.name)
                } else {
                    format!("one {}, not a collection", t.name)
                };
                c.cx.error_spanned(r, format!("`{name}` in {src} returns {want}"));
            } else if let Some(ok) = fitting(&t.name)
                && !t.collection
                && !ok.contains(&s.element.as_str())
            {
                c.cx.error_spanned(
                    r,
                    format!("`{name}` in {src} returns {}, not `{}`", t.name, s.element),
                );
            }
        }
        _ => {}
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

/// Reports a marker argument (`abstract`, `flags`) that the declaration has and Graph does not, or
/// the other way round: "`ns.name` is (not) {what} in {src}: add/remove `{attr}`".
fn marker_mismatch(
    cx: &mut Ctxt,
    name: &crate::model::TypeName,
    what: &str,
    attr: &str,
    in_graph: bool,
    declared: bool,
) {
    if in_graph == declared {
        return;
    }
    let (is, fix) = if in_graph {
        ("is", "add")
    } else {
        ("is not", "remove")
    };
    cx.error_at(
        name.span,
        format!(
            "`{}` {is} {what} in Graph {}: {fix} `{attr}`",
            name.qualified, name.version
        ),
    );
}

/// Checks a model; returns the tokens that make cargo track the metadata files used.
pub(crate) fn check(model: &Model, cx: &mut Ctxt) -> TokenStream {
    let explicit = match model {
        Model::Struct(m) => m.name.metadata.clone(),
        Model::Poly(m) => m.name.metadata.clone(),
        Model::Enum(m) => m.name.metadata.clone(),
        Model::Operation(m) => m.strukt.name.metadata.clone(),
    };
    let name = match model {
        Model::Struct(m) => &m.name,
        Model::Poly(m) => &m.name,
        Model::Enum(m) => &m.name,
        Model::Operation(m) => &m.strukt.name,
    };
    let mode = match mode() {
        Ok(mode) => mode,
        Err(why) => {
            cx.error_at(name.span, why);
            return TokenStream::new();
        }
    };
    if let Some(unchecked) = name.unchecked {
        if let Some(file) = &explicit {
            cx.error_at(
                unchecked,
                format!(
                    "`unchecked` turns the checks off, yet `metadata = {:?}` names a file to check against: keep one",
                    file.value()
                ),
            );
        }
        return TokenStream::new();
    }
    let mut c = Checker {
        cx,
        tracked: Vec::new(),
        explicit,
        mode,
        name: name.qualified.clone(),
        span: name.span,
        reported_unchecked: false,
        skip_beta: name.unchecked_beta,
    };
    match model {
        Model::Struct(m) => {
            let name = &m.name.qualified;
            let version = &m.name.version;
            let src = c.source(version);
            if let Some(md) = c.metadata(version, m.name.span)
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
                        format!("`{name}` is {what} in {src}: use `#[{attr}]`"),
                    );
                }
                if let Some(crate::parse::BaseRef::Name(b)) = &m.base
                    && !md.derives_from(name, &b.value())
                {
                    c.cx.error_spanned(
                        b,
                        format!("`{name}` does not derive from `{}` in {src}", b.value()),
                    );
                }
                let mut known = md.property_names(name);
                let navs: Vec<String> = md
                    .lineage(name)
                    .iter()
                    .flat_map(|t| t.navigation.iter().map(|n| n.name.clone()))
                    .collect();
                known.extend(navs.iter().map(String::as_str));
                for f in m
                    .fields
                    .iter()
                    .filter(|f| f.role == Role::Property && !f.unchecked)
                {
                    match md.property(name, &f.wire) {
                        // A navigation property as a field: what `$expand` fills in.
                        None if md.navigation(name, &f.wire).is_some() => {
                            if let Some(nav) = md.navigation(name, &f.wire)
                                && let Some(why) = nav_misfit(md, &f.ty, &nav.item.ty)
                            {
                                c.cx.error_spanned(
                                    &f.ty,
                                    format!(
                                        "`{}` of `{name}` is a navigation property to {} in {src}: {why}",
                                        f.wire,
                                        if nav.item.ty.collection {
                                            format!("a collection of `{}`", nav.item.ty.name)
                                        } else {
                                            format!("one `{}`", nav.item.ty.name)
                                        }
                                    ),
                                );
                            }
                        }
                        None => c.cx.error_spanned(
                            &f.ident,
                            format!(
                                "`{name}` has no property `{}` in {src}{}",
                                f.wire,
                                Metadata::suggest_among(&f.wire, &known)
                            ),
                        ),
                        Some(p) => {
                            let target = md.type_def(&p.ty.name);
                            let is_enum = target.is_some_and(|t| t.kind == Kind::Enum);
                            let flags = target.is_some_and(|t| t.flags);
                            // Key properties are server-set in most create bodies: `Option` is allowed.
                            let mut ty = p.ty.clone();
                            if m.key.as_deref() == Some(f.wire.as_str()) {
                                ty.nullable = false;
                            }
                            if let Some(why) = misfit(&f.ty, &ty, is_enum, flags, f.default) {
                                c.cx.error_spanned(
                                    &f.ty,
                                    format!("`{}` of `{name}` in {src} {why}", f.wire),
                                );
                            }
                        }
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
                && let Some(def) = c.type_in(md, &m.name.qualified, m.name.span, version)
            {
                marker_mismatch(
                    c.cx,
                    &m.name,
                    "abstract",
                    "abstract",
                    def.is_abstract,
                    m.is_abstract,
                );
            }
        }
        Model::Enum(m) => {
            let version = &m.name.version;
            let src = c.source(version);
            if let Some(md) = c.metadata(version, m.name.span)
                && let Some(def) = c.type_in(md, &m.name.qualified, m.name.span, version)
            {
                marker_mismatch(
                    c.cx,
                    &m.name,
                    "a flags enumeration",
                    "flags",
                    def.flags,
                    m.flags,
                );
                let known: Vec<&str> = def.members.iter().map(String::as_str).collect();
                for member in &m.members {
                    if !known.contains(&member.wire.as_str()) {
                        c.cx.error_spanned(
                            &member.ident,
                            format!(
                                "`{}` has no member `{}` in {src}{}",
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
            let name = &m.strukt.name.qualified;
            // Every path is checked; parameters and return type against the first that resolves.
            let mut op = None;
            for e in &m.endpoints {
                let resolved = c.endpoint(e, name, version, Some(name));
                if op.is_none() {
                    op = resolved;
                }
            }
            if let Some((op, version)) = op {
                check_operation(&mut c, m, &op, &version);
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
