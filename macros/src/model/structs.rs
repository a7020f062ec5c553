//! The model of a struct: its fields with their wire names and roles, its key, its entity
//! endpoints and the names of its companions.

use proc_macro2::Span;
use syn::Ident;

use super::endpoints::entity_endpoints;
use super::types::{companion, known_other_than};
use super::{Field, Role, StructModel, TypeName};
use crate::ctxt::Ctxt;
use crate::parse::names::{Case, snake_to_pascal};
use crate::parse::{self, MacroKind, TypeArgs};

/// The model of a `#[graph_entity]`/`#[graph_complex]` struct, or of an operation's parameters.
pub(super) fn build_struct(
    kind: MacroKind,
    args: TypeArgs,
    name: TypeName,
    input: &syn::DeriveInput,
    data: &syn::DataStruct,
    cx: &mut Ctxt,
) -> Option<StructModel> {
    if let Some(span) = args.is_abstract {
        cx.error_at(
            span,
            format!(
                "`abstract` applies to a polymorphic enum over derived types; a {} struct is a concrete type",
                kind.name()
            ),
        );
    }
    let empty = syn::punctuated::Punctuated::new();
    let is_operation = matches!(kind, MacroKind::Action | MacroKind::Function);
    let named = match &data.fields {
        syn::Fields::Named(n) => &n.named,
        syn::Fields::Unit if is_operation => &empty,
        other => {
            let shape = if matches!(other, syn::Fields::Unit) {
                "a unit struct"
            } else {
                "a tuple struct"
            };
            cx.error_spanned(
                &input.ident,
                format!(
                    "{} needs a struct with named fields (one per OData property), not {shape}",
                    kind.name()
                ),
            );
            return None;
        }
    };
    let case = args.rename_all.as_ref().map_or(Case::Camel, |(_, c)| *c);
    let mut fields: Vec<Field> = Vec::new();
    let mut key: Option<(String, Span)> = None;
    let mut extra: Option<Ident> = None;
    let mut seen: Vec<(String, Ident)> = Vec::new();
    let mut variants: Vec<(Ident, Ident)> = Vec::new();
    for f in named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let attrs = parse::field_attrs(&f.attrs, cx);
        let roles: Vec<(Role, Span)> = attrs
            .extra
            .map(|s| (Role::Extra, s))
            .into_iter()
            .chain(attrs.annotations.iter().copied())
            .collect();
        if roles.len() > 1 {
            cx.error_at(
                roles[1].1,
                format!("field `{ident}` can have only one of `extra` and the annotation attributes (`odata_type`, `odata_etag`, `odata_id`, `odata_context`, `odata_edit_link`, …)"),
            );
        }
        let role = roles.first().map_or(Role::Property, |r| r.0);
        if role != Role::Property {
            for (what, span) in [
                ("rename", attrs.rename.as_ref().map(|r| r.span())),
                ("key", attrs.key),
                ("read_only", attrs.read_only),
                ("default", attrs.default),
            ] {
                if let Some(span) = span {
                    let owner = if role == Role::Extra {
                        "`extra`".to_owned()
                    } else {
                        format!("`{}`", role.annotation().unwrap_or_default())
                    };
                    cx.error_at(
                        span,
                        format!("`{what}` cannot be combined with {owner} on field `{ident}`"),
                    );
                }
            }
        }
        if role == Role::Extra {
            if let Some(prev) = &extra {
                cx.error_spanned(
                    &ident,
                    format!("only one `extra` field is allowed; `{prev}` is already one"),
                );
            }
            extra = Some(ident.clone());
        }
        let wire = match &attrs.rename {
            Some(r) => {
                let v = r.value();
                if v.is_empty() {
                    cx.error_spanned(r, "`rename` needs a non-empty OData property name");
                } else if v.contains('@') || v.contains('.') || v.contains('/') {
                    cx.error_spanned(r, format!("`{v}` is not an OData property name (`@`, `.` and `/` are for annotations and paths)"));
                }
                v
            }
            None => {
                let wire = case.field(&ident.to_string());
                if wire.is_empty() {
                    cx.error_spanned(
                        &ident,
                        format!("field `{ident}` gives no OData property name (it is all underscores): rename it, or name the property with `#[graph(rename = \"…\")]`"),
                    );
                }
                wire
            }
        };
        let mut wire_taken = false;
        if role == Role::Property {
            if let Some((_, other)) = seen.iter().find(|(w, _)| *w == wire) {
                wire_taken = true;
                let at = attrs.rename.as_ref().map_or(ident.span(), |r| r.span());
                cx.error_at(at, format!("the wire name `{wire}` of field `{ident}` is already used by field `{other}`"));
            } else {
                seen.push((wire.clone(), ident.clone()));
            }
        }
        let mut variant = None;
        if role == Role::Property && kind == MacroKind::Entity && !wire_taken && !wire.is_empty() {
            // The field's variant in the field enum (`web_url` → `WebUrl`).
            let name = snake_to_pascal(&ident.to_string());
            match syn::parse_str::<Ident>(&name) {
                Err(_) => cx.error_spanned(
                    &ident,
                    format!("field `{ident}` gives no variant name for the field enum (`$select`/`$orderby`/`$expand`): `{name}` is not an identifier; start the field's name with a letter"),
                ),
                Ok(v) => match variants.iter().find(|(taken, _)| *taken == v) {
                    Some((_, other)) => cx.error_spanned(
                        &ident,
                        format!("fields `{other}` and `{ident}` both become the variant `{name}` of the field enum (`$select`/`$orderby`/`$expand`): rename one of them"),
                    ),
                    None => {
                        variants.push((v.clone(), ident.clone()));
                        variant = Some(v);
                    }
                },
            }
        }
        if let (Some(span), false) = (attrs.secret, is_operation) {
            cx.error_at(
                span,
                "`secret` applies to the parameters of `#[graph_action]` and `#[graph_function]`",
            );
        }
        if let Some(span) = attrs.key {
            if is_operation {
                cx.error_at(span, "operation parameters have no key");
            } else if kind == MacroKind::Complex {
                cx.error_at(
                    span,
                    "complex types have no key; use `#[graph_entity]` for a type with identity",
                );
            } else if let Some((prev, _)) = &key {
                cx.error_at(
                    span,
                    format!("`key` is already on `{prev}`; an entity declares one key property"),
                );
            } else {
                key = Some((wire.clone(), span));
            }
        }
        let option_inner = parse::option_inner(&f.ty).cloned();
        let annotation_text = option_inner
            .as_ref()
            .is_some_and(|t| !known_other_than(t, &["String"]));
        if role.annotation().is_some() && !annotation_text {
            cx.error_spanned(
                &f.ty,
                format!(
                    "`{}` is text that may be absent: declare field `{ident}` as `Option<String>`",
                    role.annotation().unwrap_or_default()
                ),
            );
        }
        if role == Role::Extra && known_other_than(&f.ty, &["Map", "HashMap", "BTreeMap"]) {
            cx.error_spanned(
                &f.ty,
                format!(
                    "`extra` keeps unknown members by name: declare field `{ident}` as `serde_json::Map<String, serde_json::Value>`"
                ),
            );
        }
        fields.push(Field {
            ident,
            ty: f.ty.clone(),
            option_inner,
            wire,
            role,
            read_only: attrs.read_only.is_some(),
            default: attrs.default.is_some(),
            secret: attrs.secret.is_some(),
            unchecked: attrs.unchecked.is_some(),
            variant,
        });
    }
    // An entity without an explicit key uses its `id` property, as `microsoft.graph.entity` declares.
    let key = key.map(|k| k.0).or_else(|| {
        (kind == MacroKind::Entity)
            .then(|| {
                fields
                    .iter()
                    .find(|f| f.role == Role::Property && f.wire == "id")
                    .map(|f| f.wire.clone())
            })
            .flatten()
    });
    let endpoints = entity_endpoints(&args.endpoints, cx);
    let patch_ident = companion(&args.patch_type, &input.ident, "Patch");
    let field_ident = companion(&args.field_enum, &input.ident, "Field");
    if kind == MacroKind::Entity {
        companions_distinct(
            &input.ident,
            &patch_ident,
            &field_ident,
            (&args.patch_type, &args.field_enum),
            cx,
        );
    }
    Some(StructModel {
        kind,
        ident: input.ident.clone(),
        vis: input.vis.clone(),
        name,
        write_type: args.write_type.is_some(),
        fields,
        key,
        extra,
        endpoints,
        patch_ident,
        field_ident,
        rename_all: args.rename_all.as_ref().map(|(_, c)| *c),
        base: args.base,
    })
}

