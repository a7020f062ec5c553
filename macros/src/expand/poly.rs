//! Code for polymorphic enums: `#[graph_complex(abstract)] enum IdentitySource { … }`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::PolyModel;
use crate::parse::MacroKind;

/// Input:  `enum IdentitySource { AzureActiveDirectoryTenant(AzureActiveDirectoryTenant), #[graph(other)] Other(RawObject) }`
/// Output: `Serialize` writing `"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant"` first;
///         `Deserialize` dispatching on `@odata.type` without buffering when it is the first member,
///         buffering otherwise; unknown types kept in `Other`.
pub(crate) fn expand(m: &PolyModel) -> TokenStream {
    let ident = &m.ident;
    let name = &m.name.qualified;
    let is_abstract = m.is_abstract;
    // Whether a variant writes its type: always for derived types, for the base only when asked.
    let write_condition = if m.write_type {
        quote!(true)
    } else {
        quote!(!__is_base)
    };
    let other = &m.other;
    let facts = super::Facts {
        ident,
        value: true,
        name,
        kind: if m.kind == MacroKind::Entity {
            "Entity"
        } else {
            "Complex"
        },
        base: quote!(__p::Option::None),
        is_abstract,
        key: None,
        properties: Vec::new(),
    }
    .expand();
    let variants: Vec<_> = m.variants.iter().map(|v| &v.ident).collect();
    let types: Vec<_> = m.variants.iter().map(|v| &v.ty).collect();
    let checks = types
        .iter()
        .map(|ty| quote_spanned!(ty.span()=> variant_must_be_a_graph_model::<#ty>();));
    let ser_arms = variants.iter().zip(&types).map(|(v, ty)| {
        quote_spanned! {ty.span()=>
            #ident::#v(__v) => {
                let __mode = __p::wire::current_mode();
                let mut __map = __p::serde::Serializer::serialize_map(__s, __p::Option::None)?;
                let __is_base = <#ty as __p::wire::ODataType>::QUALIFIED_NAME == #name;
                if !__p::wire::ODataStruct::writes_type(__v, __mode)
                    && #write_condition
                {
                    __p::serde::ser::SerializeMap::serialize_entry(
                        &mut __map,
                        "@odata.type",
                        <#ty as __p::wire::ODataType>::TYPE_ANNOTATION,
                    )?;
                }
                __p::wire::ODataStruct::write_fields(__v, &mut __map, __mode)?;
                __p::serde::ser::SerializeMap::end(__map)
            }
        }
    });
    let stream_dispatch = variants.iter().zip(&types).map(|(v, ty)| {
        quote_spanned! {ty.span()=>
            if __t == <#ty as __p::wire::ODataType>::QUALIFIED_NAME {
                return <#ty as __p::wire::ODataStruct>::read_fields(__map).map(#ident::#v);
            }
        }
    });
    let buffered_dispatch = variants.iter().zip(&types).map(|(v, ty)| {
        quote_spanned! {ty.span()=>
            if __t == <#ty as __p::wire::ODataType>::QUALIFIED_NAME {
                return __p::wire::from_json_object::<#ty, __E>(__obj).map(#ident::#v);
            }
        }
    });
    let base_dispatch = variants.iter().zip(&types).map(|(v, ty)| {
        quote_spanned! {ty.span()=>
            if <#ty as __p::wire::ODataType>::QUALIFIED_NAME == #name {
                return __p::wire::from_json_object::<#ty, __E>(__obj).map(#ident::#v);
            }
        }
    });
    let expecting = format!("a JSON object of a type derived from {name}");
    let missing = if is_abstract {
        format!(
            "missing `@odata.type`: {name} is abstract, so every value must name its derived type"
        )
    } else {
        format!("missing `@odata.type`, and no variant is the base type {name} itself")
    };
    quote! {
        #facts

        impl __p::serde::Serialize for #ident {
            fn serialize<__S: __p::serde::Serializer>(&self, __s: __S) -> __p::Result<__S::Ok, __S::Error> {
                match self {
                    #(#ser_arms)*
                    #ident::#other(__raw) => __p::serde::Serialize::serialize(__raw, __s),
                }
            }
        }

        impl #ident {
            /// Reads a value once its `@odata.type` is known and the rest is still in the map.
            fn __graph_odata_from_stream<'de, __A: __p::serde::de::MapAccess<'de>>(
                __t_raw: __p::wire::TypeValue<'de>,
                __map: __A,
            ) -> __p::Result<Self, __A::Error> {
                let __t = __t_raw.name();
                #(#stream_dispatch)*
                let mut __obj = __p::serde_json::Map::new();
                __obj.insert(__p::String::from("@odata.type"), __p::serde_json::Value::String(__t_raw.into_string()));
                __p::wire::rest_of_map(__map, __obj).map(|__o| #ident::#other(__p::wire::RawObject(__o)))
            }

            /// Reads a value from buffered members (when `@odata.type` was not first).
            fn __graph_odata_from_object<__E: __p::serde::de::Error>(
                __obj: __p::serde_json::Map<__p::String, __p::serde_json::Value>,
            ) -> __p::Result<Self, __E> {
                let __found = __obj
                    .get("@odata.type")
                    .or_else(|| __obj.get("@type"))
                    .and_then(__p::serde_json::Value::as_str)
                    .map(|__t| __p::String::from(__p::wire::strip_hash(__t)));
                match __found {
                    __p::Option::Some(__t) => {
                        let __t = __t.as_str();
                        #(#buffered_dispatch)*
                        __p::Result::Ok(#ident::#other(__p::wire::RawObject(__obj)))
                    }
                    __p::Option::None => {
                        #(#base_dispatch)*
                        __p::Result::Err(<__E as __p::serde::de::Error>::custom(#missing))
                    }
                }
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
                    fn visit_map<__A: __p::serde::de::MapAccess<'de>>(self, mut __map: __A) -> __p::Result<#ident, __A::Error> {
                        let __first: __p::Option<__p::wire::FirstKey> = __map.next_key()?;
                        match __first {
                            __p::Option::Some(__p::wire::FirstKey::Type) => {
                                let __t: __p::wire::TypeValue<'de> = __map.next_value()?;
                                #ident::__graph_odata_from_stream(__t, __map)
                            }
                            __p::Option::Some(__p::wire::FirstKey::Other(__k)) => {
                                let __v: __p::serde_json::Value = __map.next_value()?;
                                let mut __obj = __p::serde_json::Map::new();
                                __obj.insert(__k, __v);
                                let __obj = __p::wire::rest_of_map(__map, __obj)?;
                                #ident::__graph_odata_from_object(__obj)
                            }
                            __p::Option::None => #ident::__graph_odata_from_object(__p::serde_json::Map::new()),
                        }
                    }
                }
                __d.deserialize_map(__Visitor)
            }
        }

        #[allow(dead_code)]
        fn __graph_odata_variant_checks() {
            fn variant_must_be_a_graph_model<__T: __p::wire::ODataStruct>() {}
            #(#checks)*
        }
    }
}
