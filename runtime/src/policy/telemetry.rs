//! The telemetry policy: `client-request-id` and `User-Agent` on every request.

use http::{HeaderName, HeaderValue};

use super::{BoxFuture, Context, HttpRequest, HttpResponse, Next, Policy};
use crate::Error;

pub(crate) const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// Sets `client-request-id` to the call's id (the same on every try, so Graph's support can join
/// them) and `User-Agent` to the configured product, unless the request set its own.
#[derive(Debug)]
pub(crate) struct Telemetry {
    pub(crate) user_agent: HeaderValue,
}

impl Policy for Telemetry {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        request
            .headers
            .insert(CLIENT_REQUEST_ID, ctx.client_request_id_header().clone());
        if !request.headers.contains_key(http::header::USER_AGENT) {
            request
                .headers
                .insert(http::header::USER_AGENT, self.user_agent.clone());
        }
        next.send(ctx, request)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn sets_the_call_id_and_user_agent() {
        let script = Script::new(vec![Box::new(|_| Ok(status(200)))]);
        let policy = Arc::new(Telemetry {
            user_agent: HeaderValue::from_static("app/1 graph-odata/0"),
        });
        let mut request = get("https://graph.microsoft.com/v1.0/me");
        request
            .headers
            .insert(CLIENT_REQUEST_ID, HeaderValue::from_static("stale"));
        run(policy.clone(), script.clone(), &ctx(), request)
            .await
            .unwrap();
        let mut own = get("https://graph.microsoft.com/v1.0/me");
        own.headers
            .insert(http::header::USER_AGENT, HeaderValue::from_static("mine"));
        run(policy, script.clone(), &ctx(), own).await.unwrap();
        let seen = script.seen();
        assert_eq!(seen[0].headers[&CLIENT_REQUEST_ID], "cid-1");
        assert_eq!(
            seen[0].headers[http::header::USER_AGENT],
            "app/1 graph-odata/0"
        );
        assert_eq!(seen[1].headers[http::header::USER_AGENT], "mine");
    }
}
