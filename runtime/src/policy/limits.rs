//! The limits policy: every body read into memory is read up to a limit.

use super::{BoxFuture, Context, HttpRequest, HttpResponse, Next, Policy, ResponseBody};
use crate::limits::{ERROR_BODY_CAP, Limited, human_bytes, read_limited};
use crate::{Error, ErrorKind};

/// Reads a success body up to the call's limit (a typed [`ErrorKind::TooLarge`] error past it, the
/// connection dropped) and any other body up to [`ERROR_BODY_CAP`] (enough for the error JSON; the
/// rest is never read). A success of a streaming call (a download) passes through unread.
#[derive(Debug)]
pub(crate) struct Limits;

impl Policy for Limits {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        Box::pin(async move {
            let mut response = next.send(ctx, request).await?;
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
        })
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
}
