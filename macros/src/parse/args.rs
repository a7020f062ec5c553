//! The macro's own arguments (`#[graph_entity(…)]`, `#[graph_action(…)]`, …) read into
//! [`TypeArgs`]: one function per form a key takes (a flag, a string, a checked string, a type, a
//! list of HTTP lines, an endpoint line), and a dispatcher that names the function of each key.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

use super::names::{self, unknown_key_message};
use super::{ENDPOINT_VERBS, MacroKind};
use crate::ctxt::Ctxt;

/// A value given to `base = …`: an OData name or a Rust type that implements `ODataType`.
#[derive(Clone)]
pub(crate) enum BaseRef {
    Name(LitStr),
    Type(syn::Path),
}

/// The arguments of `#[graph_entity(…)]`, `#[graph_complex(…)]` or `#[graph_enum(…)]`.
#[derive(Default)]
pub(crate) struct TypeArgs {
    pub(crate) name: Option<LitStr>,
    pub(crate) namespace: Option<LitStr>,
    pub(crate) base: Option<BaseRef>,
    pub(crate) is_abstract: Option<Span>,
    pub(crate) write_type: Option<Span>,
    pub(crate) flags: Option<Span>,
    /// `create = "POST …"`, `get_for_user = "GET …"`: entity endpoints, in order.
    pub(crate) endpoints: Vec<(Ident, LitStr)>,
    /// `returns = Type` of an action or function.
    pub(crate) returns: Option<syn::Type>,
    /// `paths = ["POST …", name = "POST …"]` of an action or function.
    pub(crate) paths: Vec<(Option<Ident>, LitStr)>,
    pub(crate) paths_given: Option<Span>,
    /// `bound = "microsoft.graph.driveItem"`: the binding type, checked against the binding the
    /// schema gives the operation.
    pub(crate) bound: Option<LitStr>,
    /// `aliases`: function parameters as `f(p=@p)?@p=value`.
    pub(crate) aliases: Option<Span>,
    /// `version = "beta"`: which metadata the declaration is checked against (default `v1.0`).
    pub(crate) version: Option<LitStr>,
    /// `metadata = "graph/v1.0.csdl.xml"`: the CSDL file to check against (relative to the crate).
    pub(crate) metadata: Option<LitStr>,
    /// `unchecked`: no metadata checks for this declaration; `unchecked = "beta"`: none for its
    /// beta parts (a beta type, lines written as beta URLs).
    pub(crate) unchecked: Option<(Span, Option<LitStr>)>,
    /// `patch_type = "TaskChanges"`: the name of the PATCH companion (default `{Name}Patch`).
    pub(crate) patch_type: Option<LitStr>,
    /// `field_enum = "TaskProperty"`: the name of the field enum (default `{Name}Field`).
    pub(crate) field_enum: Option<LitStr>,
    /// `rename_all = "PascalCase"`: how fields and members are named on the wire.
    pub(crate) rename_all: Option<(LitStr, names::Case)>,
}

/// The start of the error for a key of the attribute table that [`known_key`] has no arm for: a
/// bug of the macro, which the test `every_key_has_a_parser` looks for.
pub(crate) const NO_PARSER: &str = "has no parser";

