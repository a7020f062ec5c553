//! Endpoint lines: parsed at the string literal, their method and placeholders checked.

use syn::Ident;

use super::{Endpoint, EndpointKind};
use crate::ctxt::Ctxt;
use crate::parse::ENDPOINT_VERBS;
use crate::parse::names::snake_from_camel;
use graph_odata_metadata::line::{self as http_path, HttpLine, Segment};

/// Parses an HTTP line, reporting problems at the string literal.
pub(super) fn parse_line(lit: &syn::LitStr, what: &str, cx: &mut Ctxt) -> Option<HttpLine> {
    match http_path::parse(&lit.value()) {
        Ok(line) => Some(line),
        Err(e) => {
            cx.error_spanned(lit, format!("{what}: {e}"));
            None
        }
    }
}

/// Checks that the method fits what the endpoint does.
pub(super) fn check_method(
    kind: EndpointKind,
    line: &HttpLine,
    lit: &syn::LitStr,
    what: &str,
    cx: &mut Ctxt,
) -> bool {
    let allowed = kind.allowed();
    if allowed.contains(&line.method) {
        return true;
    }
    let names: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
    cx.error_spanned(
        lit,
        format!(
            "{what} {}, so its method must be {}, not {}",
            kind.verb(),
            names.join(" or "),
            line.method.as_str()
        ),
    );
    false
}

/// Placeholder names that would collide with the generated parameters.
pub(super) const RESERVED_PARAMS: &[&str] = &["body", "patch", "self"];

pub(super) fn check_params(line: &HttpLine, lit: &syn::LitStr, what: &str, cx: &mut Ctxt) -> bool {
    for p in line.params() {
        if RESERVED_PARAMS.contains(&p.rust.as_str()) || syn::parse_str::<Ident>(&p.rust).is_err() {
            cx.error_spanned(
                lit,
                format!("{what}: the placeholder `{{{}}}` would become the parameter `{}`, which is reserved; rename the placeholder", p.wire, p.rust),
            );
            return false;
        }
    }
    true
}

pub(super) fn entity_endpoints(list: &[(Ident, syn::LitStr)], cx: &mut Ctxt) -> Vec<Endpoint> {
    let mut out = Vec::new();
    for (name, lit) in list {
        let text = name.to_string();
        let verb = ENDPOINT_VERBS
            .iter()
            .find(|v| text == **v || text.starts_with(&format!("{v}_")))
            .copied()
            .unwrap_or("get");
        let kind = match verb {
            "create" => EndpointKind::Create,
            "list" => EndpointKind::List,
            "update" => EndpointKind::Update,
            "delete" => EndpointKind::Delete,
            _ => EndpointKind::Get,
        };
        let what = format!("graph_entity endpoint `{name}`");
        let Some(line) = parse_line(lit, &what, cx) else {
            continue;
        };
        if check_method(kind, &line, lit, &what, cx) && check_params(&line, lit, &what, cx) {
            out.push(Endpoint {
                name: name.clone(),
                kind,
                line,
                text: lit.value(),
                span: lit.span(),
            });
        }
    }
    out
}

/// The method name a path generates: its fixed segments before the operation, snake_cased.
/// `/drives/{driveId}/items/{itemId}/createLink` → `drives_items`.
pub(super) fn derived_method_name(line: &HttpLine) -> String {
    let mut parts: Vec<String> = Vec::new();
    let upto = line.segments.len().saturating_sub(1);
    for s in &line.segments[..upto] {
        let name = match s {
            Segment::Literal(l) => l.as_str(),
            Segment::ParenKey { name, .. } | Segment::Call { name, .. } => name.as_str(),
            Segment::Key(_) | Segment::ItemPath(_) => continue,
        };
        let name = name
            .rsplit('.')
            .next()
            .unwrap_or(name)
            .trim_start_matches('$');
        parts.push(snake_from_camel(name));
    }
    if parts.is_empty() {
        "invoke".to_owned()
    } else {
        parts.join("_")
    }
}
