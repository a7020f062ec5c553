//! `check`: the declarations of a Rust file against a schema, without compiling it.
//!
//! Reads the file with `syn`, finds the graph-odata attributes on structs and enums, and checks
//! what a schema can check without the rest of the program: the qualified name of each entity,
//! complex and enum type exists, and every endpoint line (`"GET /me/todo/lists/{id}"`, in any
//! argument) resolves. Declarations that name their own metadata file, target beta, or are marked
//! `unchecked` are reported as skipped, and so are lines written as beta URLs (`unchecked =
//! "beta"` keeps the rest of its declaration checked).

use std::fmt;

use graph_odata_metadata::Metadata;
use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};

const METHODS: [&str; 5] = ["GET", "POST", "PATCH", "PUT", "DELETE"];
const MACROS: [&str; 5] = [
    "graph_entity",
    "graph_complex",
    "graph_enum",
    "graph_action",
    "graph_function",
];

/// One problem, printed as `file:line:column: message`.
#[derive(Debug)]
pub struct Problem {
    file: String,
    line: usize,
    column: usize,
    message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// What a check found, over every file.
#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    declarations: usize,
    endpoints: usize,
    skipped: Vec<String>,
}

impl Report {
    pub fn summary(&self) -> String {
        let mut text = format!(
            "checked {} declarations and {} endpoint lines: {}",
            self.declarations,
            self.endpoints,
            match self.problems.len() {
                0 => "no problems".to_owned(),
                1 => "1 problem".to_owned(),
                n => format!("{n} problems"),
            }
        );
        for s in &self.skipped {
            text.push_str(&format!("\nskipped {s}"));
        }
        text
    }

    fn problem(&mut self, file: &str, span: Span, message: String) {
        let start = span.start();
        self.problems.push(Problem {
            file: file.to_owned(),
            line: start.line,
            column: start.column + 1,
            message,
        });
    }
}

/// Checks every declaration in `text` (the contents of `file`).
pub fn check_file(md: &Metadata, file: &str, text: &str, report: &mut Report) {
    let parsed = match syn::parse_file(text) {
        Ok(f) => f,
        Err(e) => {
            report.problem(file, e.span(), format!("not valid Rust: {e}"));
            return;
        }
    };
    visit_items(md, file, &parsed.items, report);
}

fn visit_items(md: &Metadata, file: &str, items: &[syn::Item], report: &mut Report) {
    for item in items {
        let (attrs, ident) = match item {
            syn::Item::Struct(s) => (&s.attrs, &s.ident),
            syn::Item::Enum(e) => (&e.attrs, &e.ident),
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    visit_items(md, file, inner, report);
                }
                continue;
            }
            _ => continue,
        };
        for attr in attrs {
            let Some(name) = attr.path().segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            if !MACROS.contains(&name.as_str()) {
                continue;
            }
            let tokens = match &attr.meta {
                syn::Meta::List(list) => list.tokens.clone(),
                _ => TokenStream::new(),
            };
            check_declaration(
                md,
                file,
                &name,
                &ident.to_string(),
                ident.span(),
                tokens,
                report,
            );
        }
    }
}

/// A string literal of the attribute, with where it is.
struct Lit {
    value: String,
    span: Span,
}

/// The parts of an attribute's arguments the check needs.
#[derive(Default)]
struct Parsed {
    /// The first argument when it is a string: the qualified name.
    first: Option<Lit>,
    namespace: Option<String>,
    /// Why the declaration cannot be checked against this schema.
    skip: Option<&'static str>,
    endpoints: Vec<Lit>,
}

fn check_declaration(
    md: &Metadata,
    file: &str,
    macro_name: &str,
    rust_name: &str,
    name_span: Span,
    tokens: TokenStream,
    report: &mut Report,
) {
    let parsed = parse_args(tokens);
    if let Some(why) = parsed.skip {
        report
            .skipped
            .push(format!("`{rust_name}` ({file}): {why}"));
        return;
    }
    report.declarations += 1;
    if matches!(macro_name, "graph_entity" | "graph_complex" | "graph_enum") {
        let (qualified, span) = match &parsed.first {
            Some(lit) => (lit.value.clone(), lit.span),
            None => {
                let ns = parsed.namespace.as_deref().unwrap_or("microsoft.graph");
                (format!("{ns}.{}", lower_camel(rust_name)), name_span)
            }
        };
        if md.type_def(&qualified).is_none() {
            report.problem(
                file,
                span,
                format!(
                    "`{rust_name}`: the type `{qualified}` is not in the schema{}",
                    md.suggest_type(&qualified)
                ),
            );
        }
    }
    for line in &parsed.endpoints {
        // A line written as a beta URL is for the beta schema, not this one.
        if line.value.contains("/beta/") && line.value.contains("://") {
            report.skipped.push(format!(
                "`{}` of `{rust_name}` ({file}): a beta URL",
                line.value
            ));
            continue;
        }
        report.endpoints += 1;
        match path_segments(&line.value) {
            Err(message) => report.problem(file, line.span, format!("`{}`: {message}", line.value)),
            Ok(segments) => {
                if let Err(e) = md.resolve_path(&segments) {
                    report.problem(file, line.span, format!("`{}`: {e}", line.value));
                }
            }
        }
    }
}

