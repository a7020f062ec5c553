//! What is retried: the rules for methods and statuses, and the [`RetryClassifier`] that decides
//! for each try (the client's, else [`DefaultClassifier`], Graph's rules). The `$batch` items and
//! the retry policy both ask it.

use std::fmt;

use http::{HeaderMap, Method, StatusCode};

use crate::{Error, ErrorKind};

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

/// How one try ended, as a [`RetryClassifier`] sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum TryOutcome<'a> {
    /// The service answered with a status that is not a success.
    Answered {
        /// The status.
        status: StatusCode,
        /// The headers.
        headers: &'a HeaderMap,
    },
    /// No answer: the connection failed or was dropped, or the per-try timeout ran out.
    Failed {
        /// What went wrong.
        error: &'a Error,
        /// Whether the request may have reached the server (false only when no connection
        /// was made).
        sent: bool,
    },
}

/// Decides whether a try is worth repeating. The retry policy still applies the budget
/// ([`RetryPolicy`](super::RetryPolicy)): the number of retries, the total wait, `Retry-After`.
/// It is asked about every failed try of a call, and about every item of a `$batch` answered with
/// a status that is not a success ([`Client::send_batch`](crate::Client::send_batch)).
///
/// Replace it with [`ClientBuilder::retry_classifier`](crate::ClientBuilder::retry_classifier);
/// build on [`DefaultClassifier`] to keep Graph's rules:
///
/// ```
/// use graph_odata_runtime::http::Method;
/// use graph_odata_runtime::policy::{DefaultClassifier, RetryClassifier, TryOutcome};
///
/// /// Also retries a GET answered 500 (for a flaky on-premises OData service).
/// #[derive(Debug)]
/// struct Flaky500;
///
/// impl RetryClassifier for Flaky500 {
///     fn should_retry(&self, method: &Method, outcome: &TryOutcome<'_>) -> bool {
///         match outcome {
///             TryOutcome::Answered { status, .. } if *method == Method::GET && status.as_u16() == 500 => true,
///             _ => DefaultClassifier.should_retry(method, outcome),
///         }
///     }
/// }
///
/// let client = graph_odata_runtime::Client::builder().retry_classifier(Flaky500).build()?;
/// # let _ = client; Ok::<(), graph_odata_runtime::Error>(())
/// ```
pub trait RetryClassifier: Send + Sync + fmt::Debug {
    /// Whether the try that ended with `outcome` should be sent again.
    fn should_retry(&self, method: &Method, outcome: &TryOutcome<'_>) -> bool;
}

/// Graph's rules, documented on [`RetryPolicy`](super::RetryPolicy): 429 and 503 for every
/// method, 504 for idempotent methods; a connection that could not be opened, for every method;
/// a dropped connection or a per-try timeout, for idempotent methods. Never a certificate
/// failure, a body over the size limit, or any other status.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultClassifier;

impl RetryClassifier for DefaultClassifier {
    fn should_retry(&self, method: &Method, outcome: &TryOutcome<'_>) -> bool {
        match outcome {
            TryOutcome::Answered { status, .. } => is_retryable_status(*status, method),
            TryOutcome::Failed { error, sent } => {
                matches!(error.kind(), ErrorKind::Connect | ErrorKind::Timeout)
                    && (!sent || is_idempotent(method))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
