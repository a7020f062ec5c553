//! Reading a struct: `ODataStruct::read_fields`, one identifier variant per property and per
//! annotation the struct keeps, unknown members skipped or kept in the `extra` map.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Role, StructModel};

/// The reading half of `ODataStruct`.
///
/// Input:  `struct LinkedResource { id: Option<String>, web_url: Option<String> }`
/// Output: `fn read_fields(…)` matching `"webUrl"` (last one wins when a key repeats)
pub(super) fn method(m: &StructModel) -> TokenStream {
    let ident = &m.ident;
    let props: Vec<_> = m
        .fields
        .iter()
        .filter(|f| f.role == Role::Property)
        .collect();
    // Reading: one identifier variant per property and per requested annotation.
    let prop_variants: Vec<_> = (0..props.len())
        .map(|i| format_ident!("__F{}", i))
        .collect();
    let prop_locals: Vec<_> = (0..props.len())
        .map(|i| format_ident!("__v{}", i))
        .collect();
    let prop_wires = props.iter().map(|f| &f.wire);
    let prop_reads =
        props
            .iter()
            .zip(&prop_variants)
            .zip(&prop_locals)
            .map(|((f, variant), local)| {
                let ty = &f.ty;
                // `Option<Option<T>>` tells a member sent as `null` (`Some(None)`) from one left
                // out (`None`), as it is written: the member's value is read as the inner
                // `Option<T>`.
                let read = match f.option_inner.as_ref().filter(|i| crate::parse::option_inner(i).is_some()) {
                    Some(inner) => quote_spanned! {ty.span()=>
                        __p::Option::Some((&__p::wire::ReadProp::<#inner>(__p::PhantomData)).read_value(&mut __map)?)
                    },
                    None => quote_spanned! {ty.span()=>
                        (&__p::wire::ReadProp::<#ty>(__p::PhantomData)).read_value(&mut __map)?
                    },
                };
                quote_spanned! {ty.span()=>
                    __Field::#variant => {
                        if #local.is_none() {
                            #local = __p::Option::Some(#read);
                        } else {
                            __p::wire::repeated_member(&mut #local, #read);
                        }
                    }
                }
            });
    let prop_types = props.iter().map(|f| &f.ty);
    let annotations: Vec<_> = m
        .fields
        .iter()
        .filter_map(|f| f.role.annotation().map(|wire| (f, wire)))
        .map(|(f, wire)| {
            // The variant is named after the role (`__ETag`); the member is read under its
            // OData 4.01 name and the 4.0 short form (`@odata.etag` or `@etag`).
            let variant = format_ident!("__{}", format!("{:?}", f.role));
            let short = wire.replacen("@odata.", "@", 1);
            let names = quote!(#wire | #short);
            (f, variant, names)
        })
        .collect();
    let ann_variants = annotations.iter().map(|(_, v, _)| v);
    let ann_matches = annotations
        .iter()
        .map(|(_, v, names)| quote!(#names => __Field::#v,));
    let ann_reads = annotations.iter().map(|(f, v, _)| {
        let fi = &f.ident;
        if f.role == Role::Type {
            quote! {
                __Field::#v => {
                    let __t: __p::String = __map.next_value()?;
                    __out_type = __p::Option::Some(__p::String::from(__p::wire::strip_hash(&__t)));
                }
            }
        } else {
            let local = format_ident!("__ann_{}", fi.to_string().trim_start_matches("r#"));
            quote! { __Field::#v => { #local = __map.next_value()?; } }
        }
    });
    let ann_locals = annotations.iter().map(|(f, _, _)| {
        let fi = &f.ident;
        if f.role == Role::Type {
            quote!(let mut __out_type: __p::Option<__p::String> = __p::Option::None;)
        } else {
            let local = format_ident!("__ann_{}", fi.to_string().trim_start_matches("r#"));
            quote!(let mut #local = __p::Option::None;)
        }
    });
    let ann_fields = annotations.iter().map(|(f, _, _)| {
        let fi = &f.ident;
        if f.role == Role::Type {
            quote!(#fi: __out_type,)
        } else {
            let local = format_ident!("__ann_{}", fi.to_string().trim_start_matches("r#"));
            quote!(#fi: #local,)
        }
    });
    let (other_variant, other_arm, other_read, extra_local, extra_field) = match &m.extra {
        Some(e) => {
            let ety = m
                .fields
                .iter()
                .find(|f| f.role == Role::Extra)
                .map(|f| &f.ty);
            (
                quote!(__Other(__p::String),),
                quote!(__k => __Field::__Other(__p::String::from(__k)),),
                quote!(__Field::__Other(__k) => { __extra.insert(__k, __map.next_value()?); }),
                quote!(let mut __extra: #ety = __p::Default::default();),
                quote!(#e: __extra,),
            )
        }
        None => (
            quote!(),
            quote!(_ => __Field::__Ignore,),
            quote!(),
            quote!(),
            quote!(),
        ),
    };
    let finish_props = props.iter().zip(&prop_locals).map(|(f, local)| {
        let wire = &f.wire;
        let missing = if f.option_inner.is_some() {
            quote!(__p::Option::None)
        } else if f.default {
            // Spanned at the field's type: a type without `Default` is reported there.
            let ty = &f.ty;
            quote_spanned!(ty.span()=> <#ty as __p::Default>::default())
        } else {
            quote!(return __p::Result::Err(<__A::Error as __p::serde::de::Error>::missing_field(#wire)))
        };
        quote! {
            let #local = match #local {
                __p::Option::Some(__v) => __v,
                __p::Option::None => #missing,
            };
        }
    });
    let build_props = props.iter().zip(&prop_locals).map(|(f, local)| {
        let fi = &f.ident;
        quote!(#fi: #local,)
    });

    quote! {
        #[inline]
        fn read_fields<'de, __A: __p::serde::de::MapAccess<'de>>(
            mut __map: __A,
        ) -> __p::Result<Self, __A::Error> {
            #[allow(non_camel_case_types, clippy::enum_variant_names)]
            enum __Field {
                #(#prop_variants,)*
                #(#ann_variants,)*
                #other_variant
                __Ignore,
            }
            struct __FieldVisitor;
            impl<'de> __p::serde::de::Visitor<'de> for __FieldVisitor {
                type Value = __Field;
                fn expecting(&self, __f: &mut __p::fmt::Formatter<'_>) -> __p::fmt::Result {
                    __f.write_str("a property name")
                }
                fn visit_str<__E: __p::serde::de::Error>(self, __v: &str) -> __p::Result<__Field, __E> {
                    __p::Result::Ok(match __v {
                        #(#prop_wires => __Field::#prop_variants,)*
                        #(#ann_matches)*
                        __k if __p::wire::is_annotation(__k) => __Field::__Ignore,
                        #other_arm
                    })
                }
            }
            impl<'de> __p::serde::Deserialize<'de> for __Field {
                fn deserialize<__D: __p::serde::Deserializer<'de>>(__d: __D) -> __p::Result<Self, __D::Error> {
                    __d.deserialize_identifier(__FieldVisitor)
                }
            }

            #(let mut #prop_locals: __p::Option<#prop_types> = __p::Option::None;)*
            #(#ann_locals)*
            #extra_local
            while let __p::Option::Some(__key) = __map.next_key::<__Field>()? {
                match __key {
                    #(#prop_reads)*
                    #(#ann_reads)*
                    #other_read
                    __Field::__Ignore => { __map.next_value::<__p::serde::de::IgnoredAny>()?; }
                }
            }
            #(#finish_props)*
            __p::Result::Ok(#ident {
                #(#build_props)*
                #(#ann_fields)*
                #extra_field
            })
        }
    }
}
