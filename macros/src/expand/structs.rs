//! Code for `#[graph_entity]`/`#[graph_complex]` structs: OData facts, wire (de)serialisation and
//! compile-time checks that every field is an OData value.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
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
/// Output: `write_fields` writing `"webUrl"` when `Some`, `read_fields` matching `"webUrl"` (last one
///         wins when a key repeats), unknown members skipped or kept in the `extra` map.
pub(crate) fn serde(m: &StructModel) -> TokenStream {
    let ident = &m.ident;
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
        impl __p::wire::ODataStruct for #ident {
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
