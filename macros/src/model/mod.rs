//! The checked model: what a declaration means, with every rule that looks across attributes.
//! `ast` holds the shapes, `endpoints` the rules of HTTP lines, `types` what a type's name tells;
//! this module builds a model from the parsed attributes.

mod ast;
mod endpoints;
mod types;

pub(crate) use ast::*;

use proc_macro2::Span;
use syn::Ident;

use crate::ctxt::Ctxt;
use crate::parse::names::{Case, check_qualified_name, pascal_to_lower_camel, snake_to_pascal};
use crate::parse::path::Segment;
use crate::parse::{self, BaseRef, MacroKind, TypeArgs};
use endpoints::{check_method, check_params, derived_method_name, entity_endpoints, parse_line};
use types::{companion, known_other_than, last_segment_is};

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
        let roles: Vec<(Role, Span)> = [
            (Role::Extra, attrs.extra),
            (Role::ODataType, attrs.odata_type),
            (Role::ETag, attrs.odata_etag),
            (Role::Id, attrs.odata_id),
            (Role::Context, attrs.odata_context),
            (Role::EditLink, attrs.odata_edit_link),
            (Role::ReadLink, attrs.odata_read_link),
            (Role::MediaReadLink, attrs.odata_media_read_link),
            (Role::MediaEditLink, attrs.odata_media_edit_link),
        ]
        .into_iter()
        .filter_map(|(r, s)| s.map(|s| (r, s)))
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

