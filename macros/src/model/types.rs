//! What the macros can tell about a type from its name alone.

use graph_odata_metadata::edm;
use syn::{Ident, Type};

/// Types the macros know by name besides the Rust types of primitive values
/// ([`edm::is_primitive_rust`]). A name outside both lists may be an alias of anything
/// (`type Text = String;`), so it is never judged.
const OTHER_KNOWN_TYPES: &[&str] = &[
    "char",
    "i128",
    "u128",
    "Vec",
    "Option",
    "Box",
    "HashMap",
    "BTreeMap",
    "Map",
    "Value",
    "RawObject",
    "Flags",
];

/// Whether the macros know a type by its name (the last path segment).
fn is_known_type(name: &str) -> bool {
    edm::is_primitive_rust(name) || OTHER_KNOWN_TYPES.contains(&name)
}

/// Whether a type is known by name (see [`is_known_type`]) to be none of `allowed`.
pub(super) fn known_other_than(ty: &Type, allowed: &[&str]) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            is_known_type(&name) && !allowed.contains(&name.as_str())
        }),
        Type::Tuple(_) | Type::Array(_) | Type::Slice(_) | Type::Reference(_) => true,
        _ => false,
    }
}

/// Whether a type's last path segment is one of `names` (`Vec`): the macros judge types by
/// name, as they see no more.
pub(super) fn last_segment_is(ty: &Type, names: &[&str]) -> bool {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| names.iter().any(|n| s.ident == n)),
        _ => false,
    }
}

/// A companion type's name: the one given (`patch_type = "TaskChanges"`), else `{Name}{suffix}`.
pub(super) fn companion(given: &Option<syn::LitStr>, ident: &Ident, suffix: &str) -> Ident {
    given
        .as_ref()
        .and_then(|l| syn::parse_str::<Ident>(&l.value()).ok())
        .map(|mut i| {
            // `set_span` keeps a raw identifier raw (`r#Type`); `Ident::new` would panic on it.
            i.set_span(l_span(given));
            i
        })
        .unwrap_or_else(|| quote::format_ident!("{}{}", ident, suffix))
}

pub(super) fn l_span(given: &Option<syn::LitStr>) -> proc_macro2::Span {
    given
        .as_ref()
        .map_or_else(proc_macro2::Span::call_site, syn::LitStr::span)
}

/// `Lro<T>` (a long-running operation's declared return): `Some(Some(T))`, or `Some(None)` for an
/// `Lro` without exactly one type argument; `None` for any other type.
pub(crate) fn lro_result(ty: &Type) -> Option<Option<&Type>> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Lro" {
        return None;
    }
    Some(match &last.arguments {
        syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match a.args.first() {
            Some(syn::GenericArgument::Type(t)) => Some(t),
            _ => None,
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::is_known_type;

    #[test]
    fn the_known_type_names() {
        let known = [
            "String",
            "str",
            "bool",
            "char",
            "i8",
            "i16",
            "i32",
            "i64",
            "i128",
            "u8",
            "u16",
            "u32",
            "u64",
            "u128",
            "f32",
            "f64",
            "Vec",
            "Option",
            "Box",
            "HashMap",
            "BTreeMap",
            "Map",
            "Value",
            "RawObject",
            "DateTimeOffset",
            "Date",
            "TimeOfDay",
            "Duration",
            "Guid",
            "Int64",
            "Decimal",
            "Binary",
            "Flags",
        ];
        for name in known {
            assert!(is_known_type(name), "{name}");
        }
        for name in ["Text", "LinkedResource", "usize", "isize", "Uuid", "Cow"] {
            assert!(!is_known_type(name), "{name}");
        }
    }
}
