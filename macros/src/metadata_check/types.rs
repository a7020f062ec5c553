//! What a declaration's Rust types mean to the schema (the path segments for the resolver come from
//! `graph_odata_metadata::line`): whether a field's Rust type can hold a property or a navigation property.

use graph_odata_metadata::{Metadata, edm};

/// Why a field's Rust type cannot hold a navigation property, if it cannot: it must be an
/// `Option` (absent unless expanded), a `Vec` exactly for collections, and its element must model the
/// target type, a base or a derived type of it (judged by name when the name is a type of the
/// schema; another name cannot be judged here).
pub(super) fn nav_misfit(
    md: &Metadata,
    ty: &syn::Type,
    target: &graph_odata_metadata::TypeRef,
) -> Option<String> {
    let s = shape(ty);
    if !s.optional {
        return Some(format!(
            "write `Option<{}>`: it is absent unless the request expands it",
            if target.collection { "Vec<…>" } else { "…" }
        ));
    }
    if s.collection != target.collection {
        return Some(if target.collection {
            "write `Option<Vec<…>>`".to_owned()
        } else {
            "write `Option<…>`, not a `Vec`".to_owned()
        });
    }
    let camel = graph_odata_metadata::names::pascal_to_lower_camel(&s.element);
    let namespace = target.name.rsplit_once('.').map_or("", |(ns, _)| ns);
    let candidate = format!("{namespace}.{camel}");
    let related =
        md.derives_from(&candidate, &target.name) || md.derives_from(&target.name, &candidate);
    if md.type_def(&candidate).is_some() && !related {
        return Some(format!(
            "`{}` models `{candidate}`, which is neither `{}` nor a base or derived type of it",
            s.element, target.name
        ));
    }
    None
}

/// The Rust shape of a field: `Option`-ness, `Vec`-ness and the element type's last name.
pub(super) struct Shape {
    pub(super) optional: bool,
    pub(super) collection: bool,
    pub(super) element: String,
}

pub(super) fn last_ident(ty: &syn::Type) -> Option<(String, Option<&syn::Type>)> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    let inner = match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    Some((seg.ident.to_string(), inner))
}

pub(super) fn shape(ty: &syn::Type) -> Shape {
    let mut optional = false;
    let mut collection = false;
    let mut ty = ty;
    loop {
        match last_ident(ty) {
            Some((name, Some(inner))) if name == "Option" && !optional && !collection => {
                optional = true;
                ty = inner;
            }
            Some((name, Some(inner))) if name == "Vec" && !collection => {
                collection = true;
                ty = inner;
            }
            Some((name, Some(inner))) if name == "Box" => ty = inner,
            Some((name, _)) => {
                return Shape {
                    optional,
                    collection,
                    element: name,
                };
            }
            None => {
                return Shape {
                    optional,
                    collection,
                    element: String::new(),
                };
            }
        }
    }
}

/// Which Rust element types fit an Edm primitive type (`None`: not a primitive graph-odata maps).
pub(super) fn fitting(edm: &str) -> Option<&'static [&'static str]> {
    edm::primitive(edm).map(|p| p.fits)
}

/// Why a field's Rust type does not fit the property's type, if it does not. A name that is not a
/// known primitive (`Text`, `Maybe<Text>`) may be a type alias of a fitting one: it is judged only
/// where it cannot be right whatever it stands for.
pub(super) fn misfit(
    ty: &syn::Type,
    prop: &graph_odata_metadata::TypeRef,
    is_enum: bool,
    flags: bool,
    with_default: bool,
) -> Option<String> {
    let s = shape(ty);
    if s.element == "Value" {
        return None;
    }
    let known = |name: &str| edm::is_primitive_rust(name) || name == "Flags";
    if prop.collection && !s.collection {
        return Some(format!(
            "is a collection of {}: declare it `Vec<…>` (or `Option<Vec<…>>`)",
            prop.name
        ));
    }
    if !prop.collection && s.collection {
        return Some(format!("is a single {}, not a collection", prop.name));
    }
    // `#[graph(default)]` on an alias of `Option` (`Maybe<T>`) is the documented way to read null.
    let alias_of_option = with_default && !s.collection && !known(&s.element);
    if prop.nullable && !prop.collection && !s.optional && !alias_of_option {
        return Some(format!(
            "is nullable ({}): declare it `Option<…>`",
            prop.name
        ));
    }
    match fitting(&prop.name) {
        Some(_) if !known(&s.element) => None,
        Some(ok) if !ok.contains(&s.element.as_str()) => Some(format!(
            "is {}: use {}, not `{}`",
            prop.name,
            ok.iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(" or "),
            s.element
        )),
        Some(_) => None,
        None if flags && s.element != "Flags" => Some(format!(
            "is the flags enumeration {}: use `Flags<…>`",
            prop.name
        )),
        None if edm::is_primitive_rust(&s.element) => Some(format!(
            "is the {} {}, not a primitive `{}`",
            if is_enum {
                "enumeration"
            } else {
                "structured type"
            },
            prop.name,
            s.element
        )),
        None => None,
    }
}
