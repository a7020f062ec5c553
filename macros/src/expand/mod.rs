//! Code generation: one file per concern. Every impl lives in `const _: () = { … };` and reaches the
//! runtime only through `::graph_odata::__private`.

mod endpoints;
mod enums;
mod permissions;
mod poly;
mod structs;
mod tracking;

#[cfg(test)]
mod golden;
#[cfg(test)]
mod no_panic;

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Model;
use crate::parse::MacroKind;

/// The code of a checked declaration: its impls inside one `const _: () = { … };` (with the
/// `include_bytes!` of the metadata files it was checked against), then the companions that must
/// be nameable from outside (an entity's PATCH body and field enum).
///
/// Input:  the model of `#[graph_entity] struct LinkedResource { … }`, the files checked against
/// Output: `const _: () = { use ::graph_odata::__private as __p; impl … };` + `LinkedResourcePatch`, `LinkedResourceField`
pub(crate) fn generate(model: &Model, checked_against: &[PathBuf]) -> TokenStream {
    let generated = impls(model);
    let tracking = tracking::include_files(checked_against);
    let companion = match model {
        Model::Struct(m) if m.kind == MacroKind::Entity => {
            let patch = structs::patch(m);
            let fields = structs::field_enum(m);
            quote!(#patch #fields)
        }
        _ => TokenStream::new(),
    };
    quote! {
        const _: () = {
            use ::graph_odata::__private as __p;
            #[allow(unused_imports)]
            use __p::wire::{ReadOther as _, ReadValue as _, WriteOther as _, WriteValue as _};
            #generated
            #tracking
        };
        #companion
    }
}

/// The impls of one model, placed inside the `const _` block by [`generate`].
fn impls(model: &Model) -> TokenStream {
    match model {
        Model::Struct(m) => {
            let facts = structs::odata_type(m);
            let serde = structs::serde(m);
            let checks = structs::value_checks(m);
            let endpoints = endpoints::entity(m);
            quote!(#facts #serde #checks #endpoints)
        }
        Model::Operation(m) => {
            let facts = structs::odata_type(&m.strukt);
            let serde = structs::serde(&m.strukt);
            let checks = structs::value_checks(&m.strukt);
            let methods = endpoints::operation(m);
            quote!(#facts #serde #checks #methods)
        }
        Model::Poly(m) => poly::expand(m),
        Model::Enum(m) => enums::expand(m),
    }
}

/// The facts every model type carries, in one shape for all macros.
///
/// Input:  `LinkedResource`, `"microsoft.graph.linkedResource"`, `Entity`, …
/// Output: `impl ODataType for LinkedResource { const QUALIFIED_NAME = …; … } impl ODataValue for LinkedResource {}`
pub(crate) struct Facts<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) name: &'a str,
    pub(crate) kind: &'static str,
    pub(crate) base: TokenStream,
    pub(crate) is_abstract: bool,
    pub(crate) key: Option<&'a str>,
    pub(crate) properties: Vec<&'a str>,
    /// Whether the type can be a property by itself (`ODataValue`); a flags enumeration cannot:
    /// it is a property as `Flags<…>`, a list of members.
    pub(crate) value: bool,
}

impl Facts<'_> {
    pub(crate) fn expand(&self) -> TokenStream {
        let ident = self.ident;
        let name = self.name;
        let annotation = format!("#{name}");
        let kind = quote::format_ident!("{}", self.kind);
        let base = &self.base;
        let is_abstract = self.is_abstract;
        let key = match self.key {
            Some(k) => quote!(__p::Option::Some(#k)),
            None => quote!(__p::Option::None),
        };
        let properties = &self.properties;
        let value = self
            .value
            .then(|| quote!(impl __p::wire::ODataValue for #ident {}));
        quote! {
            impl __p::wire::ODataType for #ident {
                const QUALIFIED_NAME: &'static str = #name;
                const TYPE_ANNOTATION: &'static str = #annotation;
                const KIND: __p::wire::TypeKind = __p::wire::TypeKind::#kind;
                const BASE: __p::Option<&'static str> = #base;
                const ABSTRACT: bool = #is_abstract;
                const KEY: __p::Option<&'static str> = #key;
                const PROPERTIES: &'static [&'static str] = &[#(#properties),*];
            }
            #value
        }
    }
}

/// Impls that keep the rest of the crate compiling while the declaration has errors. Their bodies
/// only report that the declaration is broken; the compile error above is what the user sees.
pub(crate) fn fallback(input: &syn::DeriveInput) -> TokenStream {
    if !input.generics.params.is_empty() || matches!(input.data, syn::Data::Union(_)) {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let message = format!("the graph-odata declaration of `{ident}` has compile errors");
    let facts = Facts {
        ident,
        value: true,
        name: "graph_odata.invalidDeclaration",
        kind: "Complex",
        base: quote!(__p::Option::None),
        is_abstract: false,
        key: None,
        properties: Vec::new(),
    }
    .expand();
    let odata_struct = matches!(input.data, syn::Data::Struct(_)).then(|| {
        quote! {
            impl __p::wire::ODataStruct for #ident {
                fn writes_type(&self, _: __p::wire::WriteMode) -> bool {
                    false
                }
                fn write_fields<__M: __p::serde::ser::SerializeMap>(&self, _: &mut __M, _: __p::wire::WriteMode) -> __p::Result<(), __M::Error> {
                    __p::Result::Err(<__M::Error as __p::serde::ser::Error>::custom(#message))
                }
                fn read_fields<'de, __A: __p::serde::de::MapAccess<'de>>(_: __A) -> __p::Result<Self, __A::Error> {
                    __p::Result::Err(<__A::Error as __p::serde::de::Error>::custom(#message))
                }
            }
        }
    });
    quote! {
        const _: () = {
            use ::graph_odata::__private as __p;
            #[allow(unused_imports)]
            use __p::wire::{ReadOther as _, ReadValue as _, WriteOther as _, WriteValue as _};
            #facts
            #odata_struct
            impl __p::serde::Serialize for #ident {
                fn serialize<__S: __p::serde::Serializer>(&self, _: __S) -> __p::Result<__S::Ok, __S::Error> {
                    __p::Result::Err(<__S::Error as __p::serde::ser::Error>::custom(#message))
                }
            }
            impl<'de> __p::serde::Deserialize<'de> for #ident {
                fn deserialize<__D: __p::serde::Deserializer<'de>>(_: __D) -> __p::Result<Self, __D::Error> {
                    __p::Result::Err(<__D::Error as __p::serde::de::Error>::custom(#message))
                }
            }
        };
    }
}
