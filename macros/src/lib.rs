//! The attribute macros of graph-odata: [`graph_entity`](macro@graph_entity),
//! [`graph_complex`](macro@graph_complex), [`graph_enum`](macro@graph_enum),
//! [`graph_action`](macro@graph_action) and [`graph_function`](macro@graph_function) turn your
//! structs and enums into wire-exact OData models with typed, compile-time checked endpoints.
//!
//! Depend on the `graph-odata` crate instead of this one: it re-exports the macros with the
//! runtime their generated code needs (the code refers to `::graph_odata::__private`), and its
//! README walks through declaring each kind of endpoint. Each macro's own docs below list its
//! attributes, from the same table as the README's attribute reference.
//!
//! Inside, the crate is a small compiler run by `pipeline`: `parse` reads attributes into typed
//! slots, `model` checks them against each other, `metadata_check` checks the model against the
//! `$metadata` schema, `expand` generates code. Errors are collected and reported together, each
//! at the token that caused it.

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
/// The qualified name may come first (`#[graph_entity("microsoft.graph.todoTask")]`); by default
/// it is `microsoft.graph.` + the struct's name in lowerCamelCase. Endpoints are HTTP lines pasted
/// from the Graph docs: `create`, `get`, `list`, `update` and `delete`, each with an optional
/// suffix (`get_for_user = "GET /users/{id}/todo/lists/{listId}/tasks/{taskId}"`), become methods
/// that return a typed `Request`. The declaration is checked against Graph v1.0 (built in, or the
/// file named by `GRAPH_ODATA_METADATA_V1_0`), the beta schema for `version = "beta"`, or its own
/// `metadata = "…"` file; `GRAPH_ODATA_CHECKS=strict` refuses a declaration nothing checks unless
/// it says `unchecked`.
///
/// Generated: `Serialize`/`Deserialize` with OData rules, `wire::ODataType` (qualified name, base,
/// key), `wire::ODataStruct`, and a `{Name}Patch` companion (an alias of the struct
/// `{Name}PatchBody`, renamed by `patch_type`) with `Name::patch()`, and a `{Name}Field` enum for
/// `$select`/`$orderby`/`$expand` (renamed by `field_enum`). On an enum of newtype variants over
/// derived structs, plus one `#[graph(other)] Other(RawObject)`: dispatch on `@odata.type`. The
/// README of `graph-odata` has a tested example.
///
/// # Attributes
///
/// <!-- graph_entity attributes: generated from macros/src/parse/attrs.rs -->
/// | attribute | what it does |
/// |---|---|
/// | `namespace = "microsoft.graph.externalConnectors"` | the namespace; the name is the Rust name in lowerCamelCase (or write the qualified name first: `#[graph_entity("microsoft.graph.todoTask")]`) |
/// | `base = Type` | the base type of a derived type (a Rust type, or `"ns.name"`); the derived type then writes its `@odata.type` |
/// | `abstract` | on an enum of derived types: the base is abstract, every value names its derived type |
/// | `write_type` | always write `@odata.type` |
/// | `version = "beta"` | `v1.0` (default) or `beta`: which Graph schema the declaration is checked against |
/// | `metadata = "csdl/contoso.xml"` | check against this CSDL file (relative to the crate's manifest; `${NAME}` is the environment variable `NAME`) instead of Graph |
/// | `unchecked` | no `$metadata` checks for this declaration; `unchecked = "beta"`: none for its beta parts |
/// | `patch_type = "TaskChanges"` | the name of the PATCH companion (default `{Name}Patch`) |
/// | `field_enum = "TaskProperty"` | the name of the field enum for `$select`/`$orderby`/`$expand` (default `{Name}Field`) |
/// | `rename_all = "PascalCase"` | how fields and members are named on the wire when not `camelCase` (Graph's): `PascalCase`, `snake_case`, `lowercase`, `UPPERCASE`, `SCREAMING_SNAKE_CASE`; `#[graph(rename)]` still wins |
/// | `create = "POST /path"` | an endpoint method, and likewise `get`, `list`, `update`, `delete`, each with an optional suffix (`get_for_user`); the line is pasted from the Graph docs |
/// | `#[graph(rename = "wireName")]` | the wire name, when it is not the Rust name in lowerCamelCase |
/// | `#[graph(key)]` | the entity's key; a blank non-`Option` key is never sent |
/// | `#[graph(read_only)]` | read from answers, never written, no PATCH setter |
/// | `#[graph(default)]` | a missing member takes the type's `Default` |
/// | `#[graph(extra)]` | a `serde_json::Map<String, Value>` that keeps unknown members (open types) |
/// | `#[graph(odata_type)]` | an `Option<String>` that reads `@odata.type`; likewise `odata_etag`, `odata_id`, `odata_context`, `odata_edit_link`, `odata_read_link`, `odata_media_read_link`, `odata_media_edit_link` |
/// | `#[graph(odata_etag)]` | reads `@odata.etag` (send it back with `Request::if_match`) |
/// | `#[graph(odata_id)]` | reads `@odata.id` |
/// | `#[graph(odata_context)]` | reads `@odata.context` |
/// | `#[graph(odata_edit_link)]` | reads `@odata.editLink` (`Response::resolve` makes it absolute) |
/// | `#[graph(odata_read_link)]` | reads `@odata.readLink` |
/// | `#[graph(odata_media_read_link)]` | reads `@odata.mediaReadLink` |
/// | `#[graph(odata_media_edit_link)]` | reads `@odata.mediaEditLink` |
/// | `#[graph(secret)]` | on an action's or function's parameter: redacted in `Debug` |
/// | `#[graph(unchecked)]` | not checked against the schema (a property newer than the built-in snapshot) |
/// | `#[graph(other)]` | the catch-all: `Other(String)` in an enumeration, `Other(RawObject)` in an enum of derived types |
/// <!-- end of graph_entity attributes -->
#[proc_macro_attribute]
pub fn graph_entity(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::run(MacroKind::Entity, args.into(), item.into()).into()
}

