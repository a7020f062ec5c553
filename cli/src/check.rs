//! `check`: the declarations of a Rust file against a schema, without compiling it.
//!
//! Reads the file with `syn`, finds the graph-odata attributes on structs and enums, and checks
//! what a schema can check without the rest of the program: the qualified name of each entity,
//! complex and enum type exists, and every endpoint line (`"GET /me/todo/lists/{id}"`, in any
//! argument) is well-formed by the macros' grammar ([`graph_odata_metadata::line`]) and resolves. Declarations that name their own metadata file, target beta, or are marked
//! `unchecked` are reported as skipped, and so are lines written as beta URLs (`unchecked =
//! "beta"` keeps the rest of its declaration checked).

use std::fmt;

use graph_odata_metadata::names::default_type_name;
use graph_odata_metadata::{Metadata, line};
use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};

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
    for_each_declaration(items, &mut |name, ident, tokens| {
        check_declaration(
            md,
            file,
            name,
            &ident.to_string(),
            ident.span(),
            tokens,
            report,
        );
    });
}

/// Calls `f` with the macro name, the item's name and the attribute's arguments of every
/// graph-odata attribute on a struct or enum, in inline modules too.
pub(crate) fn for_each_declaration(
    items: &[syn::Item],
    f: &mut dyn FnMut(&str, &syn::Ident, TokenStream),
) {
    for item in items {
        let (attrs, ident) = match item {
            syn::Item::Struct(s) => (&s.attrs, &s.ident),
            syn::Item::Enum(e) => (&e.attrs, &e.ident),
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    for_each_declaration(inner, f);
                }
                continue;
            }
            _ => continue,
        };
        for attr in attrs {
            let Some(name) = attr.path().segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            if !graph_odata_metadata::names::MACROS.contains(&name.as_str()) {
                continue;
            }
            let tokens = match &attr.meta {
                syn::Meta::List(list) => list.tokens.clone(),
                _ => TokenStream::new(),
            };
            f(&name, ident, tokens);
        }
    }
}

/// A string literal of the attribute, with where it is.
pub(crate) struct Lit {
    pub(crate) value: String,
    pub(crate) span: Span,
}

/// The parts of an attribute's arguments the check needs.
#[derive(Default)]
pub(crate) struct Parsed {
    /// The first argument when it is a string: the qualified name.
    first: Option<Lit>,
    namespace: Option<String>,
    /// Why the declaration cannot be checked against this schema.
    skip: Option<&'static str>,
    /// `metadata = "…"`: another service's schema.
    pub(crate) own_metadata: bool,
    pub(crate) endpoints: Vec<Lit>,
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
            None => (
                default_type_name(parsed.namespace.as_deref(), rust_name),
                name_span,
            ),
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
    for lit in &parsed.endpoints {
        // The macros' grammar: a line they would refuse is a problem here too.
        let parsed_line = match line::parse(&lit.value) {
            Ok(l) => l,
            Err(e) => {
                report.endpoints += 1;
                report.problem(file, lit.span, format!("`{}`: {e}", lit.value));
                continue;
            }
        };
        // A line written as a beta URL is for the beta schema, not this one.
        if parsed_line.version.as_deref() == Some("beta") {
            report.skipped.push(format!(
                "`{}` of `{rust_name}` ({file}): a beta URL",
                lit.value
            ));
            continue;
        }
        report.endpoints += 1;
        if let Err(e) = md.resolve_path(&line::segments(&parsed_line)) {
            report.problem(file, lit.span, format!("`{}`: {e}", lit.value));
        }
    }
}

pub(crate) fn parse_args(tokens: TokenStream) -> Parsed {
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
                ("metadata", Some(_)) => {
                    parsed.own_metadata = true;
                    parsed.skip = Some("names its own metadata file");
                }
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
                    && line::METHODS.contains(&method)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(declarations: &str) -> Vec<String> {
        let md = Metadata::graph_v1_0().unwrap();
        let mut report = Report::default();
        check_file(md, "models.rs", declarations, &mut report);
        report.problems.iter().map(|p| p.message.clone()).collect()
    }

    #[test]
    fn endpoint_lines_follow_the_macros_grammar() {
        let ok = r#"
            #[graph_entity(list = "GET /users('{id}')/todo/lists", get = "GET /me/drive/root:/{itemPath}:")]
            pub struct TodoTaskList { pub id: Option<String> }
        "#;
        assert_eq!(problems(ok), Vec::<String>::new());
        for (line, says) in [
            ("GET /users/delta()?$top=1", "contains `?`"),
            ("GET /me//drive", "empty segment"),
            ("GET /me/drive/", "empty segment"),
            ("GET /users/{id}/drive-items", "may only contain"),
            ("GET https://graph.microsoft.com/beta", "names no resource"),
            ("GET /drives/{id}/items/{id}", "appears twice"),
        ] {
            let text = format!("#[graph_entity(list = \"{line}\")] pub struct User {{}}");
            let found = problems(&text);
            assert!(
                found.len() == 1 && found[0].contains(says),
                "{line}: {found:?}"
            );
        }
    }
}
