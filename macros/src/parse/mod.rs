//! Attribute arguments parsed into typed slots. Pure: no code generation here.

pub(crate) mod attrs;
mod foreign;
pub(crate) mod names;
pub(crate) mod path;

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

use crate::ctxt::Ctxt;
pub(crate) use foreign::foreign_attrs;
use names::unknown_key_message;

/// Which attribute macro is running.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum MacroKind {
    Entity,
    Complex,
    Enum,
    Action,
    Function,
}

impl MacroKind {
    /// Every attribute macro of the crate: the one list of their names (through [`Self::name`]).
    pub(crate) const ALL: [MacroKind; 5] = [
        MacroKind::Entity,
        MacroKind::Complex,
        MacroKind::Enum,
        MacroKind::Action,
        MacroKind::Function,
    ];

    /// The macro's name, as written in `#[…]`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            MacroKind::Entity => "graph_entity",
            MacroKind::Complex => "graph_complex",
            MacroKind::Action => "graph_action",
            MacroKind::Function => "graph_function",
            MacroKind::Enum => "graph_enum",
        }
    }

    /// Where this macro's arguments are written, in the attribute table.
    fn place(self) -> attrs::Place {
        match self {
            MacroKind::Entity => attrs::Place::Entity,
            MacroKind::Complex => attrs::Place::Complex,
            MacroKind::Enum => attrs::Place::Enum,
            MacroKind::Action => attrs::Place::Action,
            MacroKind::Function => attrs::Place::Function,
        }
    }

    /// The keys this macro accepts (entity endpoints aside), from the attribute table.
    fn keys(self) -> Vec<&'static str> {
        attrs::names(self.place())
            .into_iter()
            .filter(|k| !ENDPOINT_VERBS.contains(k))
            .collect()
    }

    /// Whether `key` names an entity endpoint (`create`, `get_for_user`, …).
    fn is_endpoint_key(self, key: &str) -> bool {
        self == MacroKind::Entity
            && ENDPOINT_VERBS.iter().any(|v| {
                key == *v
                    || key
                        .strip_prefix(v)
                        .is_some_and(|rest| rest.starts_with('_'))
            })
    }
}

