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
#![warn(missing_docs)]

pub mod auth;
pub mod batch;
mod client;
pub mod delta;
pub mod download;
pub mod edm;
mod error;
pub mod limits;
mod page;
mod pager;
pub mod path;
pub mod policy;
pub mod query;
mod request;
mod retry;
pub mod upload;
pub mod wire;

pub use client::{ApiVersion, Client, ClientBuilder, Cloud, DEFAULT_TIMEOUT, USER_AGENT};
pub use error::{ApiError, DecodeError, Error, ErrorKind};
pub use page::{Page, decode_operation};
pub use pager::{Items, Pager};
pub use request::{Decoder, Request, Response, decode_json};
pub use retry::RetryPolicy;

/// Re-exported so users and generated code name the same versions.
pub use {bytes, http, serde, serde_json, url};
