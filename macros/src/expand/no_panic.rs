//! Property test: whatever text a user writes where the macros read strings or tokens, the macros
//! answer with code or with compile errors, never with a panic. Runs in the normal `cargo test`,
//! a bounded number of cases per property.

use std::str::FromStr;

use proc_macro2::{Span, TokenStream};
use proptest::prelude::*;
use quote::quote;

use crate::parse::MacroKind;

/// Arbitrary Unicode, with the characters the grammars care about made frequent.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just("/".to_owned()),
                Just("{".to_owned()),
                Just("}".to_owned()),
                Just("(".to_owned()),
                Just(")".to_owned()),
                Just("'".to_owned()),
                Just(":".to_owned()),
                Just("\\".to_owned()),
                Just("|".to_owned()),
                Just("=".to_owned()),
                Just(",".to_owned()),
                Just("..".to_owned()),
                Just("$".to_owned()),
                Just("é".to_owned()),
                Just("😀".to_owned()),
                Just("日本".to_owned()),
                Just("GET ".to_owned()),
                Just("https://graph.microsoft.com/v1.0".to_owned()),
                Just("root:/{p}:".to_owned()),
                Just("self".to_owned()),
                Just("r#".to_owned()),
                Just("<".to_owned()),
                Just(">".to_owned()),
                Just("Option<".to_owned()),
                Just("Vec<".to_owned()),
                Just("&'a ".to_owned()),
                Just("[u8; 2]".to_owned()),
                Just("::".to_owned()),
                Just("dyn ".to_owned()),
                Just("impl ".to_owned()),
                Just("_".to_owned()),
                Just("type".to_owned()),
                "[a-zA-Z_]{1,6}".prop_map(|s| s),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

/// Identifiers Rust accepts, odd ones made frequent: `_2`, `__`, `a__b`, `r#type`, `été`.
fn ident() -> impl Strategy<Value = String> {
    "(r#)?[_a-zé日]{1,2}[_a-zA-Z0-9é]{0,5}"
        .prop_filter("an identifier", |s| syn::parse_str::<syn::Ident>(s).is_ok())
}

/// Rust types, nested: the ones the macros know (`Option`, `Vec`, `Flags`, `ReadOnly`, Edm and
/// std types) inside the ones they do not (tuples, references, arrays, trait objects, paths).
fn rust_type() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("String".to_owned()),
        Just("i32".to_owned()),
        Just("bool".to_owned()),
        Just("f64".to_owned()),
        Just("u8".to_owned()),
        Just("Option".to_owned()),
        Just("Vec".to_owned()),
        Just("&'static str".to_owned()),
        Just("Self".to_owned()),
        Just("_".to_owned()),
        Just("!".to_owned()),
        Just("()".to_owned()),
        Just("fn(u8) -> u8".to_owned()),
        Just("dyn Fn()".to_owned()),
        Just("impl Clone".to_owned()),
        Just("::std::string::String".to_owned()),
        Just("self::Thing".to_owned()),
        Just("graph_odata::edm::DateTimeOffset".to_owned()),
        Just("serde_json::Value".to_owned()),
        Just("std::collections::HashMap<String, serde_json::Value>".to_owned()),
        ident(),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| format!("Option<{t}>")),
            inner.clone().prop_map(|t| format!("Vec<{t}>")),
            inner.clone().prop_map(|t| format!("Box<{t}>")),
            inner.clone().prop_map(|t| format!("Flags<{t}>")),
            inner.clone().prop_map(|t| format!("ReadOnly<{t}>")),
            inner.clone().prop_map(|t| format!("Patch<{t}>")),
            inner.clone().prop_map(|t| format!("&{t}")),
            inner.clone().prop_map(|t| format!("[{t}; 2]")),
            inner.clone().prop_map(|t| format!("[{t}]")),
            inner.clone().prop_map(|t| format!("Option<Option<{t}>>")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}, {b})")),
            (inner.clone(), inner)
                .prop_map(|(a, b)| format!("std::collections::HashMap<{a}, {b}>")),
        ]
    })
}

/// The identifier for a name the strategy made, or a plain one where upper-casing made a keyword.
fn ident_of(s: &str) -> syn::Ident {
    syn::parse_str(s).unwrap_or_else(|_| syn::Ident::new("Plain", Span::call_site()))
}

