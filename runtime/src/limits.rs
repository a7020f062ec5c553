//! Limits that are always on: how much of a response body the client reads.

use bytes::{Bytes, BytesMut};

/// The default for [`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size):
/// 64 MiB. Graph's largest JSON pages (999 entities with every property selected, a full `$batch`
/// answer of 20 such items aside) are a few MiB to a few tens of MiB; a body past this is far more
/// likely a misbehaving server than data. Raise it per client or per request
/// ([`Request::max_response_size`](crate::Request::max_response_size)) when you expect more.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 64 * 1024 * 1024;

/// How much of a non-2xx body is read: enough for Graph's error JSON and a snippet of anything
/// else. The rest is never read; the connection is dropped.
pub const ERROR_BODY_CAP: u64 = 16 * 1024;

/// A body read with a limit.
pub(crate) enum Limited {
    /// The whole body, within the limit.
    Whole(Bytes),
    /// The body went past the limit: the first `limit` bytes (none when `Content-Length` alone
    /// said it would), and reading stopped.
    Cut(Bytes),
}

/// Reads `response`'s body, stopping at once past `limit` bytes. Dropping the response with its
/// body unread closes the connection, so a server that sends forever is cut off.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: u64,
    trust_length: bool,
) -> Result<Limited, reqwest::Error> {
    let announced = response.content_length();
    if trust_length && announced.is_some_and(|len| len > limit) {
        return Ok(Limited::Cut(Bytes::new()));
    }
    // Reserve what was announced (within the limit) so a large page is not copied as it grows.
    let reserve = announced.unwrap_or(0).min(limit).min(8 * 1024 * 1024);
    let mut buf = BytesMut::with_capacity(usize::try_from(reserve).unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        let room = usize::try_from(limit.saturating_sub(buf.len() as u64)).unwrap_or(usize::MAX);
        if chunk.len() > room {
            buf.extend_from_slice(&chunk[..room]);
            return Ok(Limited::Cut(buf.freeze()));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Limited::Whole(buf.freeze()))
}

/// `n` bytes in the unit a person would use.
pub(crate) fn human_bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(DEFAULT_MAX_RESPONSE_SIZE), "64 MiB");
        assert_eq!(human_bytes(ERROR_BODY_CAP), "16 KiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
        assert_eq!(human_bytes(0), "0 bytes");
    }
}
