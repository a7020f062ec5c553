//! The model of a polymorphic enum: one variant per derived type and the `other` catch-all.

use syn::Ident;

use super::types::known_other_than;
use super::variants::{each_variant, other_once};
use super::{PolyModel, PolyVariant, TypeName};
use crate::ctxt::Ctxt;
use crate::parse::{BaseRef, MacroKind, TypeArgs};

/// The model of an enum of derived types, dispatched on `@odata.type`.
pub(super) fn build_poly(
    kind: MacroKind,
    args: TypeArgs,
    name: TypeName,
    input: &syn::DeriveInput,
    data: &syn::DataEnum,
    cx: &mut Ctxt,
) -> Option<PolyModel> {
    if let Some((lit, _)) = &args.rename_all {
        cx.error_spanned(
            lit,
            "`rename_all` names fields and members; a polymorphic enum's variants are named by their types' `@odata.type`",
        );
    }
    if let Some(BaseRef::Name(b)) = &args.base {
        cx.error_spanned(
            b,
            "`base` goes on the derived structs, not on the polymorphic enum",
        );
    }
    // Only names, no data: an enumeration, declared with the wrong macro.
    if !data.variants.is_empty()
        && data
            .variants
            .iter()
            .all(|v| matches!(v.fields, syn::Fields::Unit))
    {
        cx.error_spanned(
            &input.ident,
            format!(
                "`{}` lists names: an OData enumeration is `#[graph_enum]`; `#[{}]` on an enum declares a polymorphic type, one variant per derived type (`Variant(DerivedType)`)",
                input.ident,
                kind.name()
            ),
        );
        return None;
    }
    let mut variants = Vec::new();
    let mut other: Option<Ident> = None;
    let attr_failed = each_variant(data, cx, |v, attrs, cx| {
        if let Some(r) = &attrs.rename {
            cx.error_spanned(r, "a polymorphic variant takes its name from its type's `@odata.type`; `rename` does not apply");
        }
        let ty = match &v.fields {
            syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                u.unnamed.first().map(|f| f.ty.clone())
            }
            _ => None,
        };
        let Some(ty) = ty else {
            let hint = if attrs.other.is_some() {
                format!(
                    "write `#[graph(other)] {}(graph_odata::wire::RawObject)`",
                    v.ident
                )
            } else {
                format!(
                    "write `{}(DerivedType)` where `DerivedType` is a `#[{}]` struct",
                    v.ident,
                    kind.name()
                )
            };
            cx.error_spanned(
                &v.ident,
                format!(
                    "polymorphic variant `{}` needs a derived type: {hint}",
                    v.ident
                ),
            );
            return;
        };
        if attrs.other.is_some() {
            other_once(&mut other, v, cx);
            if known_other_than(&ty, &["RawObject"]) {
                cx.error_spanned(
                    &ty,
                    format!(
                        "the `other` variant keeps an object of a derived type this build does not know, whole: write `#[graph(other)] {}(graph_odata::wire::RawObject)`",
                        v.ident
                    ),
                );
            }
        } else {
            variants.push(PolyVariant {
                ident: v.ident.clone(),
                ty,
            });
        }
    });
    if attr_failed {
        return None;
    }
    if variants.is_empty() {
        cx.error_spanned(
            &input.ident,
            format!(
                "polymorphic {} `{}` needs at least one derived type variant",
                kind.name(),
                input.ident
            ),
        );
    }
    let Some(other) = other else {
        cx.error_spanned(
            &input.ident,
            format!(
                "polymorphic {} `{}` needs a catch-all for derived types this build does not know: add `#[graph(other)] Other(graph_odata::wire::RawObject)`",
                kind.name(),
                input.ident
            ),
        );
        return None;
    };
    Some(PolyModel {
        kind,
        ident: input.ident.clone(),
        name,
        is_abstract: args.is_abstract.is_some(),
        write_type: args.write_type.is_some(),
        variants,
        other,
    })
}
