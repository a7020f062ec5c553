//! The request log: what clients sent, for assertions.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};
use percent_encoding::percent_decode_str;
use serde_json::Value;

/// One request as the emulator received it.
#[derive(Clone)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// The method.
    pub method: Method,
    /// The path as sent (still percent-encoded), with the version: `/v1.0/users/alice%40contoso.com`.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// The request headers.
    pub headers: HeaderMap,
    /// The body parsed as JSON, when it was JSON.
    pub body: Option<Value>,
    /// The body bytes.
    pub raw_body: Bytes,
    /// When the request's head arrived: tests measure the gaps between tries with it.
    pub received: std::time::Instant,
}

impl LoggedRequest {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The query options, percent-decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        query_pairs(self.query.as_deref())
    }

    /// The value of one query option.
    pub fn query_param(&self, key: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// The time between consecutive requests of `log`, in order: how long a client waited between tries.
///
/// ```
/// # use graph_odata_emulator::gaps;
/// assert!(gaps(&[]).is_empty());
/// ```
pub fn gaps(log: &[LoggedRequest]) -> Vec<std::time::Duration> {
    log.windows(2)
        .map(|w| w[1].received.saturating_duration_since(w[0].received))
        .collect()
}

impl fmt::Debug for LoggedRequest {
    /// Like the client, the log never prints credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let shown = if graph_odata_runtime::redact::is_sensitive_header(k) {
                    "** redacted **"
                } else {
                    v.to_str().unwrap_or("<binary>")
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("LoggedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

/// Splits and percent-decodes a raw query string.
pub(crate) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    raw.unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn credentials_are_redacted() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer secret-token"),
            ("proxy-authorization", "Basic secret-proxy"),
            ("cookie", "session=secret-cookie"),
            ("client-request-id", "visible"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        let logged = LoggedRequest {
            method: Method::GET,
            path: "/v1.0/me".into(),
            query: None,
            headers,
            body: None,
            raw_body: Bytes::new(),
            received: std::time::Instant::now(),
        };
        let shown = format!("{logged:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(
            shown.contains(r#"("proxy-authorization", "** redacted **")"#),
            "{shown}"
        );
        assert!(shown.contains("visible"), "{shown}");
    }
}
