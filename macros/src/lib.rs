//! The attribute macros of graph-odata: [`graph_entity`](macro@graph_entity),
//! [`graph_complex`](macro@graph_complex), [`graph_enum`](macro@graph_enum),
//! [`graph_action`](macro@graph_action) and [`graph_function`](macro@graph_function) turn your
//! structs and enums into wire-exact OData models with typed, compile-time checked endpoints.
//!
//! Depend on the `graph-odata` crate instead of this one: it re-exports the macros with the
//! runtime their generated code needs (the code refers to `::graph_odata::__private`), and its
//! README walks through declaring each kind of endpoint. Each macro's own docs below list its
//! arguments.
//!
//! Inside, the crate is a small compiler: `parse` reads attributes into typed slots, `model`
//! checks them against each other (and, with metadata, against the schema), `expand` generates
//! code. Errors are collected and reported together, each at the token that caused it.

use proc_macro::TokenStream;

mod ctxt;
mod expand;
mod metadata_check;
mod model;
mod parse;
mod pipeline;

use parse::MacroKind;

/// Makes a struct an OData **entity type** (or an enum a polymorphic family of entity types).
///
/// Arguments (all optional): the qualified name first (`"microsoft.graph.externalConnectors.externalConnection"`;
/// default `microsoft.graph.` + the struct name in lowerCamel), or `namespace = "…"`; `base = Type` (or
/// `base = "ns.name"`) for a derived type, which then writes its `@odata.type`; `write_type` to always
/// write `@odata.type`; `abstract` (on a polymorphic enum); `version = "beta"` for a beta-only type;
/// `metadata = "path/to/$metadata.xml"` (relative to the crate's manifest) to check this declaration
/// against that CSDL file instead of Graph v1.0 (built in, or the file named by
/// `GRAPH_ODATA_METADATA_V1_0`); `unchecked` to check nothing, `unchecked = "beta"` to leave out its
/// beta parts (`GRAPH_ODATA_CHECKS=strict` refuses a declaration nothing checks unless it says so).
///
/// Field attributes, `#[graph(…)]`: `unchecked` (a property newer than the schema), `rename = "wireName"`, `key`, `read_only` (read, never written,
/// no PATCH setter), `default` (a missing member takes `Default`), `extra` (a map that keeps unknown
/// members), `odata_type` / `odata_etag` / `odata_id` / `odata_context` / `odata_edit_link` /
/// `odata_read_link` / `odata_media_read_link` / `odata_media_edit_link` (an `Option<String>` that
/// reads the annotation; resolve a relative link with `Response::resolve`).
///
/// Generated: `Serialize`/`Deserialize` with OData rules, `wire::ODataType` (qualified name, base,
/// key), `wire::ODataStruct`, and for entities a `{Name}Patch` companion (an alias of the struct
/// `{Name}PatchBody`) with `Name::patch()`, and a `{Name}Field` enum.
/// On an enum of newtype variants over derived structs, plus one `#[graph(other)] Other(RawObject)`:
/// dispatch on `@odata.type`. The README of `graph-odata` has a tested example.
#[proc_macro_attribute]
pub fn graph_entity(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::run(MacroKind::Entity, args.into(), item.into()).into()
}

/// Makes a struct an OData **complex type**, or an enum a polymorphic family of complex types
/// dispatched on `@odata.type`.
///
/// The arguments and field attributes are those of [`macro@graph_entity`], except `key` (complex
/// types have no identity) and the PATCH companion (a complex value is replaced as a whole).
#[proc_macro_attribute]
pub fn graph_complex(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::run(MacroKind::Complex, args.into(), item.into()).into()
}

/// Makes an enum an OData **enumeration type** (member names on the wire, a catch-all for members
/// added later, flags as comma-separated names).
///
/// Arguments: the qualified name or `namespace = "…"` as for [`macro@graph_entity`]; `flags` for a
/// flags enumeration (use it as `wire::Flags<Enum>`; the enum must be `PartialEq`). Members are unit
/// variants named in PascalCase (`LimitExceeded` ↔ `"limitExceeded"`; `#[graph(rename = "…")]`
/// overrides); exactly one `#[graph(other)] Other(String)` keeps members Graph adds later.
/// Generated: `Serialize`, `Deserialize`, `Display`, `wire::GraphEnum` and `wire::ODataType`.
#[proc_macro_attribute]
pub fn graph_enum(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::run(MacroKind::Enum, args.into(), item.into()).into()
}

/// Makes a struct the parameters of an OData **action** and generates one request method per HTTP
/// line from the Graph docs.
///
/// Arguments: the action name first (`"createLink"`, or qualified `"microsoft.graph.createLink"`;
/// default: the struct name in lowerCamel), `returns = Type` (omit for 204 No Content), `paths = [...]`
/// (each `"POST /…/createLink"`, or `name = "POST …"` to choose the method name; by default it is
/// the fixed segments before the action: `/drives/{driveId}/items/{itemId}/createLink` →
/// `drives_items`), `bound = "microsoft.graph.driveItem"`.
///
/// Each method takes `&self` (the JSON body) and the path's placeholders as `&str` (percent-encoded
/// at run time) and returns `Request<Returns>`; the response is accepted bare or wrapped in
/// `{"value": …}`. Fields take the `#[graph(…)]` attributes of [`macro@graph_entity`] plus `secret`,
/// which hides the value in the generated `Debug` (do not derive `Debug` yourself).
#[proc_macro_attribute]
pub fn graph_action(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::run(MacroKind::Action, args.into(), item.into()).into()
}

/// Makes a struct the parameters of an OData **function** (GET, parameters in the URL:
/// `getByPath(path='a%2Fb')`, strings quoted with `'` doubled, `None` left out).
///
/// Arguments as for [`macro@graph_action`]; each path ends in the function name (the generated call
/// appends the fields as parameters) or in a call with placeholders
/// (`getByPath(path='{path}')`, which become method parameters).
#[proc_macro_attribute]
pub fn graph_function(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::run(MacroKind::Function, args.into(), item.into()).into()
}
