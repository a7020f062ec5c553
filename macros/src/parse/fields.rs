//! `#[graph(…)]` on fields and enum variants read into [`FieldAttrs`] and [`VariantAttrs`]. The
//! keys each place accepts come from the attribute table; a repeat, a value given to a flag and
//! an unknown key (with a did-you-mean) are each reported, and the rest is still read.

use proc_macro2::Span;
use syn::{Ident, LitStr, Token};

use super::args::NO_PARSER;
use super::attrs;
use super::is_graph_attr;
use super::names::unknown_key_message;
use crate::ctxt::Ctxt;
use crate::model::Role;
use crate::model::annotations;

/// `#[graph(…)]` on a struct field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) rename: Option<LitStr>,
    pub(crate) key: Option<Span>,
    pub(crate) read_only: Option<Span>,
    pub(crate) default: Option<Span>,
    pub(crate) extra: Option<Span>,
    /// `odata_type`, `odata_etag`, …: the annotations the field reads, in the order of
    /// [`ANNOTATIONS`](crate::model::annotations::ANNOTATIONS) (each once).
    pub(crate) annotations: Vec<(Role, Span)>,
    pub(crate) secret: Option<Span>,
    pub(crate) unchecked: Option<Span>,
}

/// `#[graph(…)]` on an enum variant.
#[derive(Default)]
pub(crate) struct VariantAttrs {
    pub(crate) rename: Option<LitStr>,
    pub(crate) other: Option<Span>,
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

    /// Records an annotation key (`odata_etag`, …) as a flag whose slot is its role in `list`.
    fn annotation(&self, role: Role, list: &mut Vec<(Role, Span)>, cx: &mut Ctxt) {
        let mut slot = list.iter().find(|(r, _)| *r == role).map(|(_, s)| *s);
        let before = slot;
        self.flag(&mut slot, cx);
        if let (None, Some(span)) = (before, slot) {
            list.push((role, span));
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

/// Walks every `#[graph(…)]` entry. A key outside `keys` is reported (with a did-you-mean) and
/// skipped so the rest is still read; `fill` stores a key of `keys` and returns `false` only for
/// one it has no arm for, which is reported as the macro's own bug.
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
            let text = key.to_string();
            let entry = Entry { key, meta: &meta };
            let known = keys.contains(&text.as_str());
            if known && fill(&entry, cx)? {
                return Ok(());
            }
            let message = if known {
                format!("{what} attribute `{text}` is in the attribute table but {NO_PARSER} (a bug of graph-odata-macros)")
            } else {
                unknown_key_message(what, &text, keys)
            };
            cx.error_spanned(&entry.key, message);
            if meta.input.peek(Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
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
                "secret" => e.flag(&mut out.secret, cx),
                "unchecked" => e.flag(&mut out.unchecked, cx),
                key => match annotations::role_of_key(key) {
                    Some(role) => e.annotation(role, &mut out.annotations, cx),
                    None => return Ok(false),
                },
            }
            Ok(true)
        },
    );
    out.annotations
        .sort_by_key(|(role, _)| annotations::position(*role));
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
        let mut cx = Ctxt::new();
        let a = field_attrs(&field.attrs, &mut cx);
        assert_eq!(a.rename.unwrap().value(), "a");
        let text = cx.check().to_string();
        assert!(text.contains("did you mean `read_only`"), "{text}");
        assert!(
            text.contains("duplicate graph attribute `rename`"),
            "{text}"
        );
        assert!(text.contains("duplicate graph attribute `key`"), "{text}");
    }
}