/// Makes a struct an OData **complex type**, or an enum a polymorphic family of complex types
/// dispatched on `@odata.type`.
///
/// As [`macro@graph_entity`], without identity: no key, no endpoints and no PATCH companion (a
/// complex value is replaced as a whole).
///
/// # Attributes
///
/// <!-- graph_complex attributes: generated from macros/src/parse/attrs.rs -->
/// | attribute | what it does |
/// |---|---|
/// | `namespace = "microsoft.graph.externalConnectors"` | the namespace; the name is the Rust name in lowerCamelCase (or write the qualified name first: `#[graph_entity("microsoft.graph.todoTask")]`) |
/// | `base = Type` | the base type of a derived type (a Rust type, or `"ns.name"`); the derived type then writes its `@odata.type` |
/// | `abstract` | on an enum of derived types: the base is abstract, every value names its derived type |
/// | `write_type` | always write `@odata.type` |
/// | `version = "beta"` | `v1.0` (default) or `beta`: which Graph schema the declaration is checked against |
/// | `metadata = "csdl/contoso.xml"` | check against this CSDL file (relative to the crate's manifest; `${NAME}` is the environment variable `NAME`) instead of Graph |
/// | `unchecked` | no `$metadata` checks for this declaration; `unchecked = "beta"`: none for its beta parts |
/// | `rename_all = "PascalCase"` | how fields and members are named on the wire when not `camelCase` (Graph's): `PascalCase`, `snake_case`, `lowercase`, `UPPERCASE`, `SCREAMING_SNAKE_CASE`; `#[graph(rename)]` still wins |
/// | `#[graph(rename = "wireName")]` | the wire name, when it is not the Rust name in lowerCamelCase |
/// | `#[graph(key)]` | the entity's key; a blank non-`Option` key is never sent |
/// | `#[graph(read_only)]` | read from answers, never written, no PATCH setter |
/// | `#[graph(default)]` | a missing member takes the type's `Default` |
/// | `#[graph(extra)]` | a `serde_json::Map<String, Value>` that keeps unknown members (open types) |
/// | `#[graph(odata_type)]` | an `Option<String>` that reads `@odata.type`; likewise `odata_etag`, `odata_id`, `odata_context`, `odata_edit_link`, `odata_read_link`, `odata_media_read_link`, `odata_media_edit_link` |
/// | `#[graph(odata_etag)]` | reads `@odata.etag` (send it back with `Request::if_match`) |
/// | `#[graph(odata_id)]` | reads `@odata.id` |
/// | `#[graph(odata_context)]` | reads `@odata.context` |
/// | `#[graph(odata_edit_link)]` | reads `@odata.editLink` (`Response::resolve` makes it absolute) |
/// | `#[graph(odata_read_link)]` | reads `@odata.readLink` |
/// | `#[graph(odata_media_read_link)]` | reads `@odata.mediaReadLink` |
/// | `#[graph(odata_media_edit_link)]` | reads `@odata.mediaEditLink` |
/// | `#[graph(secret)]` | on an action's or function's parameter: redacted in `Debug` |
/// | `#[graph(unchecked)]` | not checked against the schema (a property newer than the built-in snapshot) |
/// | `#[graph(other)]` | the catch-all: `Other(String)` in an enumeration, `Other(RawObject)` in an enum of derived types |
/// <!-- end of graph_complex attributes -->
#[proc_macro_attribute]
pub fn graph_complex(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::run(MacroKind::Complex, args.into(), item.into()).into()
}

