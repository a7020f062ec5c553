//! Limits that are always on: how much of a response body the client reads.

/// The default for [`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size):
/// 64 MiB. Graph's largest JSON pages (999 entities with every property selected, a full `$batch`
/// answer of 20 such items aside) are a few MiB to a few tens of MiB; a body past this is far more
/// likely a misbehaving server than data. Raise it per client or per request
/// ([`Request::max_response_size`](crate::Request::max_response_size)) when you expect more.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 64 * 1024 * 1024;

/// How much of a non-2xx body is read: enough for Graph's error JSON and a snippet of anything
/// else. The rest is never read; the connection is dropped.
pub const ERROR_BODY_CAP: u64 = 16 * 1024;
