//! Checks on the input item itself, before its arguments are read: attributes that cannot stand
//! beside the macro (a second graph-odata macro, derives of traits the macro implements,
//! `#[serde(…)]`) and `#[cfg]`/`#[cfg_attr]` on fields and members, which the macro would see
//! before `cfg` removes them. Each is reported and removed, so the declaration is still generated.

use super::MacroKind;
use crate::ctxt::Ctxt;

/// Reports and removes what cannot stand beside the macro: a second graph-odata macro, derives of
/// traits the macro implements (`Serialize`, `Deserialize`, and `Debug` for actions and
/// functions), and `#[serde(…)]` on the item or its fields (the macro writes the wire format).
pub(crate) fn foreign_attrs(kind: MacroKind, input: &mut syn::DeriveInput, cx: &mut Ctxt) {
    let name = kind.name();
    let mut kept = Vec::new();
    for mut attr in std::mem::take(&mut input.attrs) {
        let last = attr
            .path()
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if MacroKind::ALL.iter().any(|k| k.name() == last) {
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
