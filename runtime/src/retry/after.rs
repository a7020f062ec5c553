//! The service's `Retry-After`: whole seconds, decimal seconds or an HTTP-date.

use std::time::{Duration, SystemTime};

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
}
