//! The checked model: what a declaration means, with every rule that looks across attributes.

use proc_macro2::Span;
use syn::{Ident, Type};

use crate::ctxt::Ctxt;
use crate::parse::names::{check_qualified_name, pascal_to_lower_camel, snake_to_lower_camel};
use crate::parse::{self, BaseRef, MacroKind, TypeArgs};

/// Where a field's value comes from on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Role {
    /// A structural property.
    Property,
    /// Unknown properties, kept in a map.
    Extra,
    /// `@odata.type`.
    ODataType,
    /// `@odata.etag`.
    ETag,
    /// `@odata.id`.
    Id,
    /// `@odata.context`.
    Context,
}

impl Role {
    pub(crate) fn annotation(self) -> Option<&'static str> {
        match self {
            Role::ODataType => Some("@odata.type"),
            Role::ETag => Some("@odata.etag"),
            Role::Id => Some("@odata.id"),
            Role::Context => Some("@odata.context"),
            Role::Property | Role::Extra => None,
        }
    }
}

pub(crate) struct Field {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    /// `T` when the field is `Option<T>`.
    pub(crate) option_inner: Option<Type>,
    pub(crate) wire: String,
    pub(crate) role: Role,
    pub(crate) read_only: bool,
    pub(crate) default: bool,
}

/// The OData type name and where it was written.
pub(crate) struct TypeName {
    pub(crate) qualified: String,
}

pub(crate) struct StructModel {
    pub(crate) kind: MacroKind,
    pub(crate) ident: Ident,
    pub(crate) vis: syn::Visibility,
    pub(crate) name: TypeName,
    pub(crate) base: Option<BaseRef>,
    pub(crate) write_type: bool,
    pub(crate) fields: Vec<Field>,
    pub(crate) key: Option<String>,
    pub(crate) extra: Option<Ident>,
}

pub(crate) struct PolyVariant {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
}

pub(crate) struct PolyModel {
    pub(crate) kind: MacroKind,
    pub(crate) ident: Ident,
    pub(crate) name: TypeName,
    pub(crate) is_abstract: bool,
    pub(crate) write_type: bool,
    pub(crate) variants: Vec<PolyVariant>,
    pub(crate) other: Ident,
}

pub(crate) struct EnumMember {
    pub(crate) ident: Ident,
    pub(crate) wire: String,
}

pub(crate) struct EnumModel {
    pub(crate) ident: Ident,
    pub(crate) name: TypeName,
    pub(crate) flags: bool,
    pub(crate) members: Vec<EnumMember>,
    pub(crate) other: Ident,
}

pub(crate) enum Model {
    Struct(StructModel),
    Poly(PolyModel),
    Enum(EnumModel),
}

/// The OData name from the arguments, or `microsoft.graph.` (or the namespace) + lowerCamel(ident).
fn type_name(args: &TypeArgs, ident: &Ident, kind: MacroKind, cx: &mut Ctxt) -> TypeName {
    let simple = pascal_to_lower_camel(&ident.to_string());
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
        (None, Some(ns)) => (format!("{}.{simple}", ns.value()), ns.span()),
        (None, None) => (format!("microsoft.graph.{simple}"), ident.span()),
    };
    if let Err(message) = check_qualified_name(&qualified) {
        cx.error_at(span, format!("{}: {message}", kind.name()));
    }
    TypeName { qualified }
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
        (syn::Data::Struct(s), _) => {
            build_struct(kind, args, name, input, s, cx).map(Model::Struct)
        }
        (syn::Data::Enum(e), MacroKind::Enum) => {
            build_enum(args, name, input, e, cx).map(Model::Enum)
        }
        (syn::Data::Enum(e), _) => build_poly(kind, args, name, input, e, cx).map(Model::Poly),
    }
}

