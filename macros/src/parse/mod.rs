//! Attribute arguments parsed into typed slots. Pure: no code generation here.

mod args;
pub(crate) mod attrs;
mod foreign;
pub(crate) mod names;
pub(crate) mod path;

use proc_macro2::Span;
use syn::{Ident, LitStr, Token};

use crate::ctxt::Ctxt;
pub(crate) use args::{BaseRef, TypeArgs, type_args};
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
