//! When and how long to wait before sending a request again.

use std::time::{Duration, SystemTime};

/// How the client retries throttled (429), unavailable (503) and timed-out (504) answers, and dropped
/// connections.
///
/// Defaults ([`RetryPolicy::default`]): up to **3 retries** (4 sends), backoff starting at **1 s** and
/// doubling up to **30 s** with full jitter when the service gives no `Retry-After`, and at most **120 s**
/// of waiting in all. A `Retry-After` is honoured exactly (whole seconds, decimal seconds such as `2.128`,
/// or an HTTP-date); if it would exceed what is left of the wait budget the client stops at once with
/// an [`ErrorKind::Throttled`](crate::ErrorKind::Throttled) error instead of sleeping in vain.
///
/// What is retried:
/// - 429 and 503, for every method: Graph sends them before doing any work;
/// - 504, only for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE): the work may have been done;
/// - a connection that could not be opened, for every method (nothing was sent);
/// - a connection dropped or a per-try timeout after sending, only for idempotent methods.
///
/// A POST answered 500 is never retried.
///
/// ```
/// use std::time::Duration;
/// use graph_odata_runtime::RetryPolicy;
/// let patient = RetryPolicy::default().max_retries(6).max_total_wait(Duration::from_secs(600));
/// let never = RetryPolicy::none();
/// assert_eq!(never.get_max_retries(), 0);
/// # let _ = patient;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_total_wait: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_total_wait: Duration::from_secs(120),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// How many times a request may be sent again after the first try.
    pub fn max_retries(mut self, n: u32) -> RetryPolicy {
        self.max_retries = n;
        self
    }

    /// The first backoff when the service gives no `Retry-After`; it doubles on each retry.
    pub fn initial_backoff(mut self, d: Duration) -> RetryPolicy {
        self.initial_backoff = d;
        self
    }

    /// The largest single backoff.
    pub fn max_backoff(mut self, d: Duration) -> RetryPolicy {
        self.max_backoff = d;
        self
    }

    /// The most time spent waiting between tries, over one call.
    pub fn max_total_wait(mut self, d: Duration) -> RetryPolicy {
        self.max_total_wait = d;
        self
    }

    /// Whether backoff is randomised ("full jitter": uniformly between zero and the backoff). On by
    /// default so many clients throttled together do not come back together.
    pub fn jitter(mut self, on: bool) -> RetryPolicy {
        self.jitter = on;
        self
    }

    /// The configured number of retries.
    pub fn get_max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The configured total wait budget.
    pub fn get_max_total_wait(&self) -> Duration {
        self.max_total_wait
    }

    /// The backoff before retry number `retry` (1-based) when the service named no delay.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let base = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        if self.jitter {
            base.mul_f64(fastrand::f64())
        } else {
            base
        }
    }
}

/// Whether a method may be sent twice without changing the outcome (RFC 9110 §9.2.2).
pub(crate) fn is_idempotent(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET
            | http::Method::HEAD
            | http::Method::OPTIONS
            | http::Method::PUT
            | http::Method::DELETE
            | http::Method::TRACE
    )
}

/// Whether a status asks to be retried, for this method.
pub(crate) fn is_retryable_status(status: http::StatusCode, method: &http::Method) -> bool {
    match status.as_u16() {
        429 | 503 => true,
        504 => is_idempotent(method),
        _ => false,
    }
}

/// Reads `Retry-After` as whole seconds, decimal seconds or an HTTP-date (relative to `now`).
/// Values that are negative, not finite or unreadable are ignored.
pub(crate) fn parse_retry_after(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    parse_retry_after_value(value, now)
}

/// The longest `Retry-After` the client reads, in any form: a day, far beyond any wait budget.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

pub(crate) fn parse_retry_after_value(value: &str, now: SystemTime) -> Option<Duration> {
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let secs: f64 = value.parse().ok()?;
        // A day is far beyond any budget; larger values are treated as that.
        return Duration::try_from_secs_f64(secs.min(MAX_RETRY_AFTER.as_secs_f64())).ok();
    }
    let when = httpdate::parse_http_date(value).ok()?;
    // Capped like seconds: a date years ahead is "a day", which no budget allows either.
    Some(
        when.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ra(v: &str) -> Option<Duration> {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        parse_retry_after_value(v, now)
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(ra("3"), Some(Duration::from_secs(3)));
        assert_eq!(ra("0"), Some(Duration::ZERO));
        assert_eq!(ra("2.128"), Some(Duration::from_millis(2128)));
        assert_eq!(ra(".5"), Some(Duration::from_millis(500)));
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        assert_eq!(
            ra("Tue, 14 Nov 2023 22:13:30 GMT"),
            Some(Duration::from_secs(10))
        );
        assert_eq!(ra("Tue, 14 Nov 2023 22:13:00 GMT"), Some(Duration::ZERO));
        assert_eq!(ra("-1"), None);
        assert_eq!(ra("soon"), None);
        assert_eq!(ra("1.2.3"), None);
        assert_eq!(ra(""), None);
        assert_eq!(ra("99999999"), Some(Duration::from_secs(86_400)));
        // A date is capped like seconds.
        assert_eq!(
            ra("Fri, 01 Jan 2100 00:00:00 GMT"),
            Some(Duration::from_secs(86_400))
        );
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy::default()
            .jitter(false)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(2), Duration::from_millis(200));
        assert_eq!(p.backoff(3), Duration::from_millis(350));
        assert_eq!(p.backoff(60), Duration::from_millis(350));
        let j = p.jitter(true);
        for retry in 1..5 {
            assert!(j.backoff(retry) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn which_statuses_are_retried() {
        use http::{Method, StatusCode};
        assert!(is_retryable_status(
            StatusCode::TOO_MANY_REQUESTS,
            &Method::POST
        ));
        assert!(is_retryable_status(
            StatusCode::SERVICE_UNAVAILABLE,
            &Method::POST
        ));
        assert!(is_retryable_status(
            StatusCode::GATEWAY_TIMEOUT,
            &Method::GET
        ));
        assert!(!is_retryable_status(
            StatusCode::GATEWAY_TIMEOUT,
            &Method::POST
        ));
        assert!(!is_retryable_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            &Method::GET
        ));
        assert!(!is_retryable_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            &Method::POST
        ));
    }
}
