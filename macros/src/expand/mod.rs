//! Code generation: one file per concern. Every impl lives in `const _: () = { … };` and reaches the
//! runtime only through `::graph_odata::__private`.

mod endpoints;
mod enums;
mod poly;
mod structs;

#[cfg(test)]
mod golden;
#[cfg(test)]
mod no_panic;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;
use crate::model::{self, Model};
use crate::parse::{self, MacroKind};

/// Runs one attribute macro: parse, check, generate. On errors the item is still emitted (without our
/// attributes) together with fallback impls, so one typo does not cascade into unrelated errors.
pub(crate) fn expand(kind: MacroKind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut input: syn::DeriveInput = match syn::parse2(item.clone()) {
        Ok(i) => i,
        Err(_) => {
            let what = match kind {
                MacroKind::Enum => "an enum",
                _ => "a struct (or a polymorphic enum of derived types)",
            };
            let e = syn::Error::new(
                proc_macro2::Span::call_site(),
                format!("{} can only be used on {what}", kind.name()),
            );
            let errors = e.to_compile_error();
            return quote!(#errors #item);
        }
    };
    // Attributes that do not belong beside this macro: reported, removed, and the declaration is
    // generated anyway (one error per mistake, no conflicting impls).
    let mut foreign = Ctxt::default();
    foreign_attrs(kind, &mut input, &mut foreign);
    let foreign = if foreign.is_ok() {
        TokenStream::new()
    } else {
        foreign.into_compile_errors()
    };
    let mut cx = Ctxt::default();
    let args = parse::type_args(kind, args, &mut cx);
    let model = model::build(kind, args, &input, &mut cx);
    // A well-formed declaration is generated even when the schema disagrees with it: the check's
    // errors then stand alone, instead of every call site failing on a missing method.
    let well_formed = model.is_some() && cx.is_ok();
    let tracking = match (&model, well_formed) {
        (Some(m), true) => crate::metadata_check::check(m, &mut cx),
        _ => TokenStream::new(),
    };
    strip_graph_attrs(&mut input);
    match (well_formed, model) {
        (true, Some(model)) => {
            let errors = if cx.is_ok() {
                TokenStream::new()
            } else {
                cx.into_compile_errors()
            };
            let generated = generate(&model);
            let companion = match &model {
                Model::Struct(m) if m.kind == MacroKind::Entity => {
                    let patch = structs::patch(m);
                    let fields = structs::field_enum(m);
                    quote!(#patch #fields)
                }
                _ => TokenStream::new(),
            };
            quote! {
                #input
                #foreign
                #errors
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
        _ => {
            let errors = cx.into_compile_errors();
            let fallback = fallback(&input);
            quote! {
                #input
                #foreign
                #errors
                #fallback
            }
        }
    }
}

const MACROS: &[&str] = &[
    "graph_entity",
    "graph_complex",
    "graph_enum",
    "graph_action",
    "graph_function",
];

/// Reports and removes what cannot stand beside the macro: a second graph-odata macro, derives of
/// traits the macro implements (`Serialize`, `Deserialize`, and `Debug` for actions and
/// functions), and `#[serde(…)]` on the item or its fields (the macro writes the wire format).
fn foreign_attrs(kind: MacroKind, input: &mut syn::DeriveInput, cx: &mut Ctxt) {
    let name = kind.name();
    let mut kept = Vec::new();
    for mut attr in std::mem::take(&mut input.attrs) {
        let last = attr
            .path()
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if MACROS.contains(&last.as_str()) {
            let message = if last == name {
                format!("`#[{name}]` is applied twice; remove one")
            } else {
                format!(
                    "`#[{last}]` and `#[{name}]` both declare `{}`; keep the one for its OData kind (an entity has a key and endpoints, a complex type is a structured value, an enum names members)",
                    input.ident
                )
            };
            cx.error_spanned(&attr, message);
            continue;
        }
        if last == "serde" {
            cx.error_spanned(
                &attr,
                format!("`#[serde(…)]` does not apply: {name} writes the wire format itself (names in lowerCamelCase, `None` left out); use `#[graph(…)]` on fields, e.g. `#[graph(rename = \"…\")]`"),
            );
            continue;
        }
        if last == "derive"
            && let Ok(list) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
        {
            let implemented: &[&str] = match kind {
                MacroKind::Action | MacroKind::Function => &["Serialize", "Deserialize", "Debug"],
                _ => &["Serialize", "Deserialize"],
            };
            let mut rest: syn::punctuated::Punctuated<syn::Path, syn::Token![,]> =
                syn::punctuated::Punctuated::new();
            for path in list {
                let trait_name = path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                if implemented.contains(&trait_name.as_str()) {
                    let why = if trait_name == "Debug" {
                        "with secrets redacted"
                    } else {
                        "with OData's wire rules"
                    };
                    cx.error_spanned(
                        &path,
                        format!("{name} implements `{trait_name}` itself ({why}): remove it from `#[derive(…)]`"),
                    );
                } else {
                    rest.push(path);
                }
            }
            if rest.is_empty() {
                continue;
            }
            attr = syn::parse_quote!(#[derive(#rest)]);
        }
        kept.push(attr);
    }
    input.attrs = kept;
    // `#[cfg]` and `#[cfg_attr(…, graph(…))]` inside the item: an attribute macro sees the item
    // before `cfg` is applied, so generated code would name a field or member that `cfg` then
    // removes (a cascade of "no field" errors). Reported once each and removed.
    if let syn::Data::Enum(e) = &mut input.data {
        for variant in e.variants.iter_mut() {
            conditional_attrs(name, "member", &mut variant.attrs, cx);
        }
    }
    let fields: Vec<&mut syn::Field> = match &mut input.data {
        syn::Data::Struct(s) => s.fields.iter_mut().collect(),
        syn::Data::Enum(e) => e
            .variants
            .iter_mut()
            .flat_map(|v| v.fields.iter_mut())
            .collect(),
        syn::Data::Union(_) => Vec::new(),
    };
    for field in fields {
        conditional_attrs(name, "field", &mut field.attrs, cx);
        field.attrs.retain(|attr| {
            if !attr.path().is_ident("serde") {
                return true;
            }
            let hint = serde_hint(attr);
            cx.error_spanned(
                attr,
                format!(
                    "`#[serde(…)]` does not apply: {name} writes the wire format itself; {hint}"
                ),
            );
            false
        });
    }
}

/// Reports and removes `#[cfg(…)]` on a field or member, and `#[cfg_attr(…)]` that carries
/// `graph(…)` or `serde(…)`; other `cfg_attr`s (docs, lints, derives of fields) stay.
fn conditional_attrs(name: &str, what: &str, attrs: &mut Vec<syn::Attribute>, cx: &mut Ctxt) {
    attrs.retain(|attr| {
        if attr.path().is_ident("cfg") {
            cx.error_spanned(
                attr,
                format!("`#[cfg(…)]` on a {what} is not supported by {name}: the macro reads the {what}s before `cfg` removes any, so its wire code would name a missing {what}; keep the {what} (an `Option` left `None` is not sent), or put `#[cfg]` on the whole declaration"),
            );
            return false;
        }
        if attr.path().is_ident("cfg_attr") {
            let carried = attr
                .parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                )
                .map(|list| {
                    list.iter()
                        .skip(1)
                        .filter_map(|m| m.path().get_ident().map(ToString::to_string))
                        .find(|k| k == "graph" || k == "serde")
                })
                .unwrap_or_default();
            if let Some(key) = carried {
                cx.error_spanned(
                    attr,
                    format!("`#[{key}(…)]` inside `#[cfg_attr(…)]` is not supported by {name}: the macro reads its attributes before `cfg_attr` is applied; write `#[graph(…)]` unconditionally"),
                );
                return false;
            }
        }
        true
    });
}

/// What to write instead of a field's `#[serde(…)]`.
fn serde_hint(attr: &syn::Attribute) -> String {
    let mut keys = Vec::new();
    let _ = attr.parse_nested_meta(|meta| {
        if let Some(i) = meta.path.get_ident() {
            keys.push(i.to_string());
        }
        // Skip a value, if any.
        if meta.input.peek(syn::Token![=]) {
            let _: syn::Expr = meta.value()?.parse()?;
        }
        Ok(())
    });
    match keys.first().map(String::as_str) {
        Some("rename") => "write `#[graph(rename = \"…\")]`".into(),
        Some("default") => "write `#[graph(default)]`".into(),
        Some("flatten") => "unknown members are kept by a `#[graph(extra)]` map".into(),
        Some("skip" | "skip_serializing" | "skip_deserializing") => {
            "a model holds the service's properties only: keep other data outside the struct; a property the service sets is `#[graph(read_only)]`".into()
        }
        _ => "use `#[graph(…)]`: `rename`, `default`, `read_only`, `extra`".into(),
    }
}

fn generate(model: &Model) -> TokenStream {
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

/// Removes `#[graph(…)]` from fields and variants (they are ours, not rustc's).
fn strip_graph_attrs(input: &mut syn::DeriveInput) {
    match &mut input.data {
        syn::Data::Struct(s) => {
            for f in s.fields.iter_mut() {
                f.attrs.retain(|a| !parse::is_graph_attr(a));
            }
        }
        syn::Data::Enum(e) => {
            for v in e.variants.iter_mut() {
                v.attrs.retain(|a| !parse::is_graph_attr(a));
                for f in v.fields.iter_mut() {
                    f.attrs.retain(|a| !parse::is_graph_attr(a));
                }
            }
        }
        syn::Data::Union(_) => {}
    }
}

/// Impls that keep the rest of the crate compiling while the declaration has errors. Their bodies
/// only report that the declaration is broken; the compile error above is what the user sees.
fn fallback(input: &syn::DeriveInput) -> TokenStream {
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
