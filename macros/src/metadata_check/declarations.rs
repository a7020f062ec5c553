//! The checks of each kind of declaration against the document: a struct's kind, base, properties
//! and endpoints; a polymorphic enum's abstractness; an enumeration's flags and members; an
//! operation's paths, binding, parameters and return type.

use graph_odata_metadata::{Kind, Metadata};

use super::Checker;
use super::types::{fitting, misfit, nav_misfit, shape};
use crate::ctxt::Ctxt;
use crate::model::{EnumModel, OperationModel, PolyModel, Role, StructModel, TypeName};
use crate::parse::{BaseRef, MacroKind};

/// An entity or complex type: its kind and base, each property's existence and type, each endpoint.
pub(super) fn check_struct(c: &mut Checker<'_>, m: &StructModel) {
    let name = &m.name.qualified;
    let version = &m.name.version;
    let src = c.source(version);
    if let Some(md) = c.metadata(version, m.name.span)
        && let Some(def) = c.type_in(md, name, m.name.span, version)
    {
        let want = if m.kind == MacroKind::Entity {
            Kind::Entity
        } else {
            Kind::Complex
        };
        if def.kind != want {
            let (what, attr) = match def.kind {
                Kind::Entity => ("an entity type", "graph_entity"),
                Kind::Complex => ("a complex type", "graph_complex"),
                Kind::Enum => ("an enumeration", "graph_enum"),
            };
            c.cx.error_at(
                m.name.span,
                format!("`{name}` is {what} in {src}: use `#[{attr}]`"),
            );
        }
        if let Some(BaseRef::Name(b)) = &m.base
            && !md.derives_from(name, &b.value())
        {
            c.cx.error_spanned(
                b,
                format!("`{name}` does not derive from `{}` in {src}", b.value()),
            );
        }
        let mut known = md.property_names(name);
        let navs: Vec<String> = md
            .lineage(name)
            .iter()
            .flat_map(|t| t.navigation.iter().map(|n| n.name.clone()))
            .collect();
        known.extend(navs.iter().map(String::as_str));
        for f in m
            .fields
            .iter()
            .filter(|f| f.role == Role::Property && !f.unchecked)
        {
            match md.property(name, &f.wire) {
                // A navigation property as a field: what `$expand` fills in.
                None if md.navigation(name, &f.wire).is_some() => {
                    if let Some(nav) = md.navigation(name, &f.wire)
                        && let Some(why) = nav_misfit(md, &f.ty, &nav.item.ty)
                    {
                        c.cx.error_spanned(
                            &f.ty,
                            format!(
                                "`{}` of `{name}` is a navigation property to {} in {src}: {why}",
                                f.wire,
                                if nav.item.ty.collection {
                                    format!("a collection of `{}`", nav.item.ty.name)
                                } else {
                                    format!("one `{}`", nav.item.ty.name)
                                }
                            ),
                        );
                    }
                }
                None => c.cx.error_spanned(
                    &f.ident,
                    format!(
                        "`{name}` has no property `{}` in {src}{}",
                        f.wire,
                        suggest_wire(&f.wire, &known, m.rename_all.is_some())
                    ),
                ),
                Some(p) => {
                    let target = md.type_def(&p.ty.name);
                    let is_enum = target.is_some_and(|t| t.kind == Kind::Enum);
                    let flags = target.is_some_and(|t| t.flags);
                    // Key properties are server-set in most create bodies: `Option` is allowed.
                    let mut ty = p.ty.clone();
                    if m.key.as_deref() == Some(f.wire.as_str()) {
                        ty.nullable = false;
                    }
                    if let Some(why) = misfit(&f.ty, &ty, is_enum, flags, f.default) {
                        c.cx.error_spanned(
                            &f.ty,
                            format!("`{}` of `{name}` in {src} {why}", f.wire),
                        );
                    }
                }
            }
        }
    }
    for e in &m.endpoints {
        c.endpoint(e, name, version, None);
    }
}

/// A polymorphic enum: whether the base is abstract.
pub(super) fn check_poly(c: &mut Checker<'_>, m: &PolyModel) {
    let version = &m.name.version;
    if let Some(md) = c.metadata(version, m.name.span)
        && let Some(def) = c.type_in(md, &m.name.qualified, m.name.span, version)
    {
        marker_mismatch(
            c.cx,
            &m.name,
            "abstract",
            "abstract",
            def.is_abstract,
            m.is_abstract,
        );
    }
}

/// An enumeration: whether it is a flags enumeration, and each member's existence.
pub(super) fn check_enum(c: &mut Checker<'_>, m: &EnumModel) {
    let version = &m.name.version;
    let src = c.source(version);
    if let Some(md) = c.metadata(version, m.name.span)
        && let Some(def) = c.type_in(md, &m.name.qualified, m.name.span, version)
    {
        marker_mismatch(
            c.cx,
            &m.name,
            "a flags enumeration",
            "flags",
            def.flags,
            m.flags,
        );
        let known: Vec<&str> = def.members.iter().map(String::as_str).collect();
        for member in &m.members {
            if !known.contains(&member.wire.as_str()) {
                c.cx.error_spanned(
                    &member.ident,
                    format!(
                        "`{}` has no member `{}` in {src}{}",
                        m.name.qualified,
                        member.wire,
                        suggest_wire(&member.wire, &known, m.rename_all)
                    ),
                );
            }
        }
    }
}

