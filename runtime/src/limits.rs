//! Limits that are always on: how much of a response body the client reads.

/// The default for [`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size):
/// 64 MiB. Graph's largest JSON pages (999 entities with every property selected, a full `$batch`
/// answer of 20 such items aside) are a few MiB to a few tens of MiB; a body past this is far more
/// likely a misbehaving server than data. Raise it per client or per request
/// ([`Request::max_response_size`](crate::Request::max_response_size)) when you expect more.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 64 * 1024 * 1024;

/// How much heap a decoded response may take, as a multiple of the body limit: the default for
/// [`ClientBuilder::max_decoded_size`](crate::ClientBuilder::max_decoded_size) is three times the
/// call's [`max_response_size`](crate::ClientBuilder::max_response_size) (192 MiB for the default
/// 64 MiB), so a call holds at most four times its body limit: the body and what it decodes into.
///
/// What a decode takes is charged as the value is built (see the rules at
/// [`ClientBuilder::max_decoded_size`](crate::ClientBuilder::max_decoded_size)): typed structs pay
/// for what they keep, and a `serde_json::Value` of tiny elements, where 8 bytes of JSON become
/// hundreds of bytes of tree, stops with [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge) naming
/// `max_decoded_size` instead of taking gigabytes.
pub const DECODED_SIZE_FACTOR: u64 = 3;

/// How much of a non-2xx body is read: enough for Graph's error JSON and a snippet of anything
/// else. The rest is never read; the connection is dropped.
pub const ERROR_BODY_CAP: u64 = 16 * 1024;

/// The default for [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages): how many pages
/// one [`Pager`](crate::Pager) (or stream) requests before it stops with an
/// [`ErrorKind::Protocol`](crate::ErrorKind::Protocol) error naming `max_pages`: 100 000.
///
/// Graph's largest collections are tens of millions of objects; at its usual 100 to 999 items a
/// page that is under 100 000 pages, so a real listing does not reach it. A server that answers
/// empty pages with ever-new `@odata.nextLink`s does, and the pager stops instead of running
/// forever. Empty pages count. Raise it per client or per pager
/// ([`Pager::max_pages`](crate::Pager::max_pages)) for larger listings.
pub const DEFAULT_MAX_PAGES: u64 = 100_000;

/// How many of the latest `@odata.nextLink`s a [`Pager`](crate::Pager) remembers to notice a
/// loop (as keyed hashes, so memory stays the same however many pages are read). A longer cycle
/// is stopped by the page budget ([`DEFAULT_MAX_PAGES`]).
pub const RECENT_LINKS: usize = 64;

/// The instant `wait` from now on the tokio clock; a wait too long to add (a caller's
/// `Duration::MAX`) is a wait of thirty years rather than a panic.
pub(crate) fn instant_after(wait: std::time::Duration) -> tokio::time::Instant {
    const FAR: std::time::Duration = std::time::Duration::from_secs(30 * 365 * 86_400);
    let now = tokio::time::Instant::now();
    now.checked_add(wait)
        .or_else(|| now.checked_add(FAR))
        .unwrap_or(now)
}
