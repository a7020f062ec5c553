//! The response body: whole, cut off halfway (fault injection), or an item's bytes.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// A response body that is either whole or cut off halfway (fault injection).
pub(crate) enum ReplyBody {
    Full(Option<Bytes>),
    /// Sends `part`, lets the server flush it while `pause` runs, then fails (closing the connection).
    Truncated {
        part: Option<Bytes>,
        pause: Pin<Box<tokio::time::Sleep>>,
        failed: bool,
    },
    /// An item's bytes (downloads), generated or sliced as they are sent.
    Content(crate::download::ContentBody),
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            ReplyBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            ReplyBody::Content(c) => Pin::new(c).poll_frame(cx),
            ReplyBody::Truncated {
                part,
                pause,
                failed,
            } => {
                if let Some(b) = part.take() {
                    Poll::Ready(Some(Ok(Frame::data(b))))
                } else if pause.as_mut().poll(cx).is_pending() {
                    Poll::Pending
                } else if !*failed {
                    *failed = true;
                    Poll::Ready(Some(Err(io::Error::other(
                        "body truncated by fault injection",
                    ))))
                } else {
                    Poll::Ready(None)
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ReplyBody::Content(c) => c.is_end_stream(),
            other => matches!(other, ReplyBody::Full(None)),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReplyBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            ReplyBody::Full(None) => SizeHint::with_exact(0),
            ReplyBody::Truncated { .. } => SizeHint::default(),
            ReplyBody::Content(c) => c.size_hint(),
        }
    }
}
