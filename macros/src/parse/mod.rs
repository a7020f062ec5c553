//! Attribute arguments parsed into typed slots. Pure: no code generation here.
//!
//! `args` reads the macro's own arguments, `fields` the `#[graph(…)]` of fields and variants,
//! `foreign` the attributes that cannot stand beside the macro; `attrs` is the table of every key,
//! `names` the naming rules and `path` the grammar of HTTP lines.

mod args;
pub(crate) mod attrs;
mod fields;
mod foreign;
pub(crate) mod names;

pub(crate) use args::{BaseRef, TypeArgs, type_args};
pub(crate) use fields::{VariantAttrs, field_attrs, variant_attrs};
pub(crate) use foreign::foreign_attrs;

/// Which attribute macro is running.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum MacroKind {
    Entity,
    Complex,
    Enum,
    Action,
    Function,
}

impl MacroKind {
    /// Every attribute macro of the crate: the one list of their names (through [`Self::name`]).
    pub(crate) const ALL: [MacroKind; 5] = [
        MacroKind::Entity,
        MacroKind::Complex,
        MacroKind::Enum,
        MacroKind::Action,
        MacroKind::Function,
    ];

    /// The macro's name, as written in `#[…]`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            MacroKind::Entity => "graph_entity",
            MacroKind::Complex => "graph_complex",
            MacroKind::Action => "graph_action",
            MacroKind::Function => "graph_function",
            MacroKind::Enum => "graph_enum",
        }
    }

    /// Where this macro's arguments are written, in the attribute table.
    fn place(self) -> attrs::Place {
        match self {
            MacroKind::Entity => attrs::Place::Entity,
            MacroKind::Complex => attrs::Place::Complex,
            MacroKind::Enum => attrs::Place::Enum,
            MacroKind::Action => attrs::Place::Action,
            MacroKind::Function => attrs::Place::Function,
        }
    }

    /// The keys this macro accepts (entity endpoints aside), from the attribute table.
    fn keys(self) -> Vec<&'static str> {
        attrs::names(self.place())
            .into_iter()
            .filter(|k| !ENDPOINT_VERBS.contains(k))
            .collect()
    }

    /// Whether `key` names an entity endpoint (`create`, `get_for_user`, …).
    fn is_endpoint_key(self, key: &str) -> bool {
        self == MacroKind::Entity
            && ENDPOINT_VERBS.iter().any(|v| {
                key == *v
                    || key
                        .strip_prefix(v)
                        .is_some_and(|rest| rest.starts_with('_'))
            })
    }
}

/// The verbs an entity endpoint's name starts with; each fixes the HTTP methods it may use.
pub(crate) const ENDPOINT_VERBS: &[&str] = &["create", "get", "list", "update", "delete"];

/// Whether an attribute is ours (`#[graph(…)]`).
pub(crate) fn is_graph_attr(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("graph")
}

/// Removes `#[graph(…)]` from fields and variants (they are ours, not rustc's).
pub(crate) fn strip_graph_attrs(input: &mut syn::DeriveInput) {
    match &mut input.data {
        syn::Data::Struct(s) => {
            for f in s.fields.iter_mut() {
                f.attrs.retain(|a| !is_graph_attr(a));
            }
        }
        syn::Data::Enum(e) => {
            for v in e.variants.iter_mut() {
                v.attrs.retain(|a| !is_graph_attr(a));
                for f in v.fields.iter_mut() {
                    f.attrs.retain(|a| !is_graph_attr(a));
                }
            }
        }
        syn::Data::Union(_) => {}
    }
}

/// If `ty` is `Option<T>` (written `Option`, `std::option::Option` or `core::option::Option`), `T`.
pub(crate) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let is_option = matches!(
        names
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["Option"] | ["std", "option", "Option"] | ["core", "option", "Option"]
    );
    if !is_option {
        return None;
    }
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(syn::GenericArgument::Type(t)) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macro_names_are_the_cli_s() {
        let names = MacroKind::ALL.map(MacroKind::name);
        assert_eq!(names, graph_odata_metadata::names::MACROS);
    }

    #[test]
    fn option_detection() {
        let t: syn::Type = syn::parse_quote!(Option<String>);
        assert!(option_inner(&t).is_some());
        let t: syn::Type = syn::parse_quote!(core::option::Option<Vec<u8>>);
        assert!(option_inner(&t).is_some());
        let t: syn::Type = syn::parse_quote!(Vec<Option<u8>>);
        assert!(option_inner(&t).is_none());
        let t: syn::Type = syn::parse_quote!(my::Option<u8>);
        assert!(option_inner(&t).is_none());
    }
}
