//! The driver of one attribute macro, stage by stage: parse the item and the arguments, build the
//! checked model, check it against `$metadata`, generate code. Errors from every stage are
//! collected and reported together.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;
use crate::parse::{self, MacroKind};
use crate::{expand, metadata_check, model};

/// Runs one attribute macro. On errors the item is still emitted (without our attributes)
/// together with fallback impls, so one typo does not cascade into unrelated errors.
pub(crate) fn run(kind: MacroKind, args: TokenStream, item: TokenStream) -> TokenStream {
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
    // Parse. Attributes that do not belong beside this macro: reported, removed, and the
    // declaration is generated anyway (one error per mistake, no conflicting impls).
    let mut foreign = Ctxt::new();
    parse::foreign_attrs(kind, &mut input, &mut foreign);
    let foreign = foreign.check();
    let mut cx = Ctxt::new();
    let args = parse::type_args(kind, args, &mut cx);
    // Model.
    let model = model::build(kind, args, &input, &mut cx);
    // Metadata check. A well-formed declaration is generated even when the schema disagrees with
    // it: the check's errors then stand alone, instead of every call site failing on a missing
    // method.
    let well_formed = model.is_some() && cx.is_ok();
    let checked_against = match (&model, well_formed) {
        (Some(m), true) => metadata_check::check(m, &mut cx),
        _ => Vec::new(),
    };
    parse::strip_graph_attrs(&mut input);
    // Expand: the checked declaration, or fallback impls that keep the crate compiling.
    let errors = cx.check();
    let generated = match (well_formed, model) {
        (true, Some(model)) => expand::generate(&model, &checked_against),
        _ => expand::fallback(&input),
    };
    quote! {
        #input
        #foreign
        #errors
        #generated
    }
}
