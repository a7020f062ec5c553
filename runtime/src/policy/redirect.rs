//! The redirect policy: follows 301/302/303/307/308 safely.

use http::{HeaderName, Method, StatusCode};
use url::Url;

use super::transport::Transport;
#[cfg(test)]
use super::{BoxFuture, Policy};
use super::{Context, HttpRequest, HttpResponse, Next};
use crate::origin::check_scheme;
use crate::redact::{SENSITIVE_HEADERS, log_path, log_url};
use crate::{Error, ErrorKind};

/// Follows up to `max_redirects` hops. On another origin (scheme, host or port) the token and
/// every sensitive header are dropped (the [`SENSITIVE_HEADERS`] list, the headers named with
/// [`ClientBuilder::sensitive_header`](crate::ClientBuilder::sensitive_header), and any header
/// value marked with `HeaderValue::set_sensitive`), as Graph's pre-authenticated download URLs
/// expect; a 307/308 that would carry a request body to another origin is refused (Graph never
/// asks for it, and the body may hold secrets); https → http is refused; 301/302 turn a POST into
/// a GET and 303 turns any method into GET (dropping the body).
#[derive(Debug)]
pub(crate) struct Redirect {
    pub(crate) max_redirects: usize,
    pub(crate) allow_http: bool,
    /// Headers the caller named sensitive, dropped on another origin like [`SENSITIVE_HEADERS`].
    pub(crate) sensitive: Vec<HeaderName>,
}

impl Redirect {
    /// Sends `request` on and follows the redirects of the answer (see [`Redirect`]).
    pub(crate) async fn follow(
        &self,
        ctx: &Context,
        request: &mut HttpRequest,
        onward: Onward<'_>,
    ) -> Result<HttpResponse, Error> {
        let mut response = onward.send(ctx, &mut *request).await?;
        if ctx.keep_redirects {
            return Ok(response);
        }
        // The hops work on a copy: a retry sends the caller's request as it was.
        let mut current: Option<HttpRequest> = None;
        let mut hop = 0;
        loop {
            let location = match response.headers.get(http::header::LOCATION) {
                Some(v) if is_redirect(response.status) => v.clone(),
                _ => {
                    ctx.set_answered_elsewhere(
                        current
                            .as_ref()
                            .is_some_and(|c| c.url.origin() != request.url.origin()),
                    );
                    return Ok(response);
                }
            };
            let request = current.get_or_insert_with(|| {
                // The copy carries what the first hop carried (the telemetry headers included),
                // so that what follows strips them like any other header.
                let mut copy = request.clone();
                onward.stamp(ctx, &mut copy);
                copy
            });
            let refuse = |message: String| Error::kinded(ErrorKind::Redirect, message);
            if hop >= self.max_redirects {
                return Err(refuse(format!(
                    "more than {} redirects",
                    self.max_redirects
                )));
            }
            let location = location
                .to_str()
                .map_err(|_| refuse("the redirect `Location` is not valid text".to_owned()))?;
            let next_hop = next_hop(&request.url, &request.method, response.status, location)
                .map_err(refuse)?;
            check_scheme(&next_hop.url, self.allow_http)
                .map_err(|e| refuse(format!("a redirect: {e}")))?;
            if next_hop.cross_origin {
                if next_hop.method == request.method
                    && request.body.as_ref().is_some_and(|b| !b.is_empty())
                {
                    return Err(refuse(format!(
                        "a {} redirect would send the request body to another origin (`{}`); \
                             it was not followed",
                        response.status.as_u16(),
                        log_url(&next_hop.url)
                    )));
                }
                // The token and any credentials of the caller stay with the origin they
                // were meant for.
                let marked: Vec<HeaderName> = request
                    .headers
                    .iter()
                    .filter(|(_, v)| v.is_sensitive())
                    .map(|(k, _)| k.clone())
                    .collect();
                for name in SENSITIVE_HEADERS
                    .iter()
                    .chain(&self.sensitive)
                    .chain(&marked)
                {
                    request.headers.remove(name);
                }
            }
            if next_hop.method != request.method {
                request.body = None;
                request.headers.remove(http::header::CONTENT_TYPE);
            }
            tracing::debug!(status = response.status.as_u16(), to = %log_url(&next_hop.url), "following redirect");
            request.method = next_hop.method;
            request.url = next_hop.url;
            hop += 1;
            response = onward.send_hop(ctx, request).await?;
        }
    }
}

/// Where the redirect step sends each hop.
#[derive(Clone, Copy)]
pub(crate) enum Onward<'a> {
    /// The rest of the chain (the step alone, as a policy).
    #[cfg_attr(not(test), allow(dead_code))]
    Chain(Next<'a>),
    /// `reqwest`, called directly.
    Transport(&'a Transport),
}

impl Onward<'_> {
    /// Sends the try's own request.
    async fn send(self, ctx: &Context, request: &mut HttpRequest) -> Result<HttpResponse, Error> {
        match self {
            Onward::Chain(next) => next.send(ctx, request).await,
            Onward::Transport(transport) => transport.exchange(ctx, request, true).await,
        }
    }

    /// Sends a later hop: a copy [`stamp`](Self::stamp)ed when it was made, its headers already
    /// what the hop may carry.
    async fn send_hop(
        self,
        ctx: &Context,
        request: &mut HttpRequest,
    ) -> Result<HttpResponse, Error> {
        match self {
            Onward::Chain(next) => next.send(ctx, request).await,
            Onward::Transport(transport) => transport.exchange(ctx, request, false).await,
        }
    }

    /// Sets on a hop's copy the headers the transport set on the first hop.
    fn stamp(self, ctx: &Context, request: &mut HttpRequest) {
        if let Onward::Transport(Transport {
            telemetry: Some(telemetry),
            ..
        }) = self
        {
            telemetry.apply(ctx.client_request_id_header(), &mut request.headers);
        }
    }
}

