//! The PATCH companion of an entity: a tri-state body with one setter per writable property.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Role, StructModel};

/// The tri-state PATCH companion of an entity.
///
/// Input:  `struct LinkedResource { #[graph(key, read_only)] id: Option<String>, web_url: Option<String> }`
/// Output: `struct LinkedResourcePatch { web_url: Patch<String> }` with `web_url(v)` and
///         `clear_web_url()`; no method for `id`, so read-only properties cannot be set.
pub(crate) fn patch(m: &StructModel) -> TokenStream {
    let ident = &m.ident;
    let vis = &m.vis;
    let patch_ident = &m.patch_ident;
    let body_ident = m.patch_body();
    let writable: Vec<_> = m
        .fields
        .iter()
        .filter(|f| f.role == Role::Property && !f.read_only && Some(&f.wire) != m.key.as_ref())
        .collect();
    let names: Vec<_> = writable.iter().map(|f| &f.ident).collect();
    let inner: Vec<_> = writable
        .iter()
        .map(|f| f.option_inner.as_ref().unwrap_or(&f.ty))
        .collect();
    let patch_writes = writable.iter().map(|f| {
        let fi = &f.ident;
        let wire = &f.wire;
        quote_spanned!(f.ty.span()=> (&__p::wire::PatchProp(&self.#fi)).write_value(&mut __map, #wire)?;)
    });
    let setters = writable.iter().zip(&inner).map(|(f, ty)| {
        let fi = &f.ident;
        let doc = format!("Sets `{}`.", f.wire);
        let clear = f.option_inner.as_ref().map(|_| {
            let clear_ident = format_ident!("clear_{}", fi.to_string().trim_start_matches("r#"));
            let doc = format!("Sends `\"{}\": null`, clearing the property.", f.wire);
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #clear_ident(mut self) -> Self {
                    self.#fi = __p::wire::Patch::Null;
                    self
                }
            }
        });
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #fi(mut self, value: impl __p::Into<#ty>) -> Self {
                self.#fi = __p::wire::Patch::Value(value.into());
                self
            }
            #clear
        }
    });
    // Read-only properties and the key get a method that cannot be called: the call reports
    // why (the service sets them) instead of rustc looking for a similar method or trait.
    let refused = m
        .fields
        .iter()
        .filter(|f| f.role == Role::Property && (f.read_only || Some(&f.wire) == m.key.as_ref()))
        .map(|f| {
            let fi = &f.ident;
            quote! {
                #[doc(hidden)]
                pub fn #fi<T>(self, _value: T) -> Self
                where
                    __p::wire::ReadOnly<T>: __p::wire::Settable,
                {
                    self
                }
            }
        });
    let doc = format!(
        "A PATCH body for [`{ident}`]: each property is left out, cleared (`null`) or set. Read-only \
         properties and the key have no setter."
    );
    // The struct has a name of its own and the companion's name is an alias of it: a user type
    // that takes the companion's name is then one error (the name defined twice), not a cascade
    // from impls that would attach to the user's type.
    let body_doc = format!("The PATCH body behind [`{patch_ident}`].");
    quote! {
        #[doc = #doc]
        #vis type #patch_ident = #body_ident;

        #[doc = #body_doc]
        #[must_use]
        #vis struct #body_ident {
            #(#names: ::graph_odata::__private::wire::Patch<#inner>,)*
        }

        const _: () = {
            use ::graph_odata::__private as __p;
            #[allow(unused_imports)]
            use __p::wire::{ReadOther as _, ReadValue as _, WriteOther as _, WriteValue as _};

            impl __p::Default for #body_ident {
                fn default() -> Self {
                    #body_ident { #(#names: __p::wire::Patch::Absent,)* }
                }
            }

            impl #body_ident {
                #(#setters)*
                #(#refused)*

                /// Whether no property is set.
                pub fn is_empty(&self) -> bool {
                    true #(&& !self.#names.is_present())*
                }
            }

            impl __p::serde::Serialize for #body_ident {
                fn serialize<__S: __p::serde::Serializer>(&self, __s: __S) -> __p::Result<__S::Ok, __S::Error> {
                    let mut __map = __p::serde::Serializer::serialize_map(__s, __p::Option::None)?;
                    #(#patch_writes)*
                    __p::serde::ser::SerializeMap::end(__map)
                }
            }

            impl #ident {
                /// Starts a PATCH body for this entity type.
                #vis fn patch() -> #body_ident {
                    __p::Default::default()
                }
            }
        };
    }
}
