//! The field enum of an entity (`LinkedResourceField`), for `$select`, `$orderby` and `$expand`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Role, StructModel};

/// The field enum of an entity, for `$select`/`$orderby`/`$expand`.
///
/// Input:  `struct LinkedResource { id: Option<String>, web_url: Option<String> }`
/// Output: `pub enum LinkedResourceField { Id, WebUrl }` naming `"id"`, `"webUrl"`, and
///         `impl Selectable for LinkedResource`.
pub(crate) fn field_enum(m: &StructModel) -> TokenStream {
    let ident = &m.ident;
    let vis = &m.vis;
    let enum_ident = &m.field_ident;
    // The model names each property's variant once (a field whose name gives none is its error).
    let (variants, wires): (Vec<_>, Vec<_>) = m
        .fields
        .iter()
        .filter(|f| f.role == Role::Property)
        .filter_map(|f| f.variant.as_ref().map(|v| (v, &f.wire)))
        .unzip();
    let docs = wires.iter().map(|w| format!("`{w}`"));
    // The link is written from inside the enum's module (rustdoc resolves it there).
    let doc = format!(
        "The properties of [`{ident}`](super::{ident}), for `$select`, `$orderby` and `$expand`."
    );
    // The enum lives in a module of its own and is imported under its name: a user type of the
    // same name is then one error (the name imported twice), and the impls below, which reach the
    // enum through the module, still attach to it rather than to the user's type.
    // At the macro's call site: a clash is reported at `#[graph_entity]`, not with a suggestion to
    // write `as …` into the struct's name.
    let module = format_ident!("__{}", enum_ident, span = proc_macro2::Span::call_site());
    let inner_vis = nested_visibility(vis);
    quote! {
        #[doc(hidden)]
        #[allow(non_snake_case)]
        mod #module {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #inner_vis enum #enum_ident {
                #(#[doc = #docs] #variants,)*
            }
        }
        #[allow(unused_imports)]
        #vis use #module::#enum_ident;

        const _: () = {
            use ::graph_odata::__private as __p;
            #[allow(unused_imports)]
            use __p::wire::{ReadOther as _, ReadValue as _, WriteOther as _, WriteValue as _};

            impl __p::query::FieldName for #module::#enum_ident {
                fn wire(self) -> &'static str {
                    match self {
                        #(Self::#variants => #wires,)*
                    }
                }
            }

            impl __p::query::Selectable for #ident {
                type Field = #module::#enum_ident;
            }
        };
    }
}

/// The visibility an item inside a generated child module needs to be as visible as `vis` is
/// outside it: private becomes `pub(super)`, `pub(super)` becomes `pub(in super::super)`, and
/// `pub(in self::…)`/`pub(in super::…)` gain one `super`.
fn nested_visibility(vis: &syn::Visibility) -> TokenStream {
    match vis {
        syn::Visibility::Inherited => quote!(pub(super)),
        syn::Visibility::Public(_) => quote!(#vis),
        syn::Visibility::Restricted(r) => {
            let mut segments = r.path.segments.iter().map(|s| s.ident.to_string());
            match segments.next().as_deref() {
                Some("self") => {
                    let rest = r.path.segments.iter().skip(1).map(|s| &s.ident);
                    quote!(pub(in super #(:: #rest)*))
                }
                Some("super") => {
                    let path = &r.path;
                    quote!(pub(in super::#path))
                }
                _ => quote!(#vis),
            }
        }
    }
}
