//! Downloads as Graph serves them: `GET …/items/{id}/content` answers `302 Found` with a
//! pre-authenticated URL on another origin (here: the emulator's second port), which serves the
//! bytes with `Range` support and needs no token.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use http_body::{Body, Frame, SizeHint};

/// The content of a drive item.
#[derive(Debug, Clone)]
pub(crate) enum Content {
    /// Bytes held in memory (uploads, [`Emulator::set_content`](crate::Emulator::set_content)).
    Bytes(Bytes),
    /// `len` bytes of [`pattern_byte`], generated as they are sent: large bodies without the
    /// memory.
    Pattern(u64),
}

impl Content {
    pub(crate) fn len(&self) -> u64 {
        match self {
            Content::Bytes(b) => b.len() as u64,
            Content::Pattern(n) => *n,
        }
    }
}

/// The byte at `offset` of content set with
/// [`Emulator::set_pattern_content`](crate::Emulator::set_pattern_content). Not periodic over
/// short distances, so a byte served at the wrong offset shows.
pub fn pattern_byte(offset: u64) -> u8 {
    let x = offset.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x >> 56) as u8 ^ (offset as u8)
}

/// The entity tag of an item's content.
pub(crate) fn etag(id: &str) -> String {
    format!("\"{{{id}}},1\"")
}

/// A body served from [`Content`], in pieces of 64 KiB, optionally failing after `cut_at` bytes
/// (fault injection: the connection drops halfway).
pub(crate) struct ContentBody {
    content: Content,
    pos: u64,
    end: u64,
    cut_at: Option<u64>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

const PIECE: u64 = 64 * 1024;

impl ContentBody {
    /// `bytes` cut off after the first half (fault injection on an ordinary answer).
    pub(crate) fn cut_in_half(bytes: Bytes) -> ContentBody {
        let end = bytes.len() as u64;
        ContentBody {
            content: Content::Bytes(bytes),
            pos: 0,
            end,
            cut_at: Some(end / 2),
            pause: None,
        }
    }
}

impl Body for ContentBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        let stop = this.cut_at.map_or(this.end, |c| c.min(this.end));
        if this.pos >= stop {
            if this.cut_at.is_some_and(|c| c < this.end) {
                // Let the bytes sent so far reach the client, then fail the connection.
                let pause = this.pause.get_or_insert_with(|| {
                    Box::pin(tokio::time::sleep(std::time::Duration::from_millis(20)))
                });
                if pause.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.cut_at = None;
                this.end = this.pos;
                return Poll::Ready(Some(Err(io::Error::other("body cut by fault injection"))));
            }
            return Poll::Ready(None);
        }
        let n = (stop - this.pos).min(PIECE);
        let piece = match &this.content {
            Content::Bytes(b) => {
                let (a, z) = (this.pos as usize, (this.pos + n) as usize);
                b.slice(a..z)
            }
            Content::Pattern(_) => {
                let mut buf = BytesMut::with_capacity(n as usize);
                buf.extend((this.pos..this.pos + n).map(pattern_byte));
                buf.freeze()
            }
        };
        this.pos += n;
        Poll::Ready(Some(Ok(Frame::data(piece))))
    }

    fn is_end_stream(&self) -> bool {
        self.pos >= self.end
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.end - self.pos)
    }
}

/// What `/download/{id}` answers: the status, headers and the byte range `[start, end)`.
pub(crate) struct Served {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<ContentBody>,
}

/// Answers a request for an item's bytes, honouring `Range: bytes=a-`, `bytes=a-b` and `If-Range`.
pub(crate) fn serve(
    id: &str,
    content: &Content,
    method: &Method,
    request: &HeaderMap,
    cut: bool,
) -> Served {
    let len = content.len();
    let tag = etag(id);
    let mut headers = HeaderMap::new();
    headers.insert("accept-ranges", HeaderValue::from_static("bytes"));
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::try_from(tag.as_str()) {
        headers.insert(http::header::ETAG, v);
    }
    if *method != Method::GET && *method != Method::HEAD {
        return Served {
            status: StatusCode::METHOD_NOT_ALLOWED,
            headers,
            body: None,
        };
    }
    let if_range_ok = request
        .get(http::header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v == tag);
    let range = request
        .get(http::header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_ok)
        .map(|v| parse_range(v, len));
    let (status, start, end) = match range {
        None => (StatusCode::OK, 0, len),
        Some(Some((a, z))) => (StatusCode::PARTIAL_CONTENT, a, z),
        Some(None) => {
            if let Ok(v) = HeaderValue::try_from(format!("bytes */{len}")) {
                headers.insert(http::header::CONTENT_RANGE, v);
            }
            return Served {
                status: StatusCode::RANGE_NOT_SATISFIABLE,
                headers,
                body: None,
            };
        }
    };
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) = HeaderValue::try_from(format!("bytes {start}-{}/{len}", end - 1))
    {
        headers.insert(http::header::CONTENT_RANGE, v);
    }
    headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(end - start));
    let body = (*method == Method::GET).then(|| ContentBody {
        content: content.clone(),
        pos: start,
        end,
        cut_at: cut.then_some(start + (end - start) / 2),
        pause: None,
    });
    Served {
        status,
        headers,
        body,
    }
}

/// `bytes=a-`, `bytes=a-b` or `bytes=-n` within `len`, as `[start, end)`; `None` when it cannot be
/// satisfied. Several ranges are not supported (Graph's download URLs answer one).
fn parse_range(value: &str, len: u64) -> Option<(u64, u64)> {
    let spec = value.strip_prefix("bytes=")?.trim();
    let (a, b) = spec.split_once('-')?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().ok()?;
            (len.saturating_sub(n), len)
        }
        (a, "") => (a.parse().ok()?, len),
        (a, b) => {
            let (a, b): (u64, u64) = (a.parse().ok()?, b.parse().ok()?);
            (a, b.checked_add(1)?.min(len))
        }
    };
    (start < end && start < len).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-", 10), Some((0, 10)));
        assert_eq!(parse_range("bytes=3-4", 10), Some((3, 5)));
        assert_eq!(parse_range("bytes=3-400", 10), Some((3, 10)));
        assert_eq!(parse_range("bytes=-4", 10), Some((6, 10)));
        assert_eq!(parse_range("bytes=10-", 10), None);
        assert_eq!(parse_range("bytes=5-4", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
        assert_eq!(parse_range("bytes=x-", 10), None);
        assert_eq!(parse_range("bytes=0-18446744073709551615", 10), None);
    }

    #[test]
    fn the_pattern_is_not_short_periodic() {
        let a: Vec<u8> = (0..4096).map(pattern_byte).collect();
        for shift in [1u64, 251, 256, 4096] {
            let b: Vec<u8> = (shift..shift + 4096).map(pattern_byte).collect();
            assert_ne!(a, b, "{shift}");
        }
    }
}