/// Makes an enum an OData **enumeration type** (member names on the wire, a catch-all for members
/// added later, flags as comma-separated names).
///
/// Members are unit variants named in PascalCase (`LimitExceeded` ↔ `"limitExceeded"`); exactly one
/// `#[graph(other)] Other(String)` keeps members Graph adds later. A flags enumeration is used as
/// `wire::Flags<Enum>` (the enum must be `PartialEq`).
/// Generated: `Serialize`, `Deserialize`, `Display`, `wire::GraphEnum` and `wire::ODataType`.
///
/// # Attributes
///
/// <!-- graph_enum attributes: generated from macros/src/parse/attrs.rs -->
/// | attribute | what it does |
/// |---|---|
/// | `namespace = "microsoft.graph.externalConnectors"` | the namespace; the name is the Rust name in lowerCamelCase (or write the qualified name first: `#[graph_entity("microsoft.graph.todoTask")]`) |
/// | `flags` | a flags enumeration; a property of it is `Flags<…>` |
/// | `version = "beta"` | `v1.0` (default) or `beta`: which Graph schema the declaration is checked against |
/// | `metadata = "csdl/contoso.xml"` | check against this CSDL file (relative to the crate's manifest; `${NAME}` is the environment variable `NAME`) instead of Graph |
/// | `unchecked` | no `$metadata` checks for this declaration; `unchecked = "beta"`: none for its beta parts |
/// | `rename_all = "PascalCase"` | how fields and members are named on the wire when not `camelCase` (Graph's): `PascalCase`, `snake_case`, `lowercase`, `UPPERCASE`, `SCREAMING_SNAKE_CASE`; `#[graph(rename)]` still wins |
/// | `#[graph(rename = "wireName")]` | the wire name, when it is not the Rust name in lowerCamelCase |
/// | `#[graph(other)]` | the catch-all: `Other(String)` in an enumeration, `Other(RawObject)` in an enum of derived types |
/// <!-- end of graph_enum attributes -->
#[proc_macro_attribute]
pub fn graph_enum(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::run(MacroKind::Enum, args.into(), item.into()).into()
}

/// Makes a struct the parameters of an OData **action** and generates one request method per HTTP
/// line from the Graph docs.
///
/// The action's name may come first (`"createLink"`, or qualified `"microsoft.graph.createLink"`;
/// default: the struct's name in lowerCamelCase). A method's name is the fixed segments before the
/// action (`/drives/{driveId}/items/{itemId}/createLink` → `drives_items`) unless the line is
/// written `name = "POST …"`. Each method takes `&self` (the JSON body) and the path's
/// placeholders as `&str` (percent-encoded at run time) and returns `Request<Returns>`; the
/// response is accepted bare or wrapped in `{"value": …}`. `Debug` is generated with `secret`
/// fields redacted (do not derive it yourself).
///
/// # Attributes
///
/// <!-- graph_action attributes: generated from macros/src/parse/attrs.rs -->
/// | attribute | what it does |
/// |---|---|
/// | `namespace = "microsoft.graph.externalConnectors"` | the namespace; the name is the Rust name in lowerCamelCase (or write the qualified name first: `#[graph_entity("microsoft.graph.todoTask")]`) |
/// | `version = "beta"` | `v1.0` (default) or `beta`: which Graph schema the declaration is checked against |
/// | `metadata = "csdl/contoso.xml"` | check against this CSDL file (relative to the crate's manifest; `${NAME}` is the environment variable `NAME`) instead of Graph |
/// | `unchecked` | no `$metadata` checks for this declaration; `unchecked = "beta"`: none for its beta parts |
/// | `rename_all = "PascalCase"` | how fields and members are named on the wire when not `camelCase` (Graph's): `PascalCase`, `snake_case`, `lowercase`, `UPPERCASE`, `SCREAMING_SNAKE_CASE`; `#[graph(rename)]` still wins |
/// | `returns = Type` | the answer's type (`Page<T>` for a collection) |
/// | `paths = ["POST /path", name = "POST /path"]` | the HTTP lines that invoke the operation; a method per line (named after the path, or as given) |
/// | `bound = "microsoft.graph.driveItem"` | the binding type, checked against the schema |
/// | `#[graph(rename = "wireName")]` | the wire name, when it is not the Rust name in lowerCamelCase |
/// | `#[graph(key)]` | the entity's key; a blank non-`Option` key is never sent |
/// | `#[graph(read_only)]` | read from answers, never written, no PATCH setter |
/// | `#[graph(default)]` | a missing member takes the type's `Default` |
/// | `#[graph(extra)]` | a `serde_json::Map<String, Value>` that keeps unknown members (open types) |
/// | `#[graph(odata_type)]` | an `Option<String>` that reads `@odata.type`; likewise `odata_etag`, `odata_id`, `odata_context`, `odata_edit_link`, `odata_read_link`, `odata_media_read_link`, `odata_media_edit_link` |
/// | `#[graph(odata_etag)]` | reads `@odata.etag` (send it back with `Request::if_match`) |
/// | `#[graph(odata_id)]` | reads `@odata.id` |
/// | `#[graph(odata_context)]` | reads `@odata.context` |
/// | `#[graph(odata_edit_link)]` | reads `@odata.editLink` (`Response::resolve` makes it absolute) |
/// | `#[graph(odata_read_link)]` | reads `@odata.readLink` |
/// | `#[graph(odata_media_read_link)]` | reads `@odata.mediaReadLink` |
/// | `#[graph(odata_media_edit_link)]` | reads `@odata.mediaEditLink` |
/// | `#[graph(secret)]` | on an action's or function's parameter: redacted in `Debug` |
/// | `#[graph(unchecked)]` | not checked against the schema (a property newer than the built-in snapshot) |
/// <!-- end of graph_action attributes -->
#[proc_macro_attribute]
pub fn graph_action(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::run(MacroKind::Action, args.into(), item.into()).into()
}