fn build_struct(
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
    let named = match &data.fields {
        syn::Fields::Named(n) => n,
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
    let mut fields: Vec<Field> = Vec::new();
    let mut key: Option<(String, Span)> = None;
    let mut extra: Option<Ident> = None;
    let mut seen: Vec<(String, Ident)> = Vec::new();
    for f in &named.named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let attrs = parse::field_attrs(&f.attrs, cx);
        let roles: Vec<(Role, Span)> = [
            (Role::Extra, attrs.extra),
            (Role::ODataType, attrs.odata_type),
            (Role::ETag, attrs.odata_etag),
            (Role::Id, attrs.odata_id),
            (Role::Context, attrs.odata_context),
        ]
        .into_iter()
        .filter_map(|(r, s)| s.map(|s| (r, s)))
        .collect();
        if roles.len() > 1 {
            cx.error_at(roles[1].1, format!("field `{ident}` can have only one of `extra`, `odata_type`, `odata_etag`, `odata_id`, `odata_context`"));
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
            None => snake_to_lower_camel(&ident.to_string()),
        };
        if role == Role::Property {
            if let Some((_, other)) = seen.iter().find(|(w, _)| *w == wire) {
                let at = attrs.rename.as_ref().map_or(ident.span(), |r| r.span());
                cx.error_at(at, format!("the wire name `{wire}` of field `{ident}` is already used by field `{other}`"));
            } else {
                seen.push((wire.clone(), ident.clone()));
            }
        }
        if let Some(span) = attrs.key {
            if kind == MacroKind::Complex {
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
        if role.annotation().is_some() && option_inner.is_none() {
            cx.error_spanned(
                &f.ty,
                format!(
                    "`{}` may be absent: declare field `{ident}` as `Option<String>`",
                    role.annotation().unwrap_or_default()
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
    Some(StructModel {
        kind,
        ident: input.ident.clone(),
        vis: input.vis.clone(),
        name,
        base: args.base,
        write_type: args.write_type.is_some(),
        fields,
        key,
        extra,
    })
}

fn build_poly(
    kind: MacroKind,
    args: TypeArgs,
    name: TypeName,
    input: &syn::DeriveInput,
    data: &syn::DataEnum,
    cx: &mut Ctxt,
) -> Option<PolyModel> {
    if let Some(BaseRef::Name(b)) = &args.base {
        cx.error_spanned(
            b,
            "`base` goes on the derived structs, not on the polymorphic enum",
        );
    }
    let mut variants = Vec::new();
    let mut other: Option<Ident> = None;
    for v in &data.variants {
        let attrs = parse::variant_attrs(&v.attrs, cx);
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
            continue;
        };
        if attrs.other.is_some() {
            if let Some(prev) = &other {
                cx.error_spanned(&v.ident, format!("`{prev}` is already the `other` variant"));
            }
            other = Some(v.ident.clone());
        } else {
            variants.push(PolyVariant {
                ident: v.ident.clone(),
                ty,
            });
        }
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

fn build_enum(
    args: TypeArgs,
    name: TypeName,
    input: &syn::DeriveInput,
    data: &syn::DataEnum,
    cx: &mut Ctxt,
) -> Option<EnumModel> {
    let mut members: Vec<EnumMember> = Vec::new();
    let mut other: Option<Ident> = None;
    for v in &data.variants {
        let attrs = parse::variant_attrs(&v.attrs, cx);
        if attrs.other.is_some() {
            let holds_string = matches!(&v.fields, syn::Fields::Unnamed(u) if u.unnamed.len() == 1);
            if !holds_string {
                cx.error_spanned(&v.ident, format!("the `other` variant keeps the unknown member's name: write `#[graph(other)] {}(String)`", v.ident));
            }
            if let Some(prev) = &other {
                cx.error_spanned(&v.ident, format!("`{prev}` is already the `other` variant"));
            }
            other = Some(v.ident.clone());
            continue;
        }
        if !matches!(v.fields, syn::Fields::Unit) {
            cx.error_spanned(
                &v.fields,
                format!(
                    "graph_enum member `{}` cannot hold data; OData enumeration members are names",
                    v.ident
                ),
            );
            continue;
        }
        let wire = match &attrs.rename {
            Some(r) => {
                let value = r.value();
                if let Err(why) = crate::parse::names::check_simple_identifier(&value) {
                    cx.error_spanned(
                        r,
                        format!("`{value}` is not an OData member name: it {why}"),
                    );
                }
                value
            }
            None => pascal_to_lower_camel(&v.ident.to_string()),
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
    }
    let Some(other) = other else {
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
    })
}
