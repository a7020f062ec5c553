//! Fault injection: make the next N matching requests fail the way real networks and Graph do.

use std::time::Duration;

use http::{Method, StatusCode};

/// A fault for the next matching requests. Build one, narrow it with [`Fault::method`],
/// [`Fault::path`] and [`Fault::times`], and hand it to [`Emulator::fault`](crate::Emulator::fault).
/// Faults are tried in the order they were added; each matching request uses up one.
///
/// ```
/// use std::time::Duration;
/// use graph_odata_emulator::Fault;
/// use http::Method;
/// // Two throttled answers to any GET under /v1.0/users, asking for 1.5 s each.
/// let f = Fault::status(429).retry_after("1.5").method(Method::GET).path("/v1.0/users*").times(2);
/// // Then a dropped connection, a slow answer and a cut-off body.
/// let g = Fault::drop_connection();
/// let h = Fault::delay(Duration::from_millis(200));
/// let i = Fault::truncate_body();
/// # let _ = (f, g, h, i);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Fault {
    pub(crate) method: Option<Method>,
    pub(crate) pattern: String,
    pub(crate) skip: u32,
    pub(crate) remaining: u32,
    pub(crate) action: FaultAction,
}

#[derive(Debug, Clone)]
pub(crate) enum FaultAction {
    Status {
        status: StatusCode,
        retry_after: Option<String>,
        raw_body: Option<String>,
    },
    Drop,
    Delay(Duration),
    Truncate,
}

impl Fault {
    fn new(action: FaultAction) -> Fault {
        Fault {
            method: None,
            pattern: "*".into(),
            skip: 0,
            remaining: 1,
            action,
        }
    }

    /// Answer with `status` and a Graph error body (`TooManyRequests` for 429, …). Statuses that are
    /// not valid HTTP statuses become 500.
    pub fn status(status: u16) -> Fault {
        Fault::new(FaultAction::Status {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            retry_after: None,
            raw_body: None,
        })
    }

    /// A 429 with `Retry-After: <value>` (whole seconds, decimal seconds or an HTTP-date, sent as is).
    pub fn throttle(retry_after: &str) -> Fault {
        Fault::status(429).retry_after(retry_after)
    }

    /// Close the connection without answering.
    pub fn drop_connection() -> Fault {
        Fault::new(FaultAction::Drop)
    }

    /// Wait before handling the request normally.
    pub fn delay(delay: Duration) -> Fault {
        Fault::new(FaultAction::Delay(delay))
    }

    /// Handle the request normally but send only half of the body, then close the connection.
    pub fn truncate_body() -> Fault {
        Fault::new(FaultAction::Truncate)
    }

    /// Sets `Retry-After` on a status fault.
    pub fn retry_after(mut self, value: &str) -> Fault {
        if let FaultAction::Status { retry_after, .. } = &mut self.action {
            *retry_after = Some(value.to_owned());
        }
        self
    }

    /// Replaces a status fault's Graph error JSON with a raw text body (a proxy's HTML page, say).
    pub fn body_text(mut self, text: &str) -> Fault {
        if let FaultAction::Status { raw_body, .. } = &mut self.action {
            *raw_body = Some(text.to_owned());
        }
        self
    }

    /// Only requests with this method.
    pub fn method(mut self, method: Method) -> Fault {
        self.method = Some(method);
        self
    }

    /// Only requests whose path (as sent, with the version, e.g. `/v1.0/me/todo/lists`) matches
    /// `pattern`, where `*` stands for any run of characters. Default: `*`.
    pub fn path(mut self, pattern: &str) -> Fault {
        self.pattern = pattern.to_owned();
        self
    }

    /// Lets the first `n` matching requests through untouched (e.g. fail the second page only).
    pub fn after(mut self, n: u32) -> Fault {
        self.skip = n;
        self
    }

    /// How many requests this fault applies to (default 1).
    pub fn times(mut self, n: u32) -> Fault {
        self.remaining = n;
        self
    }

    pub(crate) fn matches(&self, method: &Method, path: &str) -> bool {
        self.remaining > 0
            && self.method.as_ref().is_none_or(|m| m == method)
            && glob(&self.pattern, path)
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_runs() {
        assert!(glob("*", "/anything"));
        assert!(glob("/v1.0/me*", "/v1.0/me/todo"));
        assert!(glob("/v1.0/*/tasks", "/v1.0/lists/1/tasks"));
        assert!(!glob("/v1.0/*/tasks", "/v1.0/lists/1/tasks/2"));
        assert!(glob("/a*b*c", "/aXbYc"));
        assert!(!glob("/a*b*c", "/aXcYb"));
        assert!(!glob("/ab*ba", "/aba"));
        assert!(glob("/exact", "/exact"));
        assert!(!glob("/exact", "/exact/"));
    }

    #[test]
    fn faults_match_method_path_and_count() {
        let f = Fault::status(503).method(Method::GET).path("/v1.0/*");
        assert!(f.matches(&Method::GET, "/v1.0/me"));
        assert!(!f.matches(&Method::POST, "/v1.0/me"));
        assert!(!f.matches(&Method::GET, "/beta/me"));
        assert!(!f.times(0).matches(&Method::GET, "/v1.0/me"));
    }
}
