//! Transport for [graph-odata](https://docs.rs/graph-odata): requests as values, a client with auth,
//! retries, throttling and redirect safety, and one error type.
//!
//! Most users depend on the `graph-odata` facade crate, which re-exports everything here together with
//! the attribute macros. This crate is usable on its own with hand-built requests:
//!
//! ```no_run
//! # async fn demo() -> Result<(), graph_odata_runtime::Error> {
//! use graph_odata_runtime::{auth::StaticToken, path::encode_segment, Client, Request};
//! use serde_json::{json, Value};
//!
//! let client = Client::builder().credential(StaticToken::new("eyJ0eXAi...")).build()?;
//! let list = encode_segment("AAMkADIyAAAhrbPWAAA=")?;
//! let task: Value = client
//!     .send(Request::post(format!("/me/todo/lists/{list}/tasks"), &json!({"title": "Pay rent"})))
//!     .await?;
//! # let _ = task; Ok(()) }
//! ```
//!
//! Where to go next: [`ClientBuilder`] for every setting (limits, deadlines, retries, your own
//! `reqwest::Client`); [`policy`] to add behaviour to every call; [`Client::pages`] and
//! [`Client::stream`] for collections, [`batch`], [`delta`], [`upload`], [`download`] and [`lro`]
//! for the bigger operations; [`Error`] for what can go wrong.
//!
//! # Layers
//!
//! Each file imports (`use crate::…`) only files of the layers before it; the files of one folder
//! share their folder's private items through `super::`.
//!
//! 1. Leaves: `redact` (sensitive headers, log-safe text), `limits`, `edm`, `retry::after`
//!    (`Retry-After`) and `retry` ([`RetryPolicy`]).
//! 2. `origin` (the http/https rule, loopback, Graph's hosts, the token's scope) and `error`.
//! 3. `path` (encoding, resolving a path against the service root), `decode`, `response`,
//!    `retry::rules` (what is retried) and `auth` (where tokens come from).
//! 4. `request`.
//! 5. `path::PathBuilder`, `page` and `wire`.
//! 6. `query` and `delta` (but `delta::sync`, which runs over a client, is layer 9).
//! 7. `policy`: the pipeline and the built-in policies.
//! 8. `client`: [`Client`], and [`ClientBuilder`], which assembles the pipeline.
//! 9. What runs over a client: `pager`, `batch`, `upload`, `download`, `lro` (long-running
//!    operations), `delta::sync` (resuming and starting over) and `notify` (change notifications,
//!    feature `notifications`).
#![warn(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
pub mod batch;
mod client;
mod decode;
pub mod delta;
pub mod download;
pub mod edm;
mod error;
pub mod limits;
pub mod lro;
#[cfg(feature = "notifications")]
#[cfg_attr(docsrs, doc(cfg(feature = "notifications")))]
pub mod notify;
mod origin;
mod page;
mod pager;
pub mod path;
pub mod policy;
pub mod query;
pub mod redact;
mod request;
mod response;
mod retry;
pub mod upload;
pub mod wire;

/// What the attribute macros' generated code calls. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    /// Every wire helper, the codegen-only ones included.
    pub mod wire {
        pub use crate::wire::codegen::*;
        pub use crate::wire::raw::{is_annotation, strip_hash};
        pub use crate::wire::*;
    }
    pub use crate::decode::{decode_json, decode_operation};
}

pub use client::{ApiVersion, Client, ClientBuilder, Cloud, DEFAULT_TIMEOUT, USER_AGENT};
pub use decode::Decoder;
pub use error::{ApiError, DecodeError, Error, ErrorKind};
pub use page::Page;
pub use pager::{Items, Pager};
pub use request::Request;
pub use response::Response;
pub use retry::RetryPolicy;

/// Re-exported so users and generated code name the same versions.
pub use {bytes, http, serde, serde_json, url};

// Compile-time promises: the types programs share across tasks stay shareable.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    const fn send<T: Send>() {}
    const fn clone<T: Clone>() {}
    send_sync::<Client>();
    clone::<Client>();
    send_sync::<ClientBuilder>();
    send_sync::<Request<serde_json::Value>>();
    send_sync::<Response<serde_json::Value>>();
    send_sync::<Error>();
    send_sync::<policy::HttpRequest>();
    send_sync::<policy::Context>();
    send::<policy::HttpResponse>();
    send::<download::Download>();
    send::<download::DownloadStream>();
    send::<Pager<serde_json::Value>>();
    send::<Items<serde_json::Value>>();
    send_sync::<batch::Batch>();
};

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
