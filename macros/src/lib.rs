//! Attribute macros for graph-odata. Depend on the `graph-odata` crate, which re-exports them; the
//! generated code refers to `::graph_odata::__private`.
//!
//! The crate is a small compiler: [`parse`] reads attributes into typed slots, [`model`] checks them
//! against each other, [`expand`] generates code. Errors are collected and reported together.

use proc_macro::TokenStream;

mod ctxt;
mod expand;
mod model;
mod parse;

use parse::MacroKind;

/// Makes a struct an OData **entity type** (or an enum a polymorphic family of entity types).
///
/// See the `graph-odata` crate documentation for the full attribute reference.
#[proc_macro_attribute]
pub fn graph_entity(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(MacroKind::Entity, args.into(), item.into()).into()
}

/// Makes a struct an OData **complex type**, or an enum a polymorphic family of complex types
/// dispatched on `@odata.type`.
#[proc_macro_attribute]
pub fn graph_complex(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(MacroKind::Complex, args.into(), item.into()).into()
}

/// Makes an enum an OData **enumeration type** (member names on the wire, a catch-all for members
/// added later, flags as comma-separated names).
#[proc_macro_attribute]
pub fn graph_enum(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(MacroKind::Enum, args.into(), item.into()).into()
}