/// The entity, its PATCH alias, the PATCH body (`{patch}Body`) and the field enum need four
/// names; a `patch_type`/`field_enum` that reuses one is an error at the string given.
fn companions_distinct(
    ident: &Ident,
    patch: &Ident,
    field: &Ident,
    (patch_given, field_given): (&Option<syn::LitStr>, &Option<syn::LitStr>),
    cx: &mut Ctxt,
) {
    let name = |i: &Ident| i.to_string().trim_start_matches("r#").to_owned();
    let body = format!("{}Body", name(patch));
    let taken = [
        (name(ident), "the entity itself".to_owned()),
        (name(patch), "the PATCH companion (`patch_type`)".to_owned()),
        (
            body,
            format!("the PATCH companion's body (`{}Body`)", name(patch)),
        ),
    ];
    let clash = |n: &str, upto: usize| taken[..upto].iter().find(|(t, _)| t == n);
    if let (Some(lit), Some((_, what))) = (patch_given, clash(&name(patch), 1)) {
        cx.error_spanned(
            lit,
            format!(
                "`patch_type = \"{}\"` names {what}: choose another name",
                lit.value()
            ),
        );
    }
    if let (Some(lit), Some((_, what))) = (field_given, clash(&name(field), 3)) {
        cx.error_spanned(
            lit,
            format!(
                "`field_enum = \"{}\"` names {what}: choose another name",
                lit.value()
            ),
        );
    } else if let (None, Some(lit), Some(_)) = (field_given, patch_given, clash(&name(field), 3)) {
        cx.error_spanned(lit, format!("`patch_type = \"{}\"` is the field enum's name (`{}`, by default): choose another name, or rename the field enum with `field_enum = \"…\"`", lit.value(), name(field)));
    }
}
