//! # graph-odata
//!
//! Typed Microsoft Graph (and any OData v4 service) calls from your own structs: the runtime
//! ([`Client`], [`Request`], [`Error`], auth, retries, redirects) and, as they land, the attribute
//! macros that turn an annotated struct into a wire-exact OData model with compile-time checked
//! endpoints.
//!
//! ```no_run
//! use graph_odata::prelude::*;
//! use serde_json::{json, Value};
//!
//! # async fn demo() -> Result<(), Error> {
//! let client = Client::builder()
//!     .credential(StaticToken::new(std::env::var("GRAPH_TOKEN").unwrap_or_default()))
//!     .build()?;
//! let list = encode_segment("AAMkADIyAAAhrbPWAAA=")?;
//! let created: Value = client
//!     .send(Request::post(format!("/me/todo/lists/{list}/tasks"), &json!({"title": "Pay rent"})))
//!     .await?;
//! # let _ = created; Ok(()) }
//! ```
//!
//! Tests and examples run against the local emulator (`graph-odata-emulator`) instead of Graph.

pub use graph_odata_macros::{
    graph_action, graph_complex, graph_entity, graph_enum, graph_function,
};
pub use graph_odata_runtime::*;

/// The names most programs need: `use graph_odata::prelude::*;`.
pub mod prelude {
    pub use graph_odata_macros::{
        graph_action, graph_complex, graph_entity, graph_enum, graph_function,
    };
    pub use graph_odata_runtime::auth::{AccessToken, StaticToken, TokenCredential, token_fn};
    pub use graph_odata_runtime::edm::{
        Binary, Date, DateTimeOffset, Decimal, Duration, Guid, Int64, TimeOfDay,
    };
    pub use graph_odata_runtime::path::encode_segment;
    pub use graph_odata_runtime::wire::{Flags, Patch, RawObject};
    pub use graph_odata_runtime::{
        ApiVersion, Client, Cloud, Error, ErrorKind, Page, Request, Response, RetryPolicy,
    };
}

/// Paths used by code the macros generate. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use core::convert::Into;
    pub use core::default::Default;
    pub use core::{option::Option, result::Result};
    pub use graph_odata_runtime::*;
    pub use graph_odata_runtime::{bytes, http, serde, serde_json};
    pub use std::fmt;
    pub use std::format;
    pub use std::string::String;
    pub use std::vec::Vec;
}

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