/// The verbs an entity endpoint's name starts with; each fixes the HTTP methods it may use.
pub(crate) const ENDPOINT_VERBS: &[&str] = &["create", "get", "list", "update", "delete"];

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
    /// `bound = "microsoft.graph.driveItem"`: the binding type, documentation only until metadata checks.
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
                let key_text = key.to_string();
                if kind.is_endpoint_key(&key_text) {
                    input.parse::<Token![=]>()?;
                    let line: LitStr = input.parse()?;
                    if args.endpoints.iter().any(|(k, _)| *k == key) {
                        cx.error_spanned(&key, format!("duplicate graph_entity endpoint `{key}`"));
                    } else {
                        args.endpoints.push((key, line));
                    }
                } else if key_text == "aliases" && kind == MacroKind::Action {
                    cx.error_spanned(&key, "`aliases` applies to functions, whose parameters go in the URL; an action sends them in the body");
                } else if !kind.keys().contains(&key_text.as_str()) {
                    let mut known: Vec<&str> = kind.keys();
                    if kind == MacroKind::Entity {
                        known.extend(ENDPOINT_VERBS);
                    }
                    cx.error_spanned(&key, unknown_key_message(kind.name(), &key_text, &known));
                    // Skip a value so the rest can still be checked.
                    if input.peek(Token![=]) {
                        input.parse::<Token![=]>()?;
                        input.parse::<syn::Expr>()?;
                    }
                } else {
                    match key_text.as_str() {
                        "namespace" => {
                            input.parse::<Token![=]>()?;
                            let v: LitStr = input.parse()?;
                            set_once(cx, &mut args.namespace, v, &key, kind);
                        }
                        "base" => {
                            input.parse::<Token![=]>()?;
                            let v = if input.peek(LitStr) {
                                BaseRef::Name(input.parse()?)
                            } else {
                                BaseRef::Type(input.parse()?)
                            };
                            set_once(cx, &mut args.base, v, &key, kind);
                        }
                        "abstract" => set_once(cx, &mut args.is_abstract, key.span(), &key, kind),
                        "write_type" => set_once(cx, &mut args.write_type, key.span(), &key, kind),
                        "flags" => set_once(cx, &mut args.flags, key.span(), &key, kind),
                        "aliases" => set_once(cx, &mut args.aliases, key.span(), &key, kind),
                        "unchecked" => {
                            // `unchecked` (everything) or `unchecked = "beta"` (the beta parts).
                            let only = if input.peek(Token![=]) {
                                input.parse::<Token![=]>()?;
                                let v: LitStr = input.parse()?;
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
                                Some(v)
                            } else {
                                None
                            };
                            set_once(cx, &mut args.unchecked, (key.span(), only), &key, kind);
                        }
                        "metadata" => {
                            input.parse::<Token![=]>()?;
                            let v: LitStr = input.parse()?;
                            set_once(cx, &mut args.metadata, v, &key, kind);
                        }
                        "patch_type" | "field_enum" => {
                            input.parse::<Token![=]>()?;
                            let v: LitStr = input.parse()?;
                            if syn::parse_str::<Ident>(&v.value()).is_err() {
                                cx.error_spanned(
                                    &v,
                                    format!(
                                        "`{key}` names a Rust type: `{}` is not an identifier",
                                        v.value()
                                    ),
                                );
                            }
                            let slot = if key_text == "patch_type" {
                                &mut args.patch_type
                            } else {
                                &mut args.field_enum
                            };
                            set_once(cx, slot, v, &key, kind);
                        }
                        "rename_all" => {
                            input.parse::<Token![=]>()?;
                            let v: LitStr = input.parse()?;
                            match names::Case::parse(&v.value()) {
                                Some(case) => {
                                    set_once(cx, &mut args.rename_all, (v, case), &key, kind)
                                }
                                None => {
                                    let known: Vec<&str> =
                                        names::Case::NAMES.iter().map(|(n, _)| *n).collect();
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
                                }
                            }
                        }
                        "version" => {
                            input.parse::<Token![=]>()?;
                            let v: LitStr = input.parse()?;
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
                            set_once(cx, &mut args.version, v, &key, kind);
                        }
                        "returns" => {
                            input.parse::<Token![=]>()?;
                            let v: syn::Type = input.parse()?;
                            set_once(cx, &mut args.returns, v, &key, kind);
                        }
                        "bound" => {
                            input.parse::<Token![=]>()?;
                            let v: LitStr = input.parse()?;
                            set_once(cx, &mut args.bound, v, &key, kind);
                        }
                        "paths" => {
                            input.parse::<Token![=]>()?;
                            let content;
                            syn::bracketed!(content in input);
                            if args.paths_given.is_some() {
                                cx.error_spanned(
                                    &key,
                                    format!("duplicate {} attribute `paths`", kind.name()),
                                );
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
                        }
                        _ => {}
                    }
                }
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

fn set_once<T>(cx: &mut Ctxt, slot: &mut Option<T>, value: T, key: &Ident, kind: MacroKind) {
    if slot.is_some() {
        cx.error_spanned(key, format!("duplicate {} attribute `{key}`", kind.name()));
    } else {
        *slot = Some(value);
    }
}

/// `#[graph(…)]` on a struct field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) rename: Option<LitStr>,
    pub(crate) key: Option<Span>,
    pub(crate) read_only: Option<Span>,
    pub(crate) default: Option<Span>,
    pub(crate) extra: Option<Span>,
    pub(crate) odata_type: Option<Span>,
    pub(crate) odata_etag: Option<Span>,
    pub(crate) odata_id: Option<Span>,
    pub(crate) odata_context: Option<Span>,
    pub(crate) odata_edit_link: Option<Span>,
    pub(crate) odata_read_link: Option<Span>,
    pub(crate) odata_media_read_link: Option<Span>,
    pub(crate) odata_media_edit_link: Option<Span>,
    pub(crate) secret: Option<Span>,
    pub(crate) unchecked: Option<Span>,
}

