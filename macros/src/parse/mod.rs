//! Attribute arguments parsed into typed slots. Pure: no code generation here.

pub(crate) mod names;

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

use crate::ctxt::Ctxt;
use names::unknown_key_message;

/// Which attribute macro is running.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum MacroKind {
    Entity,
    Complex,
    Enum,
}

impl MacroKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            MacroKind::Entity => "graph_entity",
            MacroKind::Complex => "graph_complex",
            MacroKind::Enum => "graph_enum",
        }
    }

    fn keys(self) -> &'static [&'static str] {
        match self {
            MacroKind::Entity | MacroKind::Complex => {
                &["namespace", "base", "abstract", "write_type"]
            }
            MacroKind::Enum => &["namespace", "flags"],
        }
    }
}

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
                if !kind.keys().contains(&key_text.as_str()) {
                    cx.error_spanned(
                        &key,
                        unknown_key_message(kind.name(), &key_text, kind.keys()),
                    );
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
}

const FIELD_KEYS: &[&str] = &[
    "rename",
    "key",
    "read_only",
    "default",
    "extra",
    "odata_type",
    "odata_etag",
    "odata_id",
    "odata_context",
];

/// `#[graph(…)]` on an enum variant.
#[derive(Default)]
pub(crate) struct VariantAttrs {
    pub(crate) rename: Option<LitStr>,
    pub(crate) other: Option<Span>,
}

const VARIANT_KEYS: &[&str] = &["rename", "other"];

/// Whether an attribute is ours (`#[graph(…)]`).
pub(crate) fn is_graph_attr(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("graph")
}

/// Parses every `#[graph(…)]` on a field.
pub(crate) fn field_attrs(attrs: &[syn::Attribute], cx: &mut Ctxt) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| is_graph_attr(a)) {
        let result = attr.parse_nested_meta(|meta| {
            let Some(key) = meta.path.get_ident().cloned() else {
                cx.error_spanned(
                    &meta.path,
                    "expected a `graph` field attribute such as `rename = \"…\"`",
                );
                return Ok(());
            };
            let dup = |cx: &mut Ctxt| {
                cx.error_spanned(&key, format!("duplicate graph attribute `{key}`"))
            };
            let flag = |slot: &mut Option<Span>, cx: &mut Ctxt| {
                if slot.is_some() {
                    dup(cx);
                } else {
                    *slot = Some(key.span());
                }
            };
            match key.to_string().as_str() {
                "rename" => {
                    let v: LitStr = meta.value()?.parse()?;
                    if out.rename.is_some() {
                        dup(cx);
                    } else {
                        out.rename = Some(v);
                    }
                }
                "key" => flag(&mut out.key, cx),
                "read_only" => flag(&mut out.read_only, cx),
                "default" => flag(&mut out.default, cx),
                "extra" => flag(&mut out.extra, cx),
                "odata_type" => flag(&mut out.odata_type, cx),
                "odata_etag" => flag(&mut out.odata_etag, cx),
                "odata_id" => flag(&mut out.odata_id, cx),
                "odata_context" => flag(&mut out.odata_context, cx),
                other => {
                    cx.error_spanned(&key, unknown_key_message("graph field", other, FIELD_KEYS));
                    if meta.input.peek(Token![=]) {
                        meta.value()?.parse::<syn::Expr>()?;
                    }
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

/// Parses every `#[graph(…)]` on an enum variant.
pub(crate) fn variant_attrs(attrs: &[syn::Attribute], cx: &mut Ctxt) -> VariantAttrs {
    let mut out = VariantAttrs::default();
    for attr in attrs.iter().filter(|a| is_graph_attr(a)) {
        let result = attr.parse_nested_meta(|meta| {
            let Some(key) = meta.path.get_ident().cloned() else {
                cx.error_spanned(&meta.path, "expected `rename = \"…\"` or `other`");
                return Ok(());
            };
            match key.to_string().as_str() {
                "rename" => {
                    let v: LitStr = meta.value()?.parse()?;
                    if out.rename.is_some() {
                        cx.error_spanned(&key, "duplicate graph attribute `rename`");
                    } else {
                        out.rename = Some(v);
                    }
                }
                "other" => {
                    if out.other.is_some() {
                        cx.error_spanned(&key, "duplicate graph attribute `other`");
                    } else {
                        out.other = Some(key.span());
                    }
                }
                other => {
                    cx.error_spanned(
                        &key,
                        unknown_key_message("graph variant", other, VARIANT_KEYS),
                    );
                    if meta.input.peek(Token![=]) {
                        meta.value()?.parse::<syn::Expr>()?;
                    }
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
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
