//! Collects errors so every bad attribute is reported at once, each at its own span.

use std::fmt::Display;

use proc_macro2::TokenStream;
use quote::ToTokens;

/// The errors of one macro call. It must end with [`Ctxt::check`], which hands the errors over:
/// a context dropped without it would lose them, so in debug builds the drop panics (a bug of
/// the macro, whatever the user wrote).
pub(crate) struct Ctxt {
    errors: Vec<syn::Error>,
    checked: bool,
}

impl Ctxt {
    /// A context without errors.
    pub(crate) fn new() -> Self {
        Ctxt {
            errors: Vec::new(),
            checked: false,
        }
    }

    /// Records an error spanning `tokens`.
    pub(crate) fn error_spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error at `span`.
    pub(crate) fn error_at(&mut self, span: proc_macro2::Span, message: impl Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// Records a `syn` error.
    pub(crate) fn syn_error(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// How many errors so far (to tell whether a step added one).
    pub(crate) fn error_count(&self) -> usize {
        self.errors.len()
    }

    /// Whether nothing went wrong so far.
    pub(crate) fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Ends the context: every error as a `compile_error!` invocation, in the order recorded
    /// (nothing when there is none).
    pub(crate) fn check(mut self) -> TokenStream {
        self.checked = true;
        std::mem::take(&mut self.errors)
            .iter()
            .map(syn::Error::to_compile_error)
            .collect()
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if cfg!(debug_assertions) && !self.checked && !std::thread::panicking() {
            panic!("graph-odata-macros: an error context was dropped without `check()`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ctxt;

    #[test]
    fn check_returns_every_error_in_order() {
        let cx = Ctxt::new();
        assert!(cx.check().is_empty());
        let mut cx = Ctxt::new();
        cx.error_at(proc_macro2::Span::call_site(), "first");
        cx.error_at(proc_macro2::Span::call_site(), "second");
        let text = cx.check().to_string();
        let first = text.find("first").unwrap_or(usize::MAX);
        let second = text.find("second").unwrap_or(0);
        assert!(first < second, "{text}");
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "dropped without `check()`")]
    fn dropping_an_unchecked_context_panics() {
        let mut cx = Ctxt::new();
        cx.error_at(proc_macro2::Span::call_site(), "lost");
    }
}