/// Parses the macro's own arguments, recording every problem in `cx`.
pub(crate) fn type_args(kind: MacroKind, tokens: TokenStream, cx: &mut Ctxt) -> TypeArgs {
    let mut args = TypeArgs::default();
    let parser = |input: ParseStream| -> syn::Result<()> {
        let mut first = true;
        while !input.is_empty() {
            if input.peek(LitStr) {
                let lit: LitStr = input.parse()?;
                if !first {
                    cx.error_spanned(
                        &lit,
                        format!("the OData type name must come first in {}(…)", kind.name()),
                    );
                } else {
                    args.name = Some(lit);
                }
            } else {
                let key = input.call(Ident::parse_any)?;
                one_key(kind, key, input, &mut args, cx)?;
            }
            first = false;
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(())
    };
    if let Err(e) = parser.parse2(tokens) {
        cx.syn_error(e);
    }
    args
}

/// One `key` or `key = value`: an endpoint, a misplaced or unknown key, or a key of the table.
fn one_key(
    kind: MacroKind,
    key: Ident,
    input: ParseStream,
    args: &mut TypeArgs,
    cx: &mut Ctxt,
) -> syn::Result<()> {
    let text = key.to_string();
    if kind.is_endpoint_key(&text) {
        endpoint(key, input, args, cx)
    } else if text == "aliases" && kind == MacroKind::Action {
        cx.error_spanned(&key, "`aliases` applies to functions, whose parameters go in the URL; an action sends them in the body");
        Ok(())
    } else if !kind.keys().contains(&text.as_str()) {
        let mut known: Vec<&str> = kind.keys();
        if kind == MacroKind::Entity {
            known.extend(ENDPOINT_VERBS);
        }
        cx.error_spanned(&key, unknown_key_message(kind.name(), &text, &known));
        // Skip a value so the rest can still be checked.
        skip_value(input)
    } else {
        known_key(kind, key, input, args, cx)
    }
}

/// A key this macro accepts, per the attribute table: each arm names the function of its form.
fn known_key(
    kind: MacroKind,
    key: Ident,
    input: ParseStream,
    args: &mut TypeArgs,
    cx: &mut Ctxt,
) -> syn::Result<()> {
    match key.to_string().as_str() {
        "namespace" => set_once(cx, &mut args.namespace, string(input)?, &key, kind),
        "metadata" => set_once(cx, &mut args.metadata, string(input)?, &key, kind),
        "bound" => set_once(cx, &mut args.bound, string(input)?, &key, kind),
        "base" => set_once(cx, &mut args.base, base(input)?, &key, kind),
        "abstract" => set_once(cx, &mut args.is_abstract, key.span(), &key, kind),
        "write_type" => set_once(cx, &mut args.write_type, key.span(), &key, kind),
        "flags" => set_once(cx, &mut args.flags, key.span(), &key, kind),
        "aliases" => set_once(cx, &mut args.aliases, key.span(), &key, kind),
        "unchecked" => {
            let only = unchecked(input, kind, cx)?;
            set_once(cx, &mut args.unchecked, (key.span(), only), &key, kind);
        }
        "patch_type" => {
            let v = rust_type_name(&key, input, cx)?;
            set_once(cx, &mut args.patch_type, v, &key, kind);
        }
        "field_enum" => {
            let v = rust_type_name(&key, input, cx)?;
            set_once(cx, &mut args.field_enum, v, &key, kind);
        }
        "rename_all" => {
            if let Some(v) = case(input, kind, cx)? {
                set_once(cx, &mut args.rename_all, v, &key, kind);
            }
        }
        "version" => {
            let v = version(input, kind, cx)?;
            set_once(cx, &mut args.version, v, &key, kind);
        }
        "returns" => {
            input.parse::<Token![=]>()?;
            let v: syn::Type = input.parse()?;
            set_once(cx, &mut args.returns, v, &key, kind);
        }
        "paths" => paths(kind, &key, input, args, cx)?,
        _ => {
            cx.error_spanned(
                &key,
                format!(
                    "{}: `{key}` is in the attribute table but {NO_PARSER} (a bug of graph-odata-macros)",
                    kind.name()
                ),
            );
            skip_value(input)?;
        }
    }
    Ok(())
}

/// Skips `= value`, if there is one, so the arguments after it are still read.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        input.parse::<syn::Expr>()?;
    }
    Ok(())
}

/// `= "…"`.
fn string(input: ParseStream) -> syn::Result<LitStr> {
    input.parse::<Token![=]>()?;
    input.parse()
}

/// `base = "ns.name"` or `base = Type`.
fn base(input: ParseStream) -> syn::Result<BaseRef> {
    input.parse::<Token![=]>()?;
    Ok(if input.peek(LitStr) {
        BaseRef::Name(input.parse()?)
    } else {
        BaseRef::Type(input.parse()?)
    })
}

/// `unchecked` (everything) or `unchecked = "beta"` (the beta parts).
fn unchecked(input: ParseStream, kind: MacroKind, cx: &mut Ctxt) -> syn::Result<Option<LitStr>> {
    if !input.peek(Token![=]) {
        return Ok(None);
    }
    let v = string(input)?;
    if v.value() != "beta" {
        cx.error_spanned(
            &v,
            format!(
                "{}: `unchecked` alone turns every check off, `unchecked = \"beta\"` those of the beta parts; `{}` is neither",
                kind.name(),
                v.value()
            ),
        );
    }
    Ok(Some(v))
}

/// `patch_type = "…"` or `field_enum = "…"`: a Rust type's name.
fn rust_type_name(key: &Ident, input: ParseStream, cx: &mut Ctxt) -> syn::Result<LitStr> {
    let v = string(input)?;
    if syn::parse_str::<Ident>(&v.value()).is_err() {
        cx.error_spanned(
            &v,
            format!(
                "`{key}` names a Rust type: `{}` is not an identifier",
                v.value()
            ),
        );
    }
    Ok(v)
}

