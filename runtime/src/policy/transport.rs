//! The transport policy: the end of the chain, one HTTP exchange through `reqwest`.

use http::HeaderMap;

use super::telemetry::Telemetry;
use super::{Context, HttpRequest, HttpResponse, ResponseBody};
use crate::Error;

/// Sends one request with the configured (or the caller's own) `reqwest::Client` and returns as
/// soon as the headers are in; the body stays on the connection for the limits policy or the
/// download to read.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    /// `client-request-id` and `User-Agent`, set here when the client has no policies of the
    /// user's (else the telemetry policy at the head of the chain sets them).
    pub(crate) telemetry: Option<Telemetry>,
}

impl Transport {
    /// One exchange: sends `request` and answers once the headers are in. `telemetry`: set the
    /// telemetry headers (the try's own request; a redirect's later hops carry them already, or
    /// not, as the redirect step decided).
    pub(crate) fn exchange(
        &self,
        ctx: &Context,
        request: &HttpRequest,
        telemetry: bool,
    ) -> impl Future<Output = Result<HttpResponse, Error>> + Send + 'static {
        // reqwest takes its parts by value: the one copy of the headers per hop (a request with
        // none of its own, the common `GET`, has nothing to copy).
        let mut headers = if request.headers.is_empty() {
            HeaderMap::with_capacity(4)
        } else {
            request.headers.clone()
        };
        if let Some(step) = self.telemetry.as_ref().filter(|_| telemetry) {
            step.apply(ctx.client_request_id_header(), &mut headers);
        }
        if request.body.is_none() {
            headers.remove(http::header::CONTENT_TYPE);
        }
        // Built whole rather than through the builder, which would copy the headers again.
        let mut outgoing = reqwest::Request::new(request.method.clone(), request.url.clone());
        *outgoing.headers_mut() = headers;
        if let Some(body) = &request.body {
            *outgoing.body_mut() = Some(body.clone().into());
        }
        let send = self.http.execute(outgoing);
        async move {
            let mut response = send.await.map_err(Error::transport)?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            Ok(HttpResponse {
                status,
                headers,
                body: ResponseBody::stream(response),
            })
        }
    }
}
