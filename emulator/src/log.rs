//! The request log: what clients sent, for assertions. It keeps the most recent requests within
//! a count ([`DEFAULT_LOG_CAPACITY`]) and a budget for their bodies
//! ([`DEFAULT_LOG_BODY_BUDGET`]); older ones are dropped and counted.

use std::collections::VecDeque;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};
use percent_encoding::percent_decode_str;
use serde_json::Value;

/// Default number of requests the log keeps ([`Emulator::set_log_capacity`](crate::Emulator::set_log_capacity)).
pub const DEFAULT_LOG_CAPACITY: usize = 1000;

/// Default budget, in bytes, for the bodies the log keeps: 256 MiB
/// ([`Emulator::set_log_body_budget`](crate::Emulator::set_log_body_budget)).
pub const DEFAULT_LOG_BODY_BUDGET: usize = 256 * 1024 * 1024;

/// A ring buffer of requests: the oldest drop out when the count or the bodies' bytes go over
/// their limits (the newest request is always kept).
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: VecDeque<LoggedRequest>,
    body_bytes: usize,
    capacity: usize,
    body_budget: usize,
    dropped: u64,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog {
            entries: VecDeque::new(),
            body_bytes: 0,
            capacity: DEFAULT_LOG_CAPACITY,
            body_budget: DEFAULT_LOG_BODY_BUDGET,
            dropped: 0,
        }
    }
}

impl RequestLog {
    pub(crate) fn push(&mut self, request: LoggedRequest) {
        self.body_bytes += request.raw_body.len();
        self.entries.push_back(request);
        self.trim();
    }

    /// Drops the oldest entries until the log is within its limits.
    fn trim(&mut self) {
        while self.entries.len() > self.capacity
            || (self.body_bytes > self.body_budget && self.entries.len() > 1)
        {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            self.body_bytes -= old.raw_body.len();
            self.dropped += 1;
        }
    }

    pub(crate) fn set_capacity(&mut self, entries: usize) {
        self.capacity = entries;
        self.trim();
    }

    pub(crate) fn set_body_budget(&mut self, bytes: usize) {
        self.body_budget = bytes;
        self.trim();
    }

    pub(crate) fn entries(&self) -> Vec<LoggedRequest> {
        self.entries.iter().cloned().collect()
    }

    pub(crate) fn last(&self) -> Option<LoggedRequest> {
        self.entries.back().cloned()
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Empties the log and its count of dropped entries.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.body_bytes = 0;
        self.dropped = 0;
    }
}

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

    fn request(body: &'static [u8]) -> LoggedRequest {
        LoggedRequest {
            method: Method::POST,
            path: "/v1.0/users".into(),
            query: None,
            headers: HeaderMap::new(),
            body: None,
            raw_body: Bytes::from_static(body),
            received: std::time::Instant::now(),
        }
    }

    #[test]
    fn the_log_drops_the_oldest_over_its_count_or_body_budget() {
        let mut log = RequestLog::default();
        log.set_capacity(2);
        for body in [&b"1"[..], b"2", b"3"] {
            log.push(request(body));
        }
        let kept: Vec<_> = log.entries().iter().map(|r| r.raw_body.clone()).collect();
        assert_eq!(kept, [&b"2"[..], b"3"]);
        assert_eq!(log.dropped(), 1);
        log.set_capacity(10);
        log.set_body_budget(4);
        log.push(request(b"4444"));
        assert_eq!(log.entries().len(), 1, "2 + 3 + 4444 is over 4 bytes");
        assert_eq!(log.dropped(), 3);
        log.push(request(b"toolongforthebudget"));
        assert_eq!(
            log.last().map(|r| r.raw_body),
            Some(Bytes::from_static(b"toolongforthebudget")),
            "the newest is kept"
        );
        log.clear();
        assert_eq!((log.entries().len(), log.dropped()), (0, 0));
    }

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
