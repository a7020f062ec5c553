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
//! `schema` picks and loads the document, `types` judges paths and Rust types, `declarations` walks
//! each kind of declaration; this module holds the checker they share (which document, what a
//! missing type or an endpoint that does not resolve reports).

mod declarations;
mod schema;
mod types;

use std::path::PathBuf;

use graph_odata_metadata::{Metadata, Target};
use proc_macro2::Span;

use crate::ctxt::Ctxt;
use crate::model::{Endpoint, EndpointKind, Model};
use declarations::{check_enum, check_operation, check_poly, check_struct};
use graph_odata_metadata::line::segments;
#[cfg(test)]
pub(crate) use schema::with_checks_off;
use schema::{MODE_VAR, Mode, env_var, label, load, mode, source_for};

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
        Model::Struct(m) => check_struct(&mut c, m),
        Model::Poly(m) => check_poly(&mut c, m),
        Model::Enum(m) => check_enum(&mut c, m),
        Model::Operation(m) => check_operation(&mut c, m),
    }
    c.tracked
}