/// `#[graph(…)]` on an enum variant.
#[derive(Default)]
pub(crate) struct VariantAttrs {
    pub(crate) rename: Option<LitStr>,
    pub(crate) other: Option<Span>,
}

/// Whether an attribute is ours (`#[graph(…)]`).
pub(crate) fn is_graph_attr(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("graph")
}

/// Removes `#[graph(…)]` from fields and variants (they are ours, not rustc's).
pub(crate) fn strip_graph_attrs(input: &mut syn::DeriveInput) {
    match &mut input.data {
        syn::Data::Struct(s) => {
            for f in s.fields.iter_mut() {
                f.attrs.retain(|a| !is_graph_attr(a));
            }
        }
        syn::Data::Enum(e) => {
            for v in e.variants.iter_mut() {
                v.attrs.retain(|a| !is_graph_attr(a));
                for f in v.fields.iter_mut() {
                    f.attrs.retain(|a| !is_graph_attr(a));
                }
            }
        }
        syn::Data::Union(_) => {}
    }
}

/// One `#[graph(…)]` entry handed to a slot filler.
struct Entry<'a, 'b> {
    key: Ident,
    meta: &'a syn::meta::ParseNestedMeta<'b>,
}

impl Entry<'_, '_> {
    /// Records a flag (`key`, `read_only`, …), reporting a repeat or a value given to it.
    fn flag(&self, slot: &mut Option<Span>, cx: &mut Ctxt) {
        if self.meta.input.peek(syn::Token![=]) {
            cx.error_spanned(
                &self.key,
                format!(
                    "`{}` takes no value: write `#[graph({})]`",
                    self.key, self.key
                ),
            );
            // Skip the value so the rest of the attribute is still read.
            if let Ok(v) = self.meta.value() {
                let _ = v.parse::<syn::Expr>();
            }
        }
        if slot.is_some() {
            cx.error_spanned(
                &self.key,
                format!("duplicate graph attribute `{}`", self.key),
            );
        } else {
            *slot = Some(self.key.span());
        }
    }

    /// Records `key = "…"`, reporting a repeat.
    fn string(&self, slot: &mut Option<LitStr>, cx: &mut Ctxt) -> syn::Result<()> {
        let value: LitStr = self.meta.value()?.parse()?;
        if slot.is_some() {
            cx.error_spanned(
                &self.key,
                format!("duplicate graph attribute `{}`", self.key),
            );
        } else {
            *slot = Some(value);
        }
        Ok(())
    }
}

