//! The model of an enumeration: member names on the wire and the `other` catch-all.

use syn::Ident;

use super::types::known_other_than;
use super::variants::{each_variant, other_once};
use super::{EnumMember, EnumModel, TypeName};
use crate::ctxt::Ctxt;
use crate::parse::TypeArgs;
use crate::parse::names::{Case, check_simple_identifier};

/// The model of a `#[graph_enum]`: its members' wire names and the `other` catch-all.
pub(super) fn build_enum(
    args: TypeArgs,
    name: TypeName,
    input: &syn::DeriveInput,
    data: &syn::DataEnum,
    cx: &mut Ctxt,
) -> Option<EnumModel> {
    let mut members: Vec<EnumMember> = Vec::new();
    let mut other: Option<Ident> = None;
    // A member whose attribute is misspelt is that one error: the missing catch-all is not
    // reported on top.
    let attr_failed = each_variant(data, cx, |v, attrs, cx| {
        if attrs.other.is_some() {
            let holds_string = matches!(&v.fields, syn::Fields::Unnamed(u)
                if u.unnamed.len() == 1
                    && u.unnamed.first().is_some_and(|f| !known_other_than(&f.ty, &["String"])));
            if !holds_string {
                cx.error_spanned(&v.ident, format!("the `other` variant keeps the unknown member's name: write `#[graph(other)] {}(String)`", v.ident));
            }
            other_once(&mut other, v, cx);
            return;
        }
        if !matches!(v.fields, syn::Fields::Unit) {
            cx.error_spanned(
                &v.fields,
                format!(
                    "graph_enum member `{}` cannot hold data; OData enumeration members are names",
                    v.ident
                ),
            );
            return;
        }
        let wire = match &attrs.rename {
            Some(r) => {
                let value = r.value();
                if let Err(why) = check_simple_identifier(&value) {
                    cx.error_spanned(
                        r,
                        format!("`{value}` is not an OData member name: it {why}"),
                    );
                }
                value
            }
            None => args
                .rename_all
                .as_ref()
                .map_or(Case::Camel, |(_, c)| *c)
                .member(&v.ident.to_string()),
        };
        if let Some(prev) = members.iter().find(|m| m.wire == wire) {
            let at = attrs.rename.as_ref().map_or(v.ident.span(), |r| r.span());
            cx.error_at(
                at,
                format!(
                    "the wire name `{wire}` of member `{}` is already used by `{}`",
                    v.ident, prev.ident
                ),
            );
        }
        members.push(EnumMember {
            ident: v.ident.clone(),
            wire,
        });
    });
    let Some(other) = other else {
        if attr_failed {
            return None;
        }
        cx.error_spanned(
            &input.ident,
            format!(
                "graph_enum `{}` needs a catch-all for members Graph adds later (evolvable enums): add `#[graph(other)] Other(String)`",
                input.ident
            ),
        );
        return None;
    };
    Some(EnumModel {
        ident: input.ident.clone(),
        name,
        flags: args.flags.is_some(),
        members,
        other,
        rename_all: args.rename_all.is_some(),
    })
}
