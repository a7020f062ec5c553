//! When and how long to wait before sending a request again: the budget ([`RetryPolicy`]), the
//! rules of what is retried ([`rules`]) and the service's `Retry-After` ([`after`]). The policy that
//! runs the tries is `policy::retry`.

use std::time::Duration;

pub(crate) mod after;
pub(crate) mod rules;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