fn lit(s: &str) -> syn::LitStr {
    syn::LitStr::new(s, Span::call_site())
}

fn expand(kind: MacroKind, args: TokenStream, item: TokenStream) {
    // The result is code or `compile_error!`s; only a panic fails the property.
    let _ = crate::pipeline::run(kind, args, item);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_path_grammar_never_panics(s in text()) {
        let _ = graph_odata_metadata::line::parse(&s);
        let _ = graph_odata_metadata::line::parse(&format!("GET {s}"));
        let _ = graph_odata_metadata::line::parse(&format!("POST /me/{s}"));
        let _ = graph_odata_metadata::line::parse(&format!("GET /me/drive/root:/{s}"));
    }

    #[test]
    fn string_arguments_never_panic(s in text()) {
        let l = lit(&s);
        let item = quote!(pub struct Thing { #[graph(key)] pub id: Option<String>, #[graph(rename = #l)] pub name: Option<String> });
        expand(MacroKind::Entity, quote!(#l), item.clone());
        expand(MacroKind::Entity, quote!(create = #l, get = #l), item.clone());
        expand(MacroKind::Entity, quote!(namespace = #l), item.clone());
        expand(MacroKind::Complex, quote!(#l), quote!(pub struct Part { pub x: Option<i32> }));
        expand(MacroKind::Enum, quote!(#l), quote!(pub enum Kind { #[graph(rename = #l)] A, B }));
        expand(MacroKind::Action, quote!(returns = Thing, paths = [#l]), quote!(pub struct Act { pub a: String }));
        // Text before the operation's name becomes the method's name.
        let before = lit(&format!("POST /{s}/act"));
        expand(MacroKind::Action, quote!(unchecked, paths = [#before]), quote!(pub struct Act { pub a: String }));
        expand(MacroKind::Function, quote!(#l, returns = i64, paths = [#l, name = #l]), quote!(pub struct Fun { pub a: Option<i32> }));
    }

    #[test]
    fn arbitrary_tokens_never_panic(s in text()) {
        let Ok(tokens) = TokenStream::from_str(&s) else { return Ok(()); };
        let item = quote!(pub struct Thing { #[graph(#tokens)] pub id: Option<String> });
        for kind in [MacroKind::Entity, MacroKind::Complex, MacroKind::Action, MacroKind::Function] {
            expand(kind, tokens.clone(), quote!(pub struct Plain { pub a: Option<String> }));
            expand(kind, TokenStream::new(), item.clone());
        }
        expand(MacroKind::Enum, tokens.clone(), quote!(pub enum Kind { A, #[graph(#tokens)] B }));
    }

    #[test]
    fn the_schema_lookups_never_panic(s in text()) {
        // Paths and names straight into the built-in Graph schema and the did-you-mean.
        if let Ok(md) = graph_odata_metadata::Metadata::graph_v1_0() {
            let segs: Vec<String> = s.split('/').map(str::to_owned).collect();
            let _ = md.resolve_path(&segs);
            let mut me = vec!["me".to_owned()];
            me.extend(segs.iter().cloned());
            let _ = md.resolve_path(&me);
            let _ = md.suggest_type(&s);
            let _ = md.type_def(&s);
        }
        let _ = graph_odata_metadata::names::did_you_mean(&s, &["webUrl", &s, ""]);
        let _ = graph_odata_metadata::names::snake_from_camel(&s);
        let _ = graph_odata_metadata::names::snake_to_lower_camel(&s);
        let _ = graph_odata_metadata::Metadata::from_index(&s);
    }

    #[test]
    fn damaged_schemas_never_panic(s in text(), at in 0usize..4000, cut in 0usize..200) {
        // A real schema with text spliced in, or a piece cut out, at a character boundary; and
        // the same done to its index.
        const FIXTURE: &str = include_str!("../../../metadata/tests/fixture.csdl.xml");
        let splice = |whole: &str| {
            let mut at = at.min(whole.len());
            while !whole.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + cut).min(whole.len());
            while !whole.is_char_boundary(end) {
                end -= 1;
            }
            (format!("{}{s}{}", &whole[..at], &whole[at..]), format!("{}{}", &whole[..at], &whole[end..]))
        };
        let (spliced, cut_out) = splice(FIXTURE);
        for text in [&spliced, &cut_out] {
            if let Ok(md) = graph_odata_metadata::Metadata::parse(text) {
                let (spliced, cut_out) = splice(&md.to_index());
                let _ = graph_odata_metadata::Metadata::from_index(&spliced);
                let _ = graph_odata_metadata::Metadata::from_index(&cut_out);
            }
        }
    }

    #[test]
    fn odd_field_types_never_panic(s in rust_type(), names in proptest::collection::vec(ident(), 1..3)) {
        // Whatever type a field is written with (or a polymorphic enum's member wraps).
        let Ok(ty) = syn::parse_str::<syn::Type>(&s) else { return Ok(()); };
        let wrapped: Vec<syn::Type> = names
            .iter()
            .filter_map(|n| syn::parse_str(&format!("Option<{n}<{}>>", quote!(#ty))).ok())
            .collect();
        let item = quote!(pub struct Thing { #[graph(key)] pub id: Option<String>, pub a: #ty, #(pub w: #wrapped,)* });
        for kind in [MacroKind::Entity, MacroKind::Complex, MacroKind::Action, MacroKind::Function] {
            expand(kind, quote!(unchecked, paths = ["POST /thing"]), item.clone());
        }
        expand(MacroKind::Entity, quote!(unchecked), quote!(pub enum Any { A(#ty), B(Box<#ty>) }));
        expand(MacroKind::Entity, quote!(unchecked), quote!(pub struct Thing { #[graph(key)] pub id: #ty }));
        expand(MacroKind::Entity, quote!(unchecked), quote!(pub struct Thing { #[graph(key)] pub id: Option<String>, #[graph(extra)] pub rest: #ty, #[graph(odata_type)] pub t: #ty }));
    }

    #[test]
    fn odd_identifiers_never_panic(names in proptest::collection::vec(ident(), 1..5)) {
        // Field, struct and member names as Rust allows them: leading and doubled underscores,
        // digits after them, raw identifiers, non-ASCII letters. The companions (field enum,
        // PATCH body) are named from them.
        let fields: Vec<syn::Ident> = names.iter().map(|n| ident_of(n)).collect();
        let ty = ident_of(&names[0]);
        let item = quote!(pub struct #ty { #[graph(key)] pub key: Option<String>, #(pub #fields: Option<String>,)* });
        expand(MacroKind::Entity, quote!(unchecked), item.clone());
        for (case, _) in crate::parse::names::Case::NAMES {
            expand(MacroKind::Entity, quote!(unchecked, rename_all = #case), item.clone());
            expand(MacroKind::Enum, quote!(unchecked, rename_all = #case), quote!(pub enum #ty { #(#fields,)* #[graph(other)] Other(String) }));
        }
        // Companions named by the user, raw identifiers among them.
        let named = lit(names.last().map_or("", String::as_str));
        let raw = lit(&format!("r#{}", names[0].trim_start_matches("r#")));
        expand(MacroKind::Entity, quote!(unchecked, patch_type = #raw, field_enum = #named), item.clone());
        expand(MacroKind::Entity, quote!(unchecked, patch_type = #named, field_enum = #raw), item.clone());
        expand(MacroKind::Complex, quote!(unchecked), item.clone());
        expand(MacroKind::Action, quote!(unchecked, paths = ["POST /me/x"]), item);
        let members: Vec<syn::Ident> = names.iter().map(|n| ident_of(&n.to_uppercase())).collect();
        expand(MacroKind::Enum, quote!(unchecked), quote!(pub enum #ty { #(#members,)* }));
    }

    #[test]
    fn type_arguments_with_odd_values_never_panic(s in text()) {
        let l = lit(&s);
        let item = quote!(pub struct Thing { #[graph(key)] pub id: Option<String> });
        expand(MacroKind::Entity, quote!(unchecked = #l, patch_type = #l, field_enum = #l), item.clone());
        expand(MacroKind::Entity, quote!(version = #l, metadata = #l), item.clone());
        expand(MacroKind::Complex, quote!(unchecked, rename_all = #l), item.clone());
        expand(MacroKind::Function, quote!(bound = #l, aliases, returns = i64, paths = [#l]), quote!(pub struct Fun { pub ids: Vec<String> }));
    }
}