/// An action or function: every path, then the parameters and return type against the first
/// path that resolves.
pub(super) fn check_operation(c: &mut Checker<'_>, m: &OperationModel) {
    let version = &m.strukt.name.version;
    let name = &m.strukt.name.qualified;
    // Every path is checked; parameters and return type against the first that resolves.
    let mut op = None;
    for e in &m.endpoints {
        let resolved = c.endpoint(e, name, version, Some(name));
        if op.is_none() {
            op = resolved;
        }
    }
    if let Some((op, version)) = op {
        check_signature(c, m, &op, &version);
    }
}

/// The parameters and the return type of an action or function.
fn check_signature(
    c: &mut Checker<'_>,
    m: &OperationModel,
    op: &graph_odata_metadata::Operation,
    version: &str,
) {
    let src = c.source(version);
    let name = &m.strukt.name.qualified;
    // `bound = "…"` says what the operation is bound to: the schema must agree.
    if let Some(bound) = &m.bound
        && let Some(binding) = &op.binding
        && let Some(md) = c.metadata(version, m.strukt.name.span)
    {
        let b = md.qualify(bound);
        if !(md.derives_from(&binding.name, &b) || md.derives_from(&b, &binding.name)) {
            c.cx.error_at(
                m.strukt.name.span,
                format!(
                    "`bound = \"{bound}\"`: `{name}` is bound to {}`{}` in {src}",
                    if binding.collection {
                        "a collection of "
                    } else {
                        ""
                    },
                    binding.name
                ),
            );
        }
    }
    let known: Vec<&str> = op.parameters.iter().map(|p| p.name.as_str()).collect();
    for f in m
        .strukt
        .fields
        .iter()
        .filter(|f| f.role == Role::Property && !f.unchecked)
    {
        match op.parameters.iter().find(|p| p.name == f.wire) {
            None => c.cx.error_spanned(
                &f.ident,
                format!(
                    "`{name}` has no parameter `{}` in {src}{}",
                    f.wire,
                    suggest_wire(&f.wire, &known, m.strukt.rename_all.is_some())
                ),
            ),
            Some(p) => {
                let mut ty = p.ty.clone();
                ty.nullable = false;
                if let Some(why) = misfit(&f.ty, &ty, false, false, f.default) {
                    c.cx.error_spanned(
                        &f.ty,
                        format!("parameter `{}` of `{name}` in {src} {why}", f.wire),
                    );
                }
            }
        }
    }
    // `Lro<T>` is checked as `T`; `Lro<()>` as no result.
    let returns = match &m.returns {
        Some(r) => match crate::model::types::lro_result(r) {
            Some(Some(syn::Type::Tuple(t))) if t.elems.is_empty() => None,
            Some(Some(inner)) => Some(inner.clone()),
            _ => Some(r.clone()),
        },
        None => None,
    };
    match (&returns, &op.returns) {
        (Some(r), None) => c.cx.error_spanned(
            r,
            format!("`{name}` returns nothing in {src} (204): remove `returns`"),
        ),
        (Some(r), Some(t)) => {
            let s = shape(r);
            let rust_collection = s.collection || s.element == "Page";
            if t.collection != rust_collection {
                let want = if t.collection {
                    format!("a collection of {}: use `Vec<…>` or `Page<…>`", t.name)
                } else {
                    format!("one {}, not a collection", t.name)
                };
                c.cx.error_spanned(r, format!("`{name}` in {src} returns {want}"));
            } else if let Some(ok) = fitting(&t.name)
                && !t.collection
                && !ok.contains(&s.element.as_str())
            {
                c.cx.error_spanned(
                    r,
                    format!("`{name}` in {src} returns {}, not `{}`", t.name, s.element),
                );
            }
        }
        _ => {}
    }
}

/// Reports a marker argument (`abstract`, `flags`) that the declaration has and Graph does not, or
/// the other way round: "`ns.name` is (not) {what} in {src}: add/remove `{attr}`".
fn marker_mismatch(
    cx: &mut Ctxt,
    name: &TypeName,
    what: &str,
    attr: &str,
    in_graph: bool,
    declared: bool,
) {
    if in_graph == declared {
        return;
    }
    let (is, fix) = if in_graph {
        ("is", "add")
    } else {
        ("is not", "remove")
    };
    cx.error_at(
        name.span,
        format!(
            "`{}` {is} {what} in Graph {}: {fix} `{attr}`",
            name.qualified, name.version
        ),
    );
}

/// `, did you mean `x`?`, and when the schema spells the name in another case (`Comment`,
/// `USER_NAME`) how to say so: `rename` for one, `rename_all` (unless given) for all.
fn suggest_wire(wire: &str, known: &[&str], rename_all_given: bool) -> String {
    let plain = Metadata::suggest_among(wire, known);
    let folded = |s: &str| s.replace('_', "").to_lowercase();
    let Some(same) = known
        .iter()
        .find(|k| folded(k) == folded(wire) && **k != wire)
    else {
        return plain;
    };
    let style = if same.contains('_') {
        if same.chars().any(char::is_lowercase) {
            "snake_case"
        } else {
            "SCREAMING_SNAKE_CASE"
        }
    } else if !same.chars().any(char::is_lowercase) {
        "UPPERCASE"
    } else if !same.chars().any(char::is_uppercase) {
        "lowercase"
    } else {
        "PascalCase"
    };
    let all = if rename_all_given {
        String::new()
    } else {
        format!(
            ", or `rename_all = \"{style}\"` on the declaration when the schema names everything so"
        )
    };
    format!(", did you mean `{same}`? Write `#[graph(rename = \"{same}\")]`{all}")
}