/// Walks every `#[graph(…)]` entry; `fill` stores a known key and returns `false` for an unknown
/// one, which is reported (with a did-you-mean from `keys`) and skipped so the rest is still read.
fn graph_entries(
    attrs: &[syn::Attribute],
    cx: &mut Ctxt,
    what: &str,
    keys: &[&str],
    mut fill: impl FnMut(&Entry<'_, '_>, &mut Ctxt) -> syn::Result<bool>,
) {
    for attr in attrs.iter().filter(|a| is_graph_attr(a)) {
        let result = attr.parse_nested_meta(|meta| {
            let Some(key) = meta.path.get_ident().cloned() else {
                cx.error_spanned(&meta.path, unknown_key_message(what, "…", keys));
                return Ok(());
            };
            let entry = Entry { key, meta: &meta };
            if !fill(&entry, cx)? {
                let text = entry.key.to_string();
                cx.error_spanned(&entry.key, unknown_key_message(what, &text, keys));
                if meta.input.peek(Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
}

/// Parses every `#[graph(…)]` on a field.
pub(crate) fn field_attrs(attrs: &[syn::Attribute], cx: &mut Ctxt) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    graph_entries(
        attrs,
        cx,
        "graph field",
        &attrs::names(attrs::Place::Field),
        |e, cx| {
            match e.key.to_string().as_str() {
                "rename" => e.string(&mut out.rename, cx)?,
                "key" => e.flag(&mut out.key, cx),
                "read_only" => e.flag(&mut out.read_only, cx),
                "default" => e.flag(&mut out.default, cx),
                "extra" => e.flag(&mut out.extra, cx),
                "odata_type" => e.flag(&mut out.odata_type, cx),
                "odata_etag" => e.flag(&mut out.odata_etag, cx),
                "odata_id" => e.flag(&mut out.odata_id, cx),
                "odata_context" => e.flag(&mut out.odata_context, cx),
                "odata_edit_link" => e.flag(&mut out.odata_edit_link, cx),
                "odata_read_link" => e.flag(&mut out.odata_read_link, cx),
                "odata_media_read_link" => e.flag(&mut out.odata_media_read_link, cx),
                "odata_media_edit_link" => e.flag(&mut out.odata_media_edit_link, cx),
                "secret" => e.flag(&mut out.secret, cx),
                "unchecked" => e.flag(&mut out.unchecked, cx),
                _ => return Ok(false),
            }
            Ok(true)
        },
    );
    out
}

/// Parses every `#[graph(…)]` on an enum variant.
pub(crate) fn variant_attrs(attrs: &[syn::Attribute], cx: &mut Ctxt) -> VariantAttrs {
    let mut out = VariantAttrs::default();
    graph_entries(
        attrs,
        cx,
        "graph variant",
        &attrs::names(attrs::Place::Variant),
        |e, cx| {
            match e.key.to_string().as_str() {
                "rename" => e.string(&mut out.rename, cx)?,
                "other" => e.flag(&mut out.other, cx),
                _ => return Ok(false),
            }
            Ok(true)
        },
    );
    out
}

/// If `ty` is `Option<T>` (written `Option`, `std::option::Option` or `core::option::Option`), `T`.
pub(crate) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let is_option = matches!(
        names
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["Option"] | ["std", "option", "Option"] | ["core", "option", "Option"]
    );
    if !is_option {
        return None;
    }
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(syn::GenericArgument::Type(t)) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn args(kind: MacroKind, t: TokenStream) -> (TypeArgs, Vec<String>) {
        let mut cx = Ctxt::default();
        let a = type_args(kind, t, &mut cx);
        let errors = cx
            .into_compile_errors()
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

    #[test]
    fn field_attrs_collect_duplicates_and_typos() {
        let field: syn::Field = syn::parse_quote! {
            #[graph(rename = "a", raed_only, key)]
            #[graph(rename = "b", key)]
            pub x: Option<String>
        };
        let mut cx = Ctxt::default();
        let a = field_attrs(&field.attrs, &mut cx);
        assert_eq!(a.rename.unwrap().value(), "a");
        let text = cx.into_compile_errors().to_string();
        assert!(text.contains("did you mean `read_only`"), "{text}");
        assert!(
            text.contains("duplicate graph attribute `rename`"),
            "{text}"
        );
        assert!(text.contains("duplicate graph attribute `key`"), "{text}");
    }

    #[test]
    fn option_detection() {
        let t: syn::Type = syn::parse_quote!(Option<String>);
        assert!(option_inner(&t).is_some());
        let t: syn::Type = syn::parse_quote!(core::option::Option<Vec<u8>>);
        assert!(option_inner(&t).is_some());
        let t: syn::Type = syn::parse_quote!(Vec<Option<u8>>);
        assert!(option_inner(&t).is_none());
        let t: syn::Type = syn::parse_quote!(my::Option<u8>);
        assert!(option_inner(&t).is_none());
    }
}
