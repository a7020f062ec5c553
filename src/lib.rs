//! # graph-odata
//!
//! Typed Microsoft Graph (and any OData v4 service) calls from your own structs. You declare the
//! entities, actions and functions your program uses with attribute macros, pasting the HTTP lines
//! from Graph's documentation; the macros give them Graph's exact wire format and typed endpoint
//! methods, and check each path against Graph's schema at compile time. The runtime sends them:
//! auth, retries and throttling, redirects that keep tokens home, paging, delta, `$batch`,
//! uploads, streaming downloads, bounded memory and deadlines by default.
//!
//! ```no_run
//! use graph_odata::prelude::*;
//!
//! #[graph_entity(
//!     create = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
//!     get = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources/{linkedResourceId}",
//! )]
//! #[derive(Debug, Default)]
//! pub struct LinkedResource {
//!     #[graph(key, read_only)]
//!     pub id: Option<String>,
//!     pub web_url: Option<String>,
//!     pub application_name: Option<String>,
//!     pub display_name: Option<String>,
//! }
//!
//! # async fn demo() -> Result<(), Error> {
//! let client = Client::builder()
//!     .credential(StaticToken::new(std::env::var("GRAPH_TOKEN").unwrap_or_default()))
//!     .build()?;
//! let created = client
//!     .send(LinkedResource::create("AAMkADIyList", "AAMkADIyTask", &LinkedResource {
//!         web_url: Some("https://contoso.example/tickets/42".into()),
//!         application_name: Some("Tickets".into()),
//!         display_name: Some("Ticket 42".into()),
//!         ..Default::default()
//!     }))
//!     .await?;
//! # let _ = created; Ok(()) }
//! ```
//!
//! Where to go next: [`prelude`] for the names most programs use; the macros
//! ([`graph_entity`], [`graph_complex`], [`graph_enum`], [`graph_action`], [`graph_function`]);
//! [`Client`] and [`ClientBuilder`] for settings; [`policy`] to add your own behaviour to every
//! call; [`download`], [`upload`], [`batch`], [`delta`] for the bigger operations; [`Error`] for what
//! can go wrong. The README (on crates.io and in the repository) walks through five Graph
//! operations end to end (To Do linked resources, sharing links, external connections, connected
//! organizations) and the production settings.
//!
//! Tests and examples run against the local emulator (`graph-odata-emulator`) instead of Graph.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use graph_odata_macros::{
    graph_action, graph_complex, graph_entity, graph_enum, graph_function,
};
pub use graph_odata_runtime::*;

pub mod permissions;

/// The names most programs need: `use graph_odata::prelude::*;`.
pub mod prelude {
    pub use graph_odata_macros::{
        graph_action, graph_complex, graph_entity, graph_enum, graph_function,
    };
    pub use graph_odata_runtime::auth::{AccessToken, StaticToken, TokenCredential, token_fn};
    // `edm::Duration` is left out: it would shadow `std::time::Duration`.
    pub use graph_odata_runtime::edm::{
        Binary, Date, DateTimeOffset, Decimal, Guid, Int64, TimeOfDay,
    };
    pub use graph_odata_runtime::lro::Lro;
    pub use graph_odata_runtime::path::encode_segment;
    pub use graph_odata_runtime::query::{Filter, Order};
    pub use graph_odata_runtime::wire::{Flags, Patch, RawObject};
    pub use graph_odata_runtime::{
        ApiVersion, Client, Cloud, Error, ErrorKind, Page, Request, Response, RetryPolicy,
    };
}

/// Paths used by code the macros generate. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::permissions;
    pub use core::convert::Into;
    pub use core::default::Default;
    pub use core::marker::PhantomData;
    pub use core::{option::Option, result::Result};
    pub use graph_odata_runtime::__private::{decode_json, decode_operation, wire};
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