fn parse_args(tokens: TokenStream) -> Parsed {
    let mut parsed = Parsed::default();
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    if let Some(TokenTree::Literal(l)) = trees.first()
        && let Some(value) = string_value(l)
        && !value.contains(' ')
    {
        parsed.first = Some(Lit {
            value,
            span: l.span(),
        });
    }
    let mut i = 0;
    while i < trees.len() {
        if let TokenTree::Ident(key) = &trees[i] {
            let key = key.to_string();
            let value = match (trees.get(i + 1), trees.get(i + 2)) {
                (Some(TokenTree::Punct(p)), Some(TokenTree::Literal(l))) if p.as_char() == '=' => {
                    string_value(l)
                }
                _ => None,
            };
            match (key.as_str(), value.as_deref()) {
                ("namespace", Some(ns)) => parsed.namespace = Some(ns.to_owned()),
                ("metadata", Some(_)) => parsed.skip = Some("names its own metadata file"),
                ("version", Some("beta")) => parsed.skip = Some("targets beta"),
                // `unchecked = "beta"` leaves out only the beta parts, which are skipped anyway.
                ("unchecked", Some("beta")) => {}
                ("unchecked", _) => parsed.skip = Some("marked `unchecked`"),
                _ => {}
            }
        }
        i += 1;
    }
    collect_endpoints(trees, &mut parsed.endpoints);
    parsed
}

/// Every string literal, at any depth, that reads like an HTTP line: `GET /…`.
fn collect_endpoints(trees: Vec<TokenTree>, out: &mut Vec<Lit>) {
    for tree in trees {
        match tree {
            TokenTree::Group(g) if g.delimiter() != Delimiter::None || !g.stream().is_empty() => {
                collect_endpoints(g.stream().into_iter().collect(), out);
            }
            TokenTree::Literal(l) => {
                if let Some(value) = string_value(&l)
                    && let Some((method, rest)) = value.split_once(' ')
                    && METHODS.contains(&method)
                    && (rest.starts_with('/') || rest.starts_with("http"))
                {
                    out.push(Lit {
                        value,
                        span: l.span(),
                    });
                }
            }
            _ => {}
        }
    }
}

/// The text of a string literal token (plain or raw), `None` for any other literal.
fn string_value(l: &proc_macro2::Literal) -> Option<String> {
    let lit: syn::LitStr = syn::parse_str(&l.to_string()).ok()?;
    Some(lit.value())
}

/// `DomainIdentitySource` → `domainIdentitySource`.
use graph_odata_metadata::names::pascal_to_lower_camel as lower_camel;

/// The segments of an HTTP line's path as the schema walks them: `GET /users/{id}/todo/lists`
/// → `users`, `{id}`, `todo`, `lists`; keys in parentheses become a key segment, calls
/// (`reminderView(startDateTime='…')`) an operation segment.
pub fn path_segments(line: &str) -> Result<Vec<String>, String> {
    let (_, rest) = line.split_once(' ').ok_or("not an HTTP line")?;
    let mut path = rest.trim();
    path = path.split('?').next().unwrap_or(path);
    if let Some(after) = path
        .strip_prefix("https://")
        .or_else(|| path.strip_prefix("http://"))
    {
        // An absolute URL: drop the host and the version segment.
        let mut parts = after.splitn(3, '/');
        let _host = parts.next();
        let _version = parts.next();
        path = parts.next().unwrap_or("");
    }
    // Path-based addressing (`root:/{itemPath}:/content`) stays on the drive item it starts from.
    let owned;
    if let Some((before, tail)) = path.split_once(":/") {
        let after = tail.split_once(':').map_or("", |(_, a)| a);
        owned = format!("{before}{after}");
        path = &owned;
    }
    let mut out = Vec::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        match seg.split_once('(') {
            None => out.push(seg.to_owned()),
            Some((name, args)) => {
                let Some(inner) = args.strip_suffix(')') else {
                    return Err(format!("the segment `{seg}` has an unbalanced `(`"));
                };
                if name.is_empty() {
                    return Err(format!("the segment `{seg}` has no name before `(`"));
                }
                if inner.is_empty() || inner.contains('=') {
                    out.push(format!("{name}()"));
                } else {
                    out.push(name.to_owned());
                    out.push(inner.trim_matches('\'').to_owned());
                }
            }
        }
    }
    if out.is_empty() {
        return Err("the path is empty".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_of_http_lines() {
        let s = |l: &str| path_segments(l).unwrap().join(" ");
        assert_eq!(s("GET /users/{id}/todo/lists"), "users {id} todo lists");
        assert_eq!(s("GET /users('{id}')/drive"), "users {id} drive");
        assert_eq!(
            s("GET /me/reminderView(startDateTime='{s}')"),
            "me reminderView()"
        );
        assert_eq!(s("GET /users/delta()?$top=1"), "users delta()");
        assert_eq!(
            s("GET https://graph.microsoft.com/v1.0/me/drive"),
            "me drive"
        );
        assert_eq!(
            s("PUT /me/drive/root:/{itemPath}:/content"),
            "me drive root content"
        );
        assert_eq!(
            s("GET /me/drive/items/{id}:/{name}:"),
            "me drive items {id}"
        );
        assert!(path_segments("GET /users(x").is_err());
        assert!(path_segments("GET /").is_err());
        assert!(path_segments("/users").is_err());
    }
}