/// Makes a struct the parameters of an OData **function** (GET, parameters in the URL:
/// `getByPath(path='a%2Fb')`, strings quoted with `'` doubled, `None` left out).
///
/// As [`macro@graph_action`]; each path ends in the function name (the generated call appends the
/// fields as parameters) or in a call with placeholders (`getByPath(path='{path}')`, which become
/// method parameters).
///
/// # Attributes
///
/// <!-- graph_function attributes: generated from macros/src/parse/attrs.rs -->
/// | attribute | what it does |
/// |---|---|
/// | `namespace = "microsoft.graph.externalConnectors"` | the namespace; the name is the Rust name in lowerCamelCase (or write the qualified name first: `#[graph_entity("microsoft.graph.todoTask")]`) |
/// | `version = "beta"` | `v1.0` (default) or `beta`: which Graph schema the declaration is checked against |
/// | `metadata = "csdl/contoso.xml"` | check against this CSDL file (relative to the crate's manifest; `${NAME}` is the environment variable `NAME`) instead of Graph |
/// | `unchecked` | no `$metadata` checks for this declaration; `unchecked = "beta"`: none for its beta parts |
/// | `rename_all = "PascalCase"` | how fields and members are named on the wire when not `camelCase` (Graph's): `PascalCase`, `snake_case`, `lowercase`, `UPPERCASE`, `SCREAMING_SNAKE_CASE`; `#[graph(rename)]` still wins |
/// | `returns = Type` | the answer's type (`Page<T>` for a collection) |
/// | `paths = ["POST /path", name = "POST /path"]` | the HTTP lines that invoke the operation; a method per line (named after the path, or as given) |
/// | `bound = "microsoft.graph.driveItem"` | the binding type, checked against the schema |
/// | `aliases` | parameters as aliases (`f(p=@p)?@p=…`); required for collection parameters |
/// | `#[graph(rename = "wireName")]` | the wire name, when it is not the Rust name in lowerCamelCase |
/// | `#[graph(key)]` | the entity's key; a blank non-`Option` key is never sent |
/// | `#[graph(read_only)]` | read from answers, never written, no PATCH setter |
/// | `#[graph(default)]` | a missing member takes the type's `Default` |
/// | `#[graph(extra)]` | a `serde_json::Map<String, Value>` that keeps unknown members (open types) |
/// | `#[graph(odata_type)]` | an `Option<String>` that reads `@odata.type`; likewise `odata_etag`, `odata_id`, `odata_context`, `odata_edit_link`, `odata_read_link`, `odata_media_read_link`, `odata_media_edit_link` |
/// | `#[graph(odata_etag)]` | reads `@odata.etag` (send it back with `Request::if_match`) |
/// | `#[graph(odata_id)]` | reads `@odata.id` |
/// | `#[graph(odata_context)]` | reads `@odata.context` |
/// | `#[graph(odata_edit_link)]` | reads `@odata.editLink` (`Response::resolve` makes it absolute) |
/// | `#[graph(odata_read_link)]` | reads `@odata.readLink` |
/// | `#[graph(odata_media_read_link)]` | reads `@odata.mediaReadLink` |
/// | `#[graph(odata_media_edit_link)]` | reads `@odata.mediaEditLink` |
/// | `#[graph(secret)]` | on an action's or function's parameter: redacted in `Debug` |
/// | `#[graph(unchecked)]` | not checked against the schema (a property newer than the built-in snapshot) |
/// <!-- end of graph_function attributes -->
#[proc_macro_attribute]
pub fn graph_function(args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::run(MacroKind::Function, args.into(), item.into()).into()
}
