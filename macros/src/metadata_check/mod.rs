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
//! its bytes, validated when read) and loaded once per compiler process; the check returns the
//! files it read, and `expand` includes each once per process with `include_bytes!` so cargo
//! rebuilds when it changes.
//!
//! `schema` picks and loads the document, `types` judges paths and Rust types, this module walks a
//! declaration and reports.

mod schema;
mod types;

use std::path::PathBuf;

use graph_odata_metadata::{Kind, Metadata, Target};
use proc_macro2::Span;

use crate::ctxt::Ctxt;
use crate::model::{Endpoint, EndpointKind, Model, Role};
use schema::{MODE_VAR, Mode, env_var, label, load, mode, source_for};
use types::{fitting, misfit, nav_misfit, segments, shape};

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
                    suggest_wire(&f.wire, &known, m.strukt.rename_all.is_some())
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

/// Checks a model; returns the metadata files it was checked against (for cargo to track).
pub(crate) fn check(model: &Model, cx: &mut Ctxt) -> Vec<PathBuf> {
    let name = model.name();
    let explicit = name.metadata.clone();
    let mode = match mode() {
        Ok(mode) => mode,
        Err(why) => {
            cx.error_at(name.span, why);
            return Vec::new();
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
        return Vec::new();
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
                                suggest_wire(&f.wire, &known, m.rename_all.is_some())
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
                                suggest_wire(&member.wire, &known, m.rename_all)
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
    c.tracked
}

/// `, did you mean `x`?`, and when the schema spells the name in another case (`Comment`,
/// `USER_NAME`) how to say so: `rename` for one, `rename_all` (unless given) for all.
fn suggest_wire(wire: &str, known: &[&str], rename_all_given: bool) -> String {
    let plain = Metadata::suggest_among(wire, known);
    let folded = |s: &str| s.replace('_', "").to_lowercase();
    let Some(same) = known
        .iter()
        .find(|k| folded(k) == folded(wire) && **k != wire)
    else {
        return plain;
    };
    let style = if same.contains('_') {
        if same.chars().any(char::is_lowercase) {
            "snake_case"
        } else {
            "SCREAMING_SNAKE_CASE"
        }
    } else if !same.chars().any(char::is_lowercase) {
        "UPPERCASE"
    } else if !same.chars().any(char::is_uppercase) {
        "lowercase"
    } else {
        "PascalCase"
    };
    let all = if rename_all_given {
        String::new()
    } else {
        format!(
            ", or `rename_all = \"{style}\"` on the declaration when the schema names everything so"
        )
    };
    format!(", did you mean `{same}`? Write `#[graph(rename = \"{same}\")]`{all}")
}
