//! The retry policy: tries, waits (`Retry-After` or backoff) and the per-try timeout. What is
//! retried is the client's [`RetryClassifier`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{HeaderName, HeaderValue};
use tracing::Instrument;

use super::{BoxFuture, Context, HttpRequest, HttpResponse, Next, Policy};
use crate::retry::rules::{RetryClassifier, TryOutcome};
use crate::{ApiError, Error, ErrorKind, RetryPolicy};

const RETRY_ATTEMPT: HeaderName = HeaderName::from_static("retry-attempt");

/// Runs the tries of one call.
#[derive(Debug)]
pub(crate) struct Retry {
    pub(crate) policy: RetryPolicy,
    pub(crate) classifier: Arc<dyn RetryClassifier>,
    pub(crate) try_timeout: Option<Duration>,
    /// The workload-aware scheduler, run by each try before the rest of the chain.
    pub(crate) scheduler: Option<super::scheduler::SchedulerPolicy>,
}

impl Retry {
    /// One try, under the per-try timeout, in its own span.
    async fn try_once<'b>(
        &'b self,
        ctx: &'b Context,
        request: &'b mut HttpRequest,
        next: Next<'b>,
        attempt: u32,
    ) -> Result<HttpResponse, Error> {
        let span = tracing::debug_span!(
            "graph_odata.try",
            attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        // The answer is recorded on the span from inside the try (where it is the current span),
        // so that the try's future holds the span once.
        let recording = !span.is_disabled();
        let send = async move {
            let result = match &self.scheduler {
                Some(scheduler) => scheduler.run(ctx, request, next).await,
                None => next.send(ctx, request).await,
            };
            if recording && let Ok(response) = &result {
                let span = tracing::Span::current();
                span.record("status", response.status.as_u16());
                if let Some(id) = response
                    .headers
                    .get("request-id")
                    .and_then(|v| v.to_str().ok())
                {
                    span.record("request_id", id);
                }
            }
            result
        };
        // One timer for the try: to the per-try limit, or to the call's deadline if that comes
        // first (which then ends the call: see `send`).
        let at = match (
            self.try_timeout.map(crate::limits::instant_after),
            ctx.deadline,
        ) {
            (Some(try_end), Some(deadline)) => Some(try_end.min(deadline.at)),
            (Some(try_end), None) => Some(try_end),
            (None, Some(deadline)) => Some(deadline.at),
            (None, None) => None,
        };
        match at {
            None => send.instrument(span).await,
            Some(at) => match tokio::time::timeout_at(at, send).instrument(span).await {
                Ok(r) => r,
                Err(_) => Err(self.cut(ctx)),
            },
        }
    }

    /// The error of a try its timer ended: the call's deadline once it has passed, else the
    /// per-try limit. (Worked out when the timer fires, so that the try's future does not carry
    /// it.)
    fn cut(&self, ctx: &Context) -> Error {
        match (ctx.deadline, self.try_timeout) {
            (Some(deadline), _) if ctx.past_deadline() => deadline.error(),
            (_, Some(limit)) => Error::kinded(
                ErrorKind::Timeout,
                format!("no complete answer within the per-try limit of {limit:?}"),
            ),
            (Some(deadline), None) => deadline.error(),
            (None, None) => Error::kinded(ErrorKind::Timeout, "the try timed out"),
        }
    }
}