fn build_operation(
    kind: MacroKind,
    args: TypeArgs,
    name: TypeName,
    input: &syn::DeriveInput,
    data: &syn::DataStruct,
    cx: &mut Ctxt,
) -> Option<OperationModel> {
    let endpoint_kind = if kind == MacroKind::Action {
        EndpointKind::Action
    } else {
        EndpointKind::Function
    };
    let qualified = name.qualified.clone();
    let simple = qualified
        .rsplit('.')
        .next()
        .unwrap_or(&qualified)
        .to_owned();
    let mut endpoints: Vec<Endpoint> = Vec::new();
    if args.paths.is_empty() {
        cx.error_spanned(
            &input.ident,
            format!(
                "{} `{}` needs `paths = [\"{} /…/{simple}\"]`: the HTTP lines from the Graph docs",
                kind.name(),
                input.ident,
                if kind == MacroKind::Action {
                    "POST"
                } else {
                    "GET"
                }
            ),
        );
    }
    for (given, lit) in &args.paths {
        let what = format!("{} `{simple}`", kind.name());
        let Some(line) = parse_line(lit, &what, cx) else {
            continue;
        };
        if !check_method(endpoint_kind, &line, lit, &what, cx)
            || !check_params(&line, lit, &what, cx)
        {
            continue;
        }
        let last = line.last_name().unwrap_or_default().to_owned();
        let ends_right = (last == simple || last == qualified)
            && match line.segments.last() {
                Some(Segment::Literal(_)) => true,
                Some(Segment::Call { .. }) => kind == MacroKind::Function,
                _ => false,
            };
        if !ends_right {
            cx.error_spanned(
                lit,
                format!("{what}: the path must end in `{simple}` (or `{qualified}`), the operation it invokes; this one ends in `{last}`"),
            );
            continue;
        }
        let method_name = match given {
            Some(n) => n.clone(),
            None => {
                let derived = derived_method_name(&line);
                if syn::parse_str::<Ident>(&derived).is_ok() {
                    Ident::new(&derived, lit.span())
                } else if syn::parse_str::<Ident>(&format!("r#{derived}")).is_ok() {
                    // A keyword (`type`, `match`): the method is `r#type`.
                    Ident::new_raw(&derived, lit.span())
                } else {
                    // `self`, `crate`, `_`: no identifier, not even a raw one.
                    cx.error_spanned(
                        lit,
                        format!("{what}: this path would name its method `{derived}`, which Rust does not allow; name the method yourself: `paths = [{} = \"{}\"]`", crate::parse::names::snake_from_camel(&simple), lit.value()),
                    );
                    continue;
                }
            }
        };
        if let Some(prev) = endpoints.iter().find(|e| e.name == method_name) {
            cx.error_spanned(
                lit,
                format!(
                    "{what}: this path and `{}` would both generate the method `{method_name}`; name one: `paths = [other_name = \"…\"]`",
                    prev.text
                ),
            );
            continue;
        }
        endpoints.push(Endpoint {
            name: method_name,
            kind: endpoint_kind,
            line,
            text: lit.value(),
            span: lit.span(),
        });
    }
    let returns = args.returns.clone();
    let bound = args.bound.as_ref().map(|b| b.value());
    let aliases = args.aliases.is_some();
    if let (Some(span), MacroKind::Action) = (args.aliases, kind) {
        cx.error_at(span, "`aliases` applies to functions, whose parameters go in the URL; an action sends them in the body");
    }
    if let Some(b) = &args.bound
        && let Err(message) = check_qualified_name(&b.value())
    {
        cx.error_spanned(b, format!("{}: `bound`: {message}", kind.name()));
    }
    let strukt = build_struct(kind, args, name, input, data, cx)?;
    // A collection cannot be a literal inside the path: it travels as a parameter alias.
    if kind == MacroKind::Function && !aliases {
        for f in strukt.fields.iter().filter(|f| f.role == Role::Property) {
            let ty = f.option_inner.as_ref().unwrap_or(&f.ty);
            if last_segment_is(ty, &["Vec"]) {
                cx.error_spanned(
                    &f.ty,
                    format!(
                        "`{}` is a collection: it cannot be written inside the URL's path; add `aliases` to `#[graph_function(…)]` so it travels as `{}=@{}` with `@{}=[…]` in the query",
                        f.wire, f.wire, f.wire, f.wire
                    ),
                );
            }
        }
    }
    // A function's fields are call parameters too: one that is also a placeholder of a call in a
    // path would be sent twice (`usage(period='D7',period='D7')`).
    if kind == MacroKind::Function {
        for f in strukt.fields.iter().filter(|f| f.role == Role::Property) {
            let clash = endpoints.iter().find_map(|e| {
                e.line.segments.iter().find_map(|s| match s {
                    crate::parse::path::Segment::Call { args, .. } => {
                        args.iter().find_map(|(k, a)| match a {
                            crate::parse::path::Arg::Param { param, .. }
                                if *k == f.wire || param.wire == f.wire =>
                            {
                                Some((e, k.clone()))
                            }
                            _ => None,
                        })
                    }
                    _ => None,
                })
            });
            if let Some((e, k)) = clash {
                cx.error_spanned(
                    &f.ident,
                    format!(
                        "`{}` is a parameter of this function and also `{k}=…` in `{}`: it would be sent twice; keep the field (a typed value) or the placeholder, not both",
                        f.wire,
                        e.text.trim()
                    ),
                );
            }
        }
    }
    Some(OperationModel {
        strukt,
        returns,
        endpoints,
        bound,
        aliases,
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
    let mut attr_failed = false;
    for v in &data.variants {
        let before = cx.error_count();
        let attrs = parse::variant_attrs(&v.attrs, cx);
        if cx.error_count() > before {
            attr_failed = true;
            continue;
        }
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
            if known_other_than(&ty, &["RawObject"]) {
                cx.error_spanned(
                    &ty,
                    format!(
                        "the `other` variant keeps an object of a derived type this build does not know, whole: write `#[graph(other)] {}(graph_odata::wire::RawObject)`",
                        v.ident
                    ),
                );
            }
            other = Some(v.ident.clone());
        } else {
            variants.push(PolyVariant {
                ident: v.ident.clone(),
                ty,
            });
        }
    }
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

fn build_enum(
    args: TypeArgs,
    name: TypeName,
    input: &syn::DeriveInput,
    data: &syn::DataEnum,
    cx: &mut Ctxt,
) -> Option<EnumModel> {
    let mut members: Vec<EnumMember> = Vec::new();
    let mut other: Option<Ident> = None;
    // A member whose attribute is misspelt (`#[graph(catch_all)]`) is that one error: its shape
    // and the missing catch-all are not reported on top.
    let mut attr_failed = false;
    for v in &data.variants {
        let before = cx.error_count();
        let attrs = parse::variant_attrs(&v.attrs, cx);
        if cx.error_count() > before {
            attr_failed = true;
            continue;
        }
        if attrs.other.is_some() {
            let holds_string = matches!(&v.fields, syn::Fields::Unnamed(u)
                if u.unnamed.len() == 1
                    && u.unnamed.first().is_some_and(|f| !known_other_than(&f.ty, &["String"])));
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
    }
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
