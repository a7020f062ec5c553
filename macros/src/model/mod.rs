//! The checked model: what a declaration means, with every rule that looks across attributes.
//! `ast` holds the shapes, `endpoints` the rules of HTTP lines, `types` what a type's name tells;
//! `structs`, `operation`, `poly` and `enumeration` build the model of each kind of declaration,
//! as `expand` generates its code; this module picks one and names the type.

pub(crate) mod annotations;
mod ast;
mod endpoints;
mod enumeration;
mod operation;
mod poly;
mod structs;
pub(crate) mod types;
mod variants;

pub(crate) use ast::*;

use syn::Ident;

use crate::ctxt::Ctxt;
use crate::parse::names::check_qualified_name;
use crate::parse::{MacroKind, TypeArgs};
use enumeration::build_enum;
use graph_odata_metadata::names::default_type_name;
use operation::build_operation;
use poly::build_poly;
use structs::build_struct;

/// The OData name from the arguments, or `microsoft.graph.` (or the namespace) + lowerCamel(ident).
fn type_name(args: &TypeArgs, ident: &Ident, kind: MacroKind, cx: &mut Ctxt) -> TypeName {
    let (qualified, span) = match (&args.name, &args.namespace) {
        (Some(name), Some(ns)) => {
            cx.error_spanned(
                ns,
                format!(
                    "{} takes either a qualified name or `namespace = …`, not both",
                    kind.name()
                ),
            );
            (name.value(), name.span())
        }
        (Some(name), None) => (name.value(), name.span()),
        (None, Some(ns)) => (
            default_type_name(Some(&ns.value()), &ident.to_string()),
            ns.span(),
        ),
        (None, None) => (default_type_name(None, &ident.to_string()), ident.span()),
    };
    if let Err(message) = check_qualified_name(&qualified) {
        cx.error_at(span, format!("{}: {message}", kind.name()));
    }
    let version = args
        .version
        .as_ref()
        .map_or_else(|| "v1.0".to_owned(), syn::LitStr::value);
    TypeName {
        qualified,
        span,
        version,
        metadata: args.metadata.clone(),
        unchecked: match &args.unchecked {
            Some((span, None)) => Some(*span),
            _ => None,
        },
        unchecked_beta: matches!(&args.unchecked, Some((_, Some(_)))),
    }
}

/// Builds and checks the model of an item.
pub(crate) fn build(
    kind: MacroKind,
    args: TypeArgs,
    input: &syn::DeriveInput,
    cx: &mut Ctxt,
) -> Option<Model> {
    if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
        cx.error_spanned(
            &input.generics,
            format!(
                "{} does not support generic types: an OData type has one concrete shape",
                kind.name()
            ),
        );
    }
    let name = type_name(&args, &input.ident, kind, cx);
    match (&input.data, kind) {
        (syn::Data::Union(u), _) => {
            cx.error_spanned(
                u.union_token,
                format!(
                    "{} cannot be used on a union; use a struct or an enum",
                    kind.name()
                ),
            );
            None
        }
        (syn::Data::Struct(s), MacroKind::Enum) => {
            cx.error_spanned(
                s.struct_token,
                "graph_enum is for enumerations; use `#[graph_complex]` or `#[graph_entity]` on a struct",
            );
            None
        }
        (syn::Data::Struct(s), MacroKind::Action | MacroKind::Function) => {
            build_operation(kind, args, name, input, s, cx).map(Model::Operation)
        }
        (syn::Data::Enum(e), MacroKind::Action | MacroKind::Function) => {
            cx.error_spanned(
                e.enum_token,
                format!(
                    "{} goes on a struct whose fields are the parameters",
                    kind.name()
                ),
            );
            None
        }
        (syn::Data::Struct(s), _) => {
            build_struct(kind, args, name, input, s, cx).map(Model::Struct)
        }
        (syn::Data::Enum(e), MacroKind::Enum) => {
            build_enum(args, name, input, e, cx).map(Model::Enum)
        }
        (syn::Data::Enum(e), _) => build_poly(kind, args, name, input, e, cx).map(Model::Poly),
    }
}