impl Policy for Retry {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        Box::pin(async move {
            // What the classifier judges: the method as the call made it (a policy after this
            // one may change the request's).
            let method = request.method.clone();
            let mut retries: u32 = 0;
            let mut waited = Duration::ZERO;

            loop {
                let attempt = retries + 1;
                ctx.set_attempt(attempt);
                let budget_left = retries < self.policy.get_max_retries();

                if attempt > 1
                    && let Ok(v) = HeaderValue::try_from((attempt - 1).to_string())
                {
                    request.headers.insert(RETRY_ATTEMPT, v);
                }
                let outcome = self.try_once(ctx, &mut *request, next, attempt).await;
                // A success is the call's answer; past the call's deadline nothing is tried
                // again either: that answer or error is the call's (a try cut at the deadline is
                // the deadline's timeout error).
                if outcome
                    .as_ref()
                    .is_ok_and(|response| response.status.is_success())
                    || ctx.past_deadline()
                {
                    return outcome;
                }
                let delay = match outcome {
                    Ok(response) if response.status.is_success() => return Ok(response),
                    Ok(response) => {
                        let answered = TryOutcome::Answered {
                            status: response.status,
                            headers: &response.headers,
                        };
                        if !self.classifier.should_retry(&method, &answered) {
                            return Ok(response);
                        }
                        let delay = crate::retry::after::parse_retry_after(
                            &response.headers,
                            SystemTime::now(),
                        )
                        .unwrap_or_else(|| self.policy.backoff(attempt));
                        if !budget_left || waited + delay > self.policy.get_max_total_wait() {
                            tracing::warn!(
                                status = response.status.as_u16(),
                                attempt,
                                "giving up: retry budget spent"
                            );
                            let body = response.body.as_bytes().cloned().unwrap_or_default();
                            let api =
                                ApiError::from_response(response.status, &response.headers, &body);
                            return Err(Error::throttled(api));
                        }
                        tracing::info!(
                            status = response.status.as_u16(),
                            ?delay,
                            attempt,
                            "retrying"
                        );
                        delay
                    }
                    Err(error) => {
                        let failed = TryOutcome::Failed {
                            error: &error,
                            sent: error.was_sent(),
                        };
                        let delay = self.policy.backoff(attempt);
                        if !budget_left
                            || !self.classifier.should_retry(&method, &failed)
                            || waited + delay > self.policy.get_max_total_wait()
                        {
                            return Err(error);
                        }
                        tracing::info!(error = %error, ?delay, attempt, "retrying after a transport error");
                        delay
                    }
                };
                ctx.sleep(delay).await?;
                waited += delay;
                retries += 1;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::retry::rules::DefaultClassifier;
    use http::Method;

    /// A GET of `https://h/x` through the retry policy in front of `script`.
    async fn get_via(
        classifier: Arc<dyn RetryClassifier>,
        script: &Arc<Script>,
        c: &Context,
    ) -> Result<HttpResponse, Error> {
        run(retry(classifier), script.clone(), c, get("https://h/x")).await
    }

    fn retry(classifier: Arc<dyn RetryClassifier>) -> Arc<Retry> {
        Arc::new(Retry {
            policy: RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(1))
                .jitter(false),
            classifier,
            try_timeout: None,
            scheduler: None,
        })
    }

    fn with_header(code: u16, name: &'static str, value: &'static str) -> HttpResponse {
        let mut r = status(code);
        r.headers.insert(name, HeaderValue::from_static(value));
        r
    }

    #[tokio::test]
    async fn retries_throttling_then_succeeds_and_counts_attempts() {
        let script = Script::new(vec![
            Box::new(|_| Ok(with_header(429, "retry-after", "0"))),
            Box::new(|_| Ok(status(503))),
            Box::new(|_| Ok(status(200))),
        ]);
        let c = ctx();
        let r = get_via(Arc::new(DefaultClassifier), &script, &c)
            .await
            .unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(c.attempt(), 3);
        let seen = script.seen();
        assert!(seen[0].headers.get("retry-attempt").is_none());
        assert_eq!(seen[1].headers["retry-attempt"], "1");
        assert_eq!(seen[2].headers["retry-attempt"], "2");
    }

    #[tokio::test]
    async fn gives_up_as_throttled_and_passes_other_statuses_through() {
        let script = Script::new(vec![Box::new(|_| Ok(status(429)))]);
        let c = ctx();
        let e = get_via(Arc::new(DefaultClassifier), &script, &c)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Throttled);
        assert_eq!(script.seen().len(), 3);
        let script = Script::new(vec![Box::new(|_| Ok(status(500)))]);
        let r = get_via(Arc::new(DefaultClassifier), &script, &c)
            .await
            .unwrap();
        assert_eq!(r.status, 500);
        assert_eq!(script.seen().len(), 1);
    }

    #[tokio::test]
    async fn a_post_is_not_resent_after_a_dropped_connection_but_is_when_nothing_was_sent() {
        let dropped = || Error::kinded(ErrorKind::Connect, "dropped");
        let script = Script::new(vec![Box::new(move |_| Err(dropped()))]);
        let post = HttpRequest::new(Method::POST, url::Url::parse("https://h/x").unwrap());
        run(
            retry(Arc::new(DefaultClassifier)),
            script.clone(),
            &ctx(),
            post.clone(),
        )
        .await
        .unwrap_err();
        assert_eq!(script.seen().len(), 1);
        let script = Script::new(vec![Box::new(|_| {
            Err(Error::kinded(ErrorKind::Connect, "refused").unsent())
        })]);
        run(
            retry(Arc::new(DefaultClassifier)),
            script.clone(),
            &ctx(),
            post,
        )
        .await
        .unwrap_err();
        assert_eq!(script.seen().len(), 3);
    }

    #[tokio::test]
    async fn a_custom_classifier_decides() {
        #[derive(Debug)]
        struct Retry500;
        impl RetryClassifier for Retry500 {
            fn should_retry(&self, _: &Method, outcome: &TryOutcome<'_>) -> bool {
                matches!(outcome, TryOutcome::Answered { status, .. } if status.as_u16() == 500)
            }
        }
        let script = Script::new(vec![
            Box::new(|_| Ok(status(500))),
            Box::new(|_| Ok(status(200))),
        ]);
        let r = get_via(Arc::new(Retry500), &script, &ctx()).await.unwrap();
        assert_eq!(r.status, 200);
        // …and 429, which the default classifier retries, is not retried by it.
        let script = Script::new(vec![Box::new(|_| Ok(status(429)))]);
        let r = get_via(Arc::new(Retry500), &script, &ctx()).await.unwrap();
        assert_eq!(r.status, 429);
        assert_eq!(script.seen().len(), 1);
    }

    #[tokio::test]
    async fn certificate_failures_are_not_retried() {
        let script = Script::new(vec![Box::new(|_| {
            Err(Error::kinded(ErrorKind::Certificate, "bad cert").unsent())
        })]);
        let e = get_via(Arc::new(DefaultClassifier), &script, &ctx())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Certificate);
        assert_eq!(script.seen().len(), 1);
    }
}
