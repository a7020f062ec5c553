//! The transport policy: the end of the chain, one HTTP exchange through `reqwest`.

use super::{HttpRequest, HttpResponse, ResponseBody};
use crate::Error;

/// Sends one request with the configured (or the caller's own) `reqwest::Client` and returns as
/// soon as the headers are in; the body stays on the connection for the limits policy or the
/// download to read.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
}

impl Transport {
    /// One exchange: sends `request` and answers once the headers are in.
    pub(crate) fn exchange(
        &self,
        request: &HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, Error>> + Send + 'static {
        // reqwest takes its parts by value: the one copy of the headers per hop.
        let mut headers = request.headers.clone();
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
