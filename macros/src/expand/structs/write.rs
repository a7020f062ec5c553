//! Writing a struct: `ODataStruct::writes_type` and `write_fields`, which put the annotations the
//! struct keeps first, then the properties, then the `extra` members.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Role, StructModel};

/// The writing half of `ODataStruct`.
///
/// Input:  `struct LinkedResource { id: Option<String>, web_url: Option<String> }`
/// Output: `fn writes_type(…)` and `fn write_fields(…)` writing `"webUrl"` when `Some`
pub(super) fn methods(m: &StructModel) -> TokenStream {
    // Derived types announce themselves so they can stand where their base is declared.
    let write_type = m.write_type || m.base.is_some();
    let type_field = m
        .fields
        .iter()
        .find(|f| f.role == Role::Type)
        .map(|f| &f.ident);
    let writes_type = match type_field {
        Some(f) => quote! {
            #write_type || (__mode == __p::wire::WriteMode::Lossless && self.#f.is_some())
        },
        None => quote!(#write_type),
    };

    let annotation_write = |role: Role| {
        m.fields.iter().find(|f| f.role == role).map(|f| {
            let fi = &f.ident;
            let name = role.annotation().unwrap_or_default();
            quote! {
                if __mode == __p::wire::WriteMode::Lossless {
                    if let __p::Option::Some(__v) = &self.#fi {
                        __map.serialize_entry(#name, __v)?;
                    }
                }
            }
        })
    };
    let write_context = annotation_write(Role::Context);
    let write_id = annotation_write(Role::Id);
    let write_etag = annotation_write(Role::ETag);
    let write_links: Vec<_> = [
        Role::EditLink,
        Role::ReadLink,
        Role::MediaReadLink,
        Role::MediaEditLink,
    ]
    .into_iter()
    .filter_map(annotation_write)
    .collect();
    let write_type_member = match type_field {
        Some(f) => quote! {
            match (&self.#f, __mode) {
                (__p::Option::Some(__t), __p::wire::WriteMode::Lossless) => {
                    let __t = __p::wire::strip_hash(__t);
                    __map.serialize_entry("@odata.type", &__p::format!("#{}", __t))?;
                }
                _ if #write_type => {
                    __map.serialize_entry("@odata.type", <Self as __p::wire::ODataType>::TYPE_ANNOTATION)?;
                }
                _ => {}
            }
        },
        None if write_type => quote! {
            __map.serialize_entry("@odata.type", <Self as __p::wire::ODataType>::TYPE_ANNOTATION)?;
        },
        None => quote!(),
    };

    let props: Vec<_> = m
        .fields
        .iter()
        .filter(|f| f.role == Role::Property)
        .collect();
    // Per-field code carries the field type's span, so a type that cannot be (de)serialised is
    // reported at the field, not at the attribute.
    let write_props = props.iter().map(|f| {
        let fi = &f.ident;
        let wire = &f.wire;
        let span = f.ty.span();
        let write = if f.option_inner.is_some() {
            quote_spanned! {span=>
                if let __p::Option::Some(__v) = &self.#fi {
                    (&__p::wire::Prop(__v)).write_value(__map, #wire)?;
                }
            }
        } else {
            quote_spanned!(span=> (&__p::wire::Prop(&self.#fi)).write_value(__map, #wire)?;)
        };
        if f.read_only {
            quote! {
                if __mode == __p::wire::WriteMode::Lossless {
                    #write
                }
            }
        } else if f.option_inner.is_none() && m.key.as_deref() == Some(f.wire.as_str()) {
            // A key that is not an `Option`, left blank (`""`), is the service's to set: never
            // sent as `"id": ""`.
            quote! {
                if __mode == __p::wire::WriteMode::Lossless || !__p::wire::is_blank(&self.#fi) {
                    #write
                }
            }
        } else {
            write
        }
    });
    let write_extra = m.extra.as_ref().map(|e| {
        quote! {
            for (__k, __v) in &self.#e {
                __map.serialize_entry(__k, __v)?;
            }
        }
    });

    quote! {
        fn writes_type(&self, __mode: __p::wire::WriteMode) -> bool {
            #writes_type
        }

        fn write_fields<__M: __p::serde::ser::SerializeMap>(
            &self,
            __map: &mut __M,
            __mode: __p::wire::WriteMode,
        ) -> __p::Result<(), __M::Error> {
            #write_context
            #write_type_member
            #write_id
            #write_etag
            #(#write_links)*
            #(#write_props)*
            #write_extra
            __p::Result::Ok(())
        }
    }
}
