//! The limits policy: every body read into memory is read up to a limit.

use bytes::{Bytes, BytesMut};

use super::redirect::{self, Redirect};
use super::transport::Transport;
#[cfg(test)]
use super::{BoxFuture, Policy};
use super::{Context, HttpRequest, HttpResponse, Next, ResponseBody};
use crate::limits::ERROR_BODY_CAP;
use crate::{Error, ErrorKind};

/// Sends `request` on, then reads a success body up to the call's limit (a typed
/// [`ErrorKind::TooLarge`] error past it, the connection dropped) and any other body up to
/// [`ERROR_BODY_CAP`] (enough for the error JSON; the rest is never read). A success of a
/// streaming call (a download) passes through unread.
pub(crate) async fn read(
    ctx: &Context,
    request: &mut HttpRequest,
    onward: Onward<'_>,
) -> Result<HttpResponse, Error> {
    let mut response = onward.send(ctx, request).await?;
    let success = response.status.is_success();
    if (success && ctx.streaming) || response.body.as_bytes().is_some() {
        return Ok(response);
    }
    let limit = if success {
        ctx.max_response_size
    } else {
        ERROR_BODY_CAP
    };
    let body = match read_limited(&mut response.body, limit, success).await? {
        Limited::Whole(body) => body,
        // An error body is only read for its message and snippet.
        Limited::Cut(body) if !success => body,
        Limited::Cut(_) => {
            tracing::warn!(limit, "response body over the limit: connection dropped");
            return Err(Error::kinded(
                ErrorKind::TooLarge,
                format!(
                    "the response body is larger than the limit of {}; reading stopped \
                             (raise it with `ClientBuilder::max_response_size` or \
                             `Request::max_response_size`)",
                    human_bytes(limit)
                ),
            ));
        }
    };
    response.body = ResponseBody::from(body);
    Ok(response)
}

/// Where the limits step sends a request on.
#[derive(Clone, Copy)]
pub(crate) enum Onward<'a> {
    /// The rest of the chain (the step alone, as a policy).
    #[cfg_attr(not(test), allow(dead_code))]
    Chain(Next<'a>),
    /// The redirect step, then `reqwest`, called directly.
    Redirect(&'a Redirect, &'a Transport),
}

impl Onward<'_> {
    async fn send(self, ctx: &Context, request: &mut HttpRequest) -> Result<HttpResponse, Error> {
        match self {
            Onward::Chain(next) => next.send(ctx, request).await,
            Onward::Redirect(redirect, transport) => {
                redirect
                    .follow(ctx, request, redirect::Onward::Transport(transport))
                    .await
            }
        }
    }
}

/// The limits step alone, as a policy (for its unit tests against a scripted end of the chain).
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct Limits;

#[cfg(test)]
impl Policy for Limits {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        Box::pin(read(ctx, request, Onward::Chain(next)))
    }
}

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
    body: &mut ResponseBody,
    limit: u64,
    trust_length: bool,
) -> Result<Limited, Error> {
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
    use super::super::testing::*;
    use super::*;
    use bytes::Bytes;
    use http::{HeaderMap, StatusCode};
    use std::sync::Arc;

    fn answer(code: u16, len: usize) -> HttpResponse {
        HttpResponse::new(
            StatusCode::from_u16(code).unwrap(),
            HeaderMap::new(),
            Bytes::from(vec![b'x'; len]),
        )
    }

    #[tokio::test]
    async fn successes_within_the_limit_pass_and_past_it_fail() {
        // A buffered body is already within whatever limit produced it: it passes as it is.
        let script = Script::new(vec![Box::new(|_| Ok(answer(200, 2000)))]);
        let c = ctx();
        let r = run(Arc::new(Limits), script, &c, get("https://h/x"))
            .await
            .unwrap();
        assert_eq!(r.body.as_bytes().unwrap().len(), 2000);
    }

    /// An answer whose body is still to be read, as the transport hands it over.
    fn streamed(code: u16, len: usize) -> HttpResponse {
        let response = http::Response::builder()
            .status(code)
            .body(vec![b'x'; len])
            .unwrap();
        HttpResponse {
            status: StatusCode::from_u16(code).unwrap(),
            headers: HeaderMap::new(),
            body: ResponseBody::stream(reqwest::Response::from(response)),
        }
    }

    #[tokio::test]
    async fn a_streamed_success_is_read_up_to_the_limit_and_refused_past_it() {
        // `ctx()` allows 1024 bytes.
        let script = Script::new(vec![
            Box::new(|_| Ok(streamed(200, 1024))),
            Box::new(|_| Ok(streamed(200, 1025))),
        ]);
        let c = ctx();
        let at = run(Arc::new(Limits), script.clone(), &c, get("https://h/x"))
            .await
            .unwrap();
        assert_eq!(at.body.as_bytes().map(Bytes::len), Some(1024));
        let past = run(Arc::new(Limits), script, &c, get("https://h/x"))
            .await
            .unwrap_err();
        assert_eq!(past.kind(), ErrorKind::TooLarge, "{past}");
        assert!(past.to_string().contains("1 KiB"), "{past}");
    }

    #[tokio::test]
    async fn an_error_body_is_cut_at_its_cap_and_still_answered() {
        let script = Script::new(vec![Box::new(|_| {
            Ok(streamed(400, ERROR_BODY_CAP as usize * 4))
        })]);
        let r = run(Arc::new(Limits), script, &ctx(), get("https://h/x"))
            .await
            .unwrap();
        assert_eq!(r.status, 400);
        assert_eq!(
            r.body.as_bytes().map(Bytes::len),
            Some(ERROR_BODY_CAP as usize)
        );
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        use crate::limits::DEFAULT_MAX_RESPONSE_SIZE;
        assert_eq!(human_bytes(DEFAULT_MAX_RESPONSE_SIZE), "64 MiB");
        assert_eq!(human_bytes(ERROR_BODY_CAP), "16 KiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
        assert_eq!(human_bytes(0), "0 bytes");
    }
}
