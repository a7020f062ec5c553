//! The response body: whole, or an item's bytes (which may be cut off halfway by a fault).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use crate::download::ContentBody;

/// A response body: JSON or text held whole, or bytes sent in pieces (downloads, and any body a
/// [`Fault::truncate_body`](crate::Fault::truncate_body) cuts off halfway).
pub(crate) enum ReplyBody {
    Full(Option<Bytes>),
    /// Bytes generated or sliced as they are sent, failing at a cut if one is set.
    Content(ContentBody),
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
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ReplyBody::Full(b) => b.is_none(),
            ReplyBody::Content(c) => c.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReplyBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            ReplyBody::Full(None) => SizeHint::with_exact(0),
            ReplyBody::Content(c) => c.size_hint(),
        }
    }
}
