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

/// Reads `body`, stopping at once past `limit` bytes. Dropping a body still on the connection
/// closes the connection, so a server that sends forever is cut off.
pub(crate) async fn read_limited(
    body: &mut crate::policy::ResponseBody,
    limit: u64,
    trust_length: bool,
) -> Result<Limited, crate::Error> {
    let announced = body.announced_length();
    if trust_length && announced.is_some_and(|len| len > limit) {
        return Ok(Limited::Cut(Bytes::new()));
    }
    // The common small answer arrives as one chunk: keep it as it is, without a copy. Later chunks
    // go into a buffer reserved from what was announced (within the limit).
    let mut first: Option<Bytes> = None;
    let mut buf: Option<BytesMut> = None;
    let mut len: u64 = 0;
    while let Some(chunk) = body.chunk().await? {
        let room = usize::try_from(limit.saturating_sub(len)).unwrap_or(usize::MAX);
        let over = chunk.len() > room;
        let take = if over { chunk.slice(..room) } else { chunk };
        len += take.len() as u64;
        match (&mut buf, first.take()) {
            (Some(buf), _) => buf.extend_from_slice(&take),
            (None, None) => first = Some(take),
            (None, Some(head)) => {
                let reserve = announced
                    .unwrap_or(0)
                    .clamp(len, limit)
                    .min(8 * 1024 * 1024);
                let mut b = BytesMut::with_capacity(usize::try_from(reserve).unwrap_or(0));
                b.extend_from_slice(&head);
                b.extend_from_slice(&take);
                buf = Some(b);
            }
        }
        if over {
            return Ok(Limited::Cut(collected(first, buf)));
        }
    }
    Ok(Limited::Whole(collected(first, buf)))
}

fn collected(first: Option<Bytes>, buf: Option<BytesMut>) -> Bytes {
    match (buf, first) {
        (Some(buf), _) => buf.freeze(),
        (None, Some(first)) => first,
        (None, None) => Bytes::new(),
    }
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
