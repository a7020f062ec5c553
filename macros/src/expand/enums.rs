//! Code for `#[graph_enum]` enumerations.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::EnumModel;

/// Input:  `enum ConnectionState { Draft, Ready, #[graph(other)] Other(String) }`
/// Output: member names on the wire (`"draft"`), unknown names kept in `Other`, `Display`, and
///         `FlagsEnum` when declared `flags`.
pub(crate) fn expand(m: &EnumModel) -> TokenStream {
    let ident = &m.ident;
    let name = &m.name.qualified;
    let other = &m.other;
    let members: Vec<_> = m.members.iter().map(|v| &v.ident).collect();
    let wires: Vec<_> = m.members.iter().map(|v| &v.wire).collect();
    let flags = m
        .flags
        .then(|| quote!(impl __p::wire::FlagsEnum for #ident {}));
    let expecting = format!("a member name of {name}");
    let facts = super::Facts {
        ident,
        value: !m.flags,
        name,
        kind: "Enum",
        base: quote!(__p::Option::None),
        is_abstract: false,
        key: None,
        properties: m.members.iter().map(|x| x.wire.as_str()).collect(),
    }
    .expand();
    quote! {
        #facts

        impl __p::wire::GraphEnum for #ident {
            fn as_wire(&self) -> &str {
                match self {
                    #(#ident::#members => #wires,)*
                    #ident::#other(__name) => __name,
                }
            }
            fn from_wire(__name: &str) -> Self {
                match __name {
                    #(#wires => #ident::#members,)*
                    __unknown => #ident::#other(__p::String::from(__unknown)),
                }
            }
        }
        #flags

        impl __p::wire::ODataLiteral for #ident {
            fn literal(&self) -> __p::Option<__p::String> {
                __p::wire::ODataLiteral::literal(__p::wire::GraphEnum::as_wire(self))
            }
            fn write_arg(&self, __name: &str, __path: __p::path::PathBuilder) -> __p::path::PathBuilder {
                __path.quoted_arg(__name, __p::wire::GraphEnum::as_wire(self))
            }
        }

        impl __p::fmt::Display for #ident {
            fn fmt(&self, __f: &mut __p::fmt::Formatter<'_>) -> __p::fmt::Result {
                __f.write_str(__p::wire::GraphEnum::as_wire(self))
            }
        }

        impl __p::serde::Serialize for #ident {
            fn serialize<__S: __p::serde::Serializer>(&self, __s: __S) -> __p::Result<__S::Ok, __S::Error> {
                __s.serialize_str(__p::wire::GraphEnum::as_wire(self))
            }
        }

        impl<'de> __p::serde::Deserialize<'de> for #ident {
            fn deserialize<__D: __p::serde::Deserializer<'de>>(__d: __D) -> __p::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> __p::serde::de::Visitor<'de> for __Visitor {
                    type Value = #ident;
                    fn expecting(&self, __f: &mut __p::fmt::Formatter<'_>) -> __p::fmt::Result {
                        __f.write_str(#expecting)
                    }
                    fn visit_str<__E: __p::serde::de::Error>(self, __v: &str) -> __p::Result<#ident, __E> {
                        __p::Result::Ok(<#ident as __p::wire::GraphEnum>::from_wire(__v))
                    }
                }
                __d.deserialize_str(__Visitor)
            }
        }
    }
}
