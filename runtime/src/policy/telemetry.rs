//! The telemetry policy: `client-request-id` and `User-Agent` on every request.
//!
//! A client with policies of the user's runs it first in the chain, so those policies see both
//! headers on the request; a client without any sets them as the transport builds each request
//! (the same headers on the wire, without a second copy of the header map per try).

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

impl Telemetry {
    /// Sets the two headers in `headers`, the call's id being `id`.
    pub(crate) fn apply(&self, id: &HeaderValue, headers: &mut http::HeaderMap) {
        headers.insert(CLIENT_REQUEST_ID, id.clone());
        if !headers.contains_key(http::header::USER_AGENT) {
            headers.insert(http::header::USER_AGENT, self.user_agent.clone());
        }
    }
}

impl Policy for Telemetry {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        self.apply(ctx.client_request_id_header(), &mut request.headers);
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