/// `rename_all = "PascalCase"`: a case the macros know, or an error with the ones they do.
fn case(
    input: ParseStream,
    kind: MacroKind,
    cx: &mut Ctxt,
) -> syn::Result<Option<(LitStr, names::Case)>> {
    let v = string(input)?;
    if let Some(case) = names::Case::parse(&v.value()) {
        return Ok(Some((v, case)));
    }
    let known: Vec<&str> = names::Case::NAMES.iter().map(|(n, _)| *n).collect();
    let hint = names::did_you_mean(&v.value(), &known).map_or_else(
        || {
            format!(
                "one of {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        |k| format!("did you mean `{k}`?"),
    );
    cx.error_spanned(
        &v,
        format!(
            "{}: `rename_all` does not know `{}`; {hint}",
            kind.name(),
            v.value()
        ),
    );
    Ok(None)
}

/// `version = "v1.0"` or `version = "beta"`.
fn version(input: ParseStream, kind: MacroKind, cx: &mut Ctxt) -> syn::Result<LitStr> {
    let v = string(input)?;
    if v.value() != "v1.0" && v.value() != "beta" {
        cx.error_spanned(
            &v,
            format!(
                "{}: `version` is `v1.0` or `beta`, not `{}`",
                kind.name(),
                v.value()
            ),
        );
    }
    Ok(v)
}

/// `paths = ["POST …", name = "POST …"]`.
fn paths(
    kind: MacroKind,
    key: &Ident,
    input: ParseStream,
    args: &mut TypeArgs,
    cx: &mut Ctxt,
) -> syn::Result<()> {
    input.parse::<Token![=]>()?;
    let content;
    syn::bracketed!(content in input);
    if args.paths_given.is_some() {
        cx.error_spanned(key, format!("duplicate {} attribute `paths`", kind.name()));
    }
    args.paths_given = Some(key.span());
    while !content.is_empty() {
        let name = if content.peek(Ident) && content.peek2(Token![=]) {
            let n: Ident = content.parse()?;
            content.parse::<Token![=]>()?;
            Some(n)
        } else {
            None
        };
        let line: LitStr = content.parse()?;
        args.paths.push((name, line));
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(())
}

/// An entity endpoint, `get_for_user = "GET …"`; each name once.
fn endpoint(key: Ident, input: ParseStream, args: &mut TypeArgs, cx: &mut Ctxt) -> syn::Result<()> {
    let line = string(input)?;
    if args.endpoints.iter().any(|(k, _)| *k == key) {
        cx.error_spanned(&key, format!("duplicate graph_entity endpoint `{key}`"));
    } else {
        args.endpoints.push((key, line));
    }
    Ok(())
}

fn set_once<T>(cx: &mut Ctxt, slot: &mut Option<T>, value: T, key: &Ident, kind: MacroKind) {
    if slot.is_some() {
        cx.error_spanned(key, format!("duplicate {} attribute `{key}`", kind.name()));
    } else {
        *slot = Some(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn args(kind: MacroKind, t: TokenStream) -> (TypeArgs, Vec<String>) {
        let mut cx = Ctxt::new();
        let a = type_args(kind, t, &mut cx);
        let errors = cx
            .check()
            .to_string()
            .split("compile_error")
            .skip(1)
            .map(str::to_owned)
            .collect();
        (a, errors)
    }

    #[test]
    fn type_args_positional_name_and_keys() {
        let (a, e) = args(
            MacroKind::Complex,
            quote!("microsoft.graph.identitySource", abstract, write_type),
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(a.name.unwrap().value(), "microsoft.graph.identitySource");
        assert!(a.is_abstract.is_some() && a.write_type.is_some());
        let (a, e) = args(
            MacroKind::Entity,
            quote!(namespace = "microsoft.graph.x", base = Base),
        );
        assert!(e.is_empty(), "{e:?}");
        assert!(matches!(a.base, Some(BaseRef::Type(_))));
        assert_eq!(a.namespace.unwrap().value(), "microsoft.graph.x");
    }

    #[test]
    fn every_bad_argument_is_reported() {
        let (_, e) = args(
            MacroKind::Entity,
            quote!(namspace = "x", abstract, abstract, flags, "late.name"),
        );
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e[0].contains("did you mean `namespace`"), "{}", e[0]);
        assert!(e[1].contains("duplicate graph_entity attribute `abstract`"));
        assert!(e[2].contains("unknown graph_entity attribute `flags`"));
        assert!(e[3].contains("must come first"));
    }
}
