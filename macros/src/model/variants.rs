//! The walk over an enum's variants that polymorphic enums and enumerations share.

use syn::Ident;

use crate::ctxt::Ctxt;
use crate::parse::{self, VariantAttrs};

/// Reads each variant's `#[graph(…)]` and hands the variant and its attributes to `each`. A variant
/// whose attribute has an error (`#[graph(catch_all)]`) is that one error: it is skipped, so its
/// shape is not judged on top. Returns whether any variant was skipped, so that the caller does
/// not report what the skipped variant may have been meant to provide (the catch-all).
pub(super) fn each_variant<'a>(
    data: &'a syn::DataEnum,
    cx: &mut Ctxt,
    mut each: impl FnMut(&'a syn::Variant, VariantAttrs, &mut Ctxt),
) -> bool {
    let mut attr_failed = false;
    for v in &data.variants {
        let before = cx.error_count();
        let attrs = parse::variant_attrs(&v.attrs, cx);
        if cx.error_count() > before {
            attr_failed = true;
            continue;
        }
        each(v, attrs, cx);
    }
    attr_failed
}

/// Records `v` as the `#[graph(other)]` variant, reporting a second one.
pub(super) fn other_once(other: &mut Option<Ident>, v: &syn::Variant, cx: &mut Ctxt) {
    if let Some(prev) = other {
        cx.error_spanned(&v.ident, format!("`{prev}` is already the `other` variant"));
    }
    *other = Some(v.ident.clone());
}
