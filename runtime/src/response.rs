//! What comes back from a call: the decoded body with its status and headers, and the resolution
//! of the relative links a service writes (OData JSON Format 4.01 §4.3).

use std::sync::Arc;

use http::{HeaderMap, StatusCode};
use url::Url;

use crate::Error;
use crate::redact::{RedactedHeaders, log_path, printable, redact_url};

/// A decoded answer with its status and headers (e.g. `Location` after a create, `ETag`), and
/// what is needed to resolve the relative links a service may write in it.
#[derive(Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    url: Option<Url>,
    service_root: Option<Arc<Url>>,
    context: Option<String>,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Response<T> {
    /// Shows status, headers (`Set-Cookie` redacted), body and URL (query values redacted).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders::map(&self.headers))
            .field("body", &self.body)
            .field("url", &self.url.as_ref().map(|u| redact_url(u.as_str())))
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Response<T> {
        Response {
            status,
            headers,
            body,
            url: None,
            service_root: None,
            context: None,
        }
    }

    /// Records where the answer came from: the request URL, the service root and the body's
    /// leading `@odata.context`, the bases of relative links.
    pub(crate) fn with_origin(
        mut self,
        url: Url,
        service_root: Arc<Url>,
        context: Option<String>,
    ) -> Response<T> {
        self.url = Some(url);
        self.service_root = Some(service_root);
        self.context = context;
        self
    }

    /// The URL the request was sent to.
    pub fn url(&self) -> Option<&Url> {
        self.url.as_ref()
    }

    /// The body's `@odata.context` (when the body is a JSON object that starts with it, as OData
    /// requires), as the service wrote it: possibly relative to `{service root}/$metadata`.
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// The `Location` header (where a created entity lives), made absolute: a relative value is
    /// resolved against the request URL, as HTTP says. `None` without the header; an error if it
    /// is not a URL reference.
    ///
    /// The client follows absolute URLs only to its own host (or an allowed one): sending a
    /// request to the result applies that rule.
    pub fn location(&self) -> Option<Result<Url, Error>> {
        let raw = self.header("location")?;
        Some(
            match &self.url {
                Some(base) => base.join(raw),
                None => Url::parse(raw),
            }
            .map_err(|e| bad_link("Location header", raw, e)),
        )
    }

    /// Makes a link found in this answer absolute: `@odata.id`, `@odata.editLink`,
    /// `@odata.readLink`, `@odata.mediaReadLink`, `@odata.mediaEditLink`, `@odata.nextLink`, or
    /// any URL a service wrote. As OData JSON Format 4.01 §4.3 says, a relative link is resolved
    /// against the context URL, else against the request URL. A relative context URL is itself
    /// resolved against the request URL, or against the service root when only that reading names
    /// `{service root}/$metadata`. An absolute link comes back as it is.
    ///
    /// ```no_run
    /// # async fn demo(client: graph_odata_runtime::Client) -> Result<(), graph_odata_runtime::Error> {
    /// use graph_odata_runtime::Request;
    /// // A service that is not Graph answers {"@odata.context":"$metadata#Tasks/$entity",
    /// //                                      "@odata.editLink":"Tasks(1)", …}
    /// let response = client.execute(Request::<serde_json::Value>::get("/Tasks(1)")).await?;
    /// let edit = response.body()["@odata.editLink"].as_str().unwrap_or_default().to_owned();
    /// let absolute = response.resolve(&edit)?;          // https://host/svc/Tasks(1)
    /// # let _ = absolute; Ok(()) }
    /// ```
    pub fn resolve(&self, link: &str) -> Result<Url, Error> {
        let base = match (&self.context, &self.service_root, &self.url) {
            (Some(context), Some(root), url) => Some(
                context_base(root, url.as_ref(), context)
                    .map_err(|e| bad_link("@odata.context", context, e))?,
            ),
            (_, _, Some(url)) => Some(url.clone()),
            _ => None,
        };
        match base {
            Some(base) => base.join(link),
            None => Url::parse(link),
        }
        .map_err(|e| bad_link("link", link, e))
    }

    /// The HTTP status (200, 201, 204, …).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header as text, if present and valid.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The entity tag of the answer (`ETag` header), to send back with
    /// [`Request::if_match`](crate::Request::if_match) or
    /// [`Request::if_none_match`](crate::Request::if_none_match).
    pub fn etag(&self) -> Option<&str> {
        self.header("etag")
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, by value.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// A link the service wrote that is not a URL reference; the message leaves out any query (it
/// may hold a credential such as a `tempauth`).
fn bad_link(what: &str, raw: &str, e: url::ParseError) -> Error {
    Error::kinded(
        crate::ErrorKind::Protocol,
        format!(
            "the service's {what} `{}` is not a URL reference ({e})",
            printable(log_path(raw), 120)
        ),
    )
}

/// The `@odata.context` of a JSON body that starts with it (OData puts it first), read without
/// parsing the rest of the body.
pub(crate) fn leading_context(body: &[u8]) -> Option<String> {
    let rest = body.trim_ascii_start().strip_prefix(b"{")?;
    let rest = rest.trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"@odata.context\"")
        .or_else(|| rest.strip_prefix(b"\"@context\""))?;
    let rest = rest.trim_ascii_start().strip_prefix(b":")?;
    serde_json::Deserializer::from_slice(rest)
        .into_iter::<String>()
        .next()?
        .ok()
}

/// The base of a page's or a response's relative links when the body has a context URL: the
/// context URL made absolute.
///
/// OData JSON Format 4.01 §4.3 resolves a relative context URL against the request URL: a service
/// answering `GET {root}/A(1)/b` writes `../$metadata#B`. Many services instead write
/// `$metadata#A(1)/b` whatever the request's depth, relative to the service root. A context URL
/// always names the metadata document, `{root}/$metadata`, so the reading that lands there wins:
/// the request URL's first (the standard), then the service root's; when neither does, the
/// request URL's.
pub(crate) fn context_base(
    root: &Url,
    request_url: Option<&Url>,
    context: &str,
) -> Result<Url, url::ParseError> {
    let mut metadata = root.clone();
    let path = format!("{}/$metadata", root.path().trim_end_matches('/'));
    metadata.set_path(&path);
    metadata.set_query(None);
    metadata.set_fragment(None);
    let names_metadata = |u: &Url| {
        u.scheme() == metadata.scheme()
            && u.host_str() == metadata.host_str()
            && u.port_or_known_default() == metadata.port_or_known_default()
            && u.path() == metadata.path()
    };
    let from_root = metadata.join(context);
    let Some(request_url) = request_url else {
        return from_root;
    };
    let from_request = request_url.join(context)?;
    if names_metadata(&from_request) {
        return Ok(from_request);
    }
    match from_root {
        Ok(url) if names_metadata(&url) => Ok(url),
        _ => Ok(from_request),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leading_context_is_read_without_the_rest_of_the_body() {
        for (body, expected) in [
            (
                &br#"{"@odata.context":"$metadata#users","value":[]}"#[..],
                Some("$metadata#users"),
            ),
            (
                br#"  { "@odata.context" : "a\u0062\"c" , broken"#,
                Some("ab\"c"),
            ),
            (br#"{"@context":"$metadata#x"}"#, Some("$metadata#x")),
            (br#"{"value":[],"@odata.context":"late"}"#, None),
            (br#"{"@odata.context":"unterminated"#, None),
            (br#"{"@odata.context":5}"#, None),
            (br#"{"@odata.context":"\ud800"}"#, None),
            (b"[]", None),
            (b"", None),
            (b"\xff\xfe", None),
        ] {
            assert_eq!(
                leading_context(body).as_deref(),
                expected,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
