//! Code for `#[graph_entity]`/`#[graph_complex]` structs: OData facts, wire (de)serialisation and
//! compile-time checks that every field is an OData value (`write`, `read`); for entities, the
//! PATCH companion (`patch`) and the field enum (`field_enum`).

mod field_enum;
mod patch;
mod read;
mod write;

pub(crate) use field_enum::field_enum;
pub(crate) use patch::patch;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Role, StructModel};
use crate::parse::{BaseRef, MacroKind};

/// `ODataType` for a struct.
///
/// Input:  `#[graph_entity] struct LinkedResource { #[graph(key)] id: Option<String>, … }`
/// Output: `impl ODataType for LinkedResource { const QUALIFIED_NAME = "microsoft.graph.linkedResource"; … }`
pub(crate) fn odata_type(m: &StructModel) -> TokenStream {
    let base = match &m.base {
        None => quote!(__p::Option::None),
        Some(BaseRef::Name(n)) => quote!(__p::Option::Some(#n)),
        Some(BaseRef::Type(t)) => {
            quote_spanned!(t.span()=> __p::Option::Some(<#t as __p::wire::ODataType>::QUALIFIED_NAME))
        }
    };
    super::Facts {
        ident: &m.ident,
        value: true,
        name: &m.name.qualified,
        kind: match m.kind {
            MacroKind::Entity => "Entity",
            MacroKind::Action => "Action",
            MacroKind::Function => "Function",
            _ => "Complex",
        },
        base,
        is_abstract: false,
        key: m.key.as_deref(),
        properties: m
            .fields
            .iter()
            .filter(|f| f.role == Role::Property)
            .map(|f| f.wire.as_str())
            .collect(),
    }
    .expand()
}

/// `ODataStruct` plus `Serialize`/`Deserialize` through it.
///
/// Input:  `struct LinkedResource { id: Option<String>, web_url: Option<String> }`
/// Output: `impl ODataStruct for LinkedResource { fn writes_type … fn write_fields … fn read_fields … }`
///         and `Serialize`/`Deserialize` that call them
pub(crate) fn serde(m: &StructModel) -> TokenStream {
    let ident = &m.ident;
    let write = write::methods(m);
    let read = read::method(m);
    quote! {
        impl __p::wire::ODataStruct for #ident {
            #write

            #read
        }

        impl __p::serde::Serialize for #ident {
            fn serialize<__S: __p::serde::Serializer>(&self, __s: __S) -> __p::Result<__S::Ok, __S::Error> {
                __p::wire::serialize_struct(self, __s, __p::wire::current_mode())
            }
        }

        impl<'de> __p::serde::Deserialize<'de> for #ident {
            fn deserialize<__D: __p::serde::Deserializer<'de>>(__d: __D) -> __p::Result<Self, __D::Error> {
                __p::wire::deserialize_struct(__d)
            }
        }
    }
}

/// A compile-time check that each property's type is an OData value, reported at the field's type.
///
/// Input:  `pub when: std::time::Instant`
/// Output: `property_type_must_be_an_odata_value::<std::time::Instant>();` spanned at the type, so the trait error points there.
pub(crate) fn value_checks(m: &StructModel) -> TokenStream {
    let checks = m
        .fields
        .iter()
        .filter(|f| f.role == Role::Property)
        .map(|f| {
            let ty = &f.ty;
            quote_spanned!(ty.span()=> property_type_must_be_an_odata_value::<#ty>();)
        });
    quote! {
        #[allow(dead_code)]
        fn __graph_odata_value_checks() {
            fn property_type_must_be_an_odata_value<__T: __p::wire::ODataValue + ?Sized>() {}
            #(#checks)*
        }
    }
}
