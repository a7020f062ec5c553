//! Reading a struct: `ODataStruct::read_fields`, one entry of a name table per property and per
//! annotation spelling the struct keeps (read by the runtime's `Members`), unknown members skipped
//! or kept in the `extra` map.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Role, StructModel};

/// The reading half of `ODataStruct`.
///
/// Input:  `struct LinkedResource { id: Option<String>, web_url: Option<String> }`
/// Output: `fn read_fields(…)` looking each member name up in `["id", "webUrl"]` and reading the
///         value into the property's slot (last one wins when a key repeats)
pub(super) fn method(m: &StructModel) -> TokenStream {
    let ident = &m.ident;
    let props: Vec<_> = m
        .fields
        .iter()
        .filter(|f| f.role == Role::Property)
        .collect();
    let prop_locals: Vec<_> = (0..props.len())
        .map(|i| format_ident!("__v{}", i))
        .collect();
    // The name table: properties first (index = property), then each kept annotation, read under
    // its OData 4.01 name and the 4.0 short form (`@odata.etag` or `@etag`).
    let mut name_arms: Vec<TokenStream> = props
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let wire = &f.wire;
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(#wire => __p::Option::Some(#i),)
        })
        .collect();
    let prop_reads = props.iter().zip(&prop_locals).enumerate().map(|(i, (f, local))| {
        let ty = &f.ty;
        // `Option<Option<T>>` tells a member sent as `null` (`Some(None)`) from one left out
        // (`None`), as it is written: the member's value is read as the inner `Option<T>`.
        let read = match f
            .option_inner
            .as_ref()
            .filter(|i| crate::parse::option_inner(i).is_some())
        {
            Some(inner) => quote_spanned! {ty.span()=>
                (&__p::wire::ReadProp::<#inner>(__p::PhantomData)).read_some_into(&mut #local, &mut __map)?
            },
            None => quote_spanned! {ty.span()=>
                (&__p::wire::ReadProp::<#ty>(__p::PhantomData)).read_into(&mut #local, &mut __map)?
            },
        };
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote_spanned!(ty.span()=> __p::wire::Member::Known(#i) => #read,)
    });
    let prop_types = props.iter().map(|f| &f.ty);
    let mut ann_reads = Vec::new();
    let mut ann_locals = Vec::new();
    let mut ann_fields = Vec::new();
    for f in &m.fields {
        let Some(wire) = f.role.annotation() else {
            continue;
        };
        let index = proc_macro2::Literal::usize_unsuffixed(props.len() + ann_reads.len());
        let short = wire.replacen("@odata.", "@", 1);
        name_arms.push(quote!(#wire | #short => __p::Option::Some(#index),));
        let fi = &f.ident;
        if f.role == Role::Type {
            ann_reads.push(quote! {
                __p::wire::Member::Known(#index) => {
                    let __t: __p::String = __map.next_value()?;
                    __out_type = __p::Option::Some(__p::String::from(__p::wire::strip_hash(&__t)));
                }
            });
            ann_locals
                .push(quote!(let mut __out_type: __p::Option<__p::String> = __p::Option::None;));
            ann_fields.push(quote!(#fi: __out_type,));
        } else {
            let local = format_ident!("__ann_{}", fi.to_string().trim_start_matches("r#"));
            ann_reads.push(quote! {
                __p::wire::Member::Known(#index) => { #local = __map.next_value()?; }
            });
            ann_locals.push(quote!(let mut #local = __p::Option::None;));
            ann_fields.push(quote!(#fi: #local,));
        }
    }
    let (keep_other, other_read, extra_local, extra_field) = match &m.extra {
        Some(e) => {
            let ety = m
                .fields
                .iter()
                .find(|f| f.role == Role::Extra)
                .map(|f| &f.ty);
            (
                true,
                quote!(__p::wire::Member::Other(__k) => { __extra.insert(__k, __map.next_value()?); }),
                quote!(let mut __extra: #ety = __p::Default::default();),
                quote!(#e: __extra,),
            )
        }
        None => (false, quote!(), quote!(), quote!()),
    };
    let finish_props = props.iter().zip(&prop_locals).map(|(f, local)| {
        let wire = &f.wire;
        if f.option_inner.is_some() {
            quote!(let #local = #local.flatten();)
        } else if f.default {
            // Spanned at the field's type: a type without `Default` is reported there.
            let ty = &f.ty;
            let default = quote_spanned!(ty.span()=> <#ty as __p::Default>::default());
            quote! {
                let #local = match #local {
                    __p::Option::Some(__v) => __v,
                    __p::Option::None => #default,
                };
            }
        } else {
            quote!(let #local = __p::wire::required(#local, #wire)?;)
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
            fn __names(__k: &str) -> __p::Option<::core::primitive::usize> {
                match __k {
                    #(#name_arms)*
                    _ => __p::Option::None,
                }
            }
            const __MEMBERS: __p::wire::Members = __p::wire::Members {
                names: __names,
                keep_other: #keep_other,
            };
            #(let mut #prop_locals: __p::Option<#prop_types> = __p::Option::None;)*
            #(#ann_locals)*
            #extra_local
            while let __p::Option::Some(__key) = __map.next_key_seed(__MEMBERS)? {
                match __key {
                    #(#prop_reads)*
                    #(#ann_reads)*
                    #other_read
                    _ => { __map.next_value::<__p::serde::de::IgnoredAny>()?; }
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
