//! The Graph permissions of endpoint methods: a rustdoc line per method and a `PERMISSIONS` const
//! per declaration, from the built-in index of Microsoft's permissions reference
//! ([`graph_odata_metadata::permissions`]). Declarations with their own `metadata = "…"` (another
//! OData service) get neither.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Endpoint;
use graph_odata_metadata::permissions::{Needs, Permissions, SCHEMES, Scheme};

/// The index, when the declaration is for Graph (no `metadata = "…"` of its own) and the built-in
/// index reads (it always does; a broken one means no permission facts, never a failed build).
pub(super) fn index_for(own_metadata: bool) -> Option<&'static Permissions> {
    if own_metadata {
        return None;
    }
    Permissions::graph().ok()
}

fn short(s: Scheme) -> &'static str {
    match s {
        Scheme::DelegatedWork => "delegated work",
        Scheme::DelegatedPersonal => "delegated personal",
        Scheme::Application => "application",
    }
}

/// The method's rustdoc paragraph.
///
/// Output: ``Least privileged (Microsoft's permissions reference): delegated work `Tasks.ReadWrite`;
/// delegated personal `Tasks.ReadWrite`; application —``
pub(super) fn doc(index: Option<&Permissions>, e: &Endpoint) -> Option<String> {
    let index = index?;
    let Some(needs) = index.lookup_line(&e.line) else {
        return Some(
            "Permissions: unknown (Microsoft's permissions reference does not list this method and path)"
                .to_owned(),
        );
    };
    let parts: Vec<String> = SCHEMES
        .into_iter()
        .map(|s| match needs.least(s) {
            Some(d) if d.admin_consent(s) => format!("{} `{}` (admin consent)", short(s), d.name()),
            Some(d) => format!("{} `{}`", short(s), d.name()),
            None => format!("{} —", short(s)),
        })
        .collect();
    Some(format!(
        "Least privileged (Microsoft's permissions reference): {}",
        parts.join("; ")
    ))
}

fn scheme_tokens(s: Scheme) -> TokenStream {
    match s {
        Scheme::DelegatedWork => quote!(__p::permissions::Scheme::DelegatedWork),
        Scheme::DelegatedPersonal => quote!(__p::permissions::Scheme::DelegatedPersonal),
        Scheme::Application => quote!(__p::permissions::Scheme::Application),
    }
}

fn least_tokens(needs: Option<Needs<'_>>) -> Vec<TokenStream> {
    let Some(needs) = needs else {
        return Vec::new();
    };
    SCHEMES
        .into_iter()
        .filter_map(|s| {
            let d = needs.least(s)?;
            let name = d.name();
            let scheme = scheme_tokens(s);
            let admin = d.admin_consent(s);
            Some(quote! {
                __p::permissions::Permission { name: #name, scheme: #scheme, admin_consent: #admin }
            })
        })
        .collect()
}

/// The declaration's `PERMISSIONS` const: one entry per endpoint method, in declaration order.
///
/// Output: `pub const PERMISSIONS: &'static [__p::permissions::Endpoint] = &[Endpoint { method: "create", line: "POST /me/…", known: true, least: &[…] }, …];`
pub(super) fn consts(
    index: Option<&Permissions>,
    vis: &syn::Visibility,
    endpoints: &[Endpoint],
) -> TokenStream {
    let Some(index) = index else {
        return TokenStream::new();
    };
    let entries = endpoints.iter().map(|e| {
        let method = e.name.to_string();
        let line = e.text.trim();
        let needs = index.lookup_line(&e.line);
        let known = needs.is_some();
        let least = least_tokens(needs);
        quote! {
            __p::permissions::Endpoint { method: #method, line: #line, known: #known, least: &[#(#least),*] }
        }
    });
    quote! {
        /// The Microsoft Graph permissions each endpoint method needs: the least privileged one
        /// per scheme, from Microsoft's permissions reference (`graph_odata::permissions`).
        #[allow(dead_code)]
        #vis const PERMISSIONS: &'static [__p::permissions::Endpoint] = &[#(#entries),*];
    }
}