#[cfg(test)]
impl Policy for Redirect {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        Box::pin(self.follow(ctx, request, Onward::Chain(next)))
    }
}

/// Where a redirect leads, and what changes on the way.
#[derive(Debug, PartialEq)]
pub(crate) struct NextHop {
    pub(crate) url: Url,
    pub(crate) method: Method,
    /// Scheme, host or port differ: credentials must not follow.
    pub(crate) cross_origin: bool,
}

/// Decides one redirect hop: resolves `location` against `current`, refuses https → http, and turns
/// a POST into a GET for 301/302/303 (303 turns any method into GET) as browsers and Graph's SDKs do.
pub(crate) fn next_hop(
    current: &Url,
    method: &Method,
    status: StatusCode,
    location: &str,
) -> Result<NextHop, String> {
    let url = current.join(location).map_err(|_| {
        format!(
            "the redirect `Location` `{}` is not a valid URL",
            crate::redact::printable(log_path(location), 200)
        )
    })?;
    if current.scheme() == "https" && url.scheme() != "https" {
        return Err(format!(
            "a redirect from https to {} (`{}`) was refused",
            url.scheme(),
            log_url(&url)
        ));
    }
    let to_get = status == StatusCode::SEE_OTHER
        || (*method == Method::POST
            && matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND));
    Ok(NextHop {
        cross_origin: url.origin() != current.origin(),
        method: if to_get { Method::GET } else { method.clone() },
        url,
    })
}

fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use bytes::Bytes;
    use http::HeaderValue;
    use std::sync::Arc;

    fn to(code: u16, location: &'static str) -> HttpResponse {
        let mut r = status(code);
        r.headers
            .insert(http::header::LOCATION, HeaderValue::from_static(location));
        r
    }

    fn policy() -> Arc<Redirect> {
        Arc::new(Redirect {
            max_redirects: 2,
            allow_http: false,
            sensitive: Vec::new(),
        })
    }

    #[tokio::test]
    async fn cross_origin_hops_drop_credentials_and_303_drops_the_body() {
        let script = Script::new(vec![
            Box::new(|_| Ok(to(303, "/v1.0/status"))),
            Box::new(|_| Ok(to(302, "https://files.example/x?tempauth=1"))),
            Box::new(|_| Ok(status(200))),
        ]);
        let mut request = HttpRequest::new(
            Method::POST,
            Url::parse("https://graph.microsoft.com/v1.0/me/export").unwrap(),
        );
        request.headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_static("Bearer t"),
        );
        request
            .headers
            .insert(http::header::COOKIE, HeaderValue::from_static("c=1"));
        request.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        request.body = Some(Bytes::from_static(b"{}"));
        let r = run(policy(), script.clone(), &ctx(), request)
            .await
            .unwrap();
        assert_eq!(r.status, 200);
        let seen = script.seen();
        assert_eq!(seen[1].method, Method::GET);
        assert_eq!(
            seen[1].url.as_str(),
            "https://graph.microsoft.com/v1.0/status"
        );
        assert!(
            seen[1].body.is_none() && seen[1].headers.get(http::header::CONTENT_TYPE).is_none()
        );
        assert!(
            seen[1].headers.contains_key(http::header::AUTHORIZATION),
            "same origin keeps the token"
        );
        assert_eq!(seen[2].url.as_str(), "https://files.example/x?tempauth=1");
        assert!(seen[2].headers.get(http::header::AUTHORIZATION).is_none());
        assert!(seen[2].headers.get(http::header::COOKIE).is_none());
    }

    #[tokio::test]
    async fn too_many_hops_other_schemes_and_downgrades_are_refused() {
        let script = Script::new(vec![Box::new(|_| Ok(to(307, "/again")))]);
        let e = run(policy(), script.clone(), &ctx(), get("https://h/x"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Redirect);
        assert!(e.to_string().contains("more than 2 redirects"), "{e}");
        assert_eq!(script.seen().len(), 3);
        for (location, says) in [
            (
                "file:///etc/passwd",
                "from https to file (`file:/etc/passwd`)",
            ),
            ("http://h/x", "from https to http"),
        ] {
            let script = Script::new(vec![Box::new(move |_| Ok(to(302, location)))]);
            let e = run(policy(), script, &ctx(), get("https://h/x"))
                .await
                .unwrap_err();
            assert!(e.to_string().contains(says), "{e}");
        }
        // From plain http on loopback, another scheme is refused by the scheme check.
        let script = Script::new(vec![Box::new(|_| Ok(to(302, "ftp://127.0.0.1/x")))]);
        let e = run(policy(), script, &ctx(), get("http://127.0.0.1:9/x"))
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("unsupported URL scheme `ftp`"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn answers_without_location_are_not_redirects() {
        let script = Script::new(vec![Box::new(|_| Ok(status(302)))]);
        let r = run(policy(), script, &ctx(), get("https://h/x"))
            .await
            .unwrap();
        assert_eq!(r.status, 302);
    }
}
