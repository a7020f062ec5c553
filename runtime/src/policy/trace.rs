//! The tracing policy: one `graph_odata.call` span per logical call.

use tracing::Instrument;

use super::{BoxFuture, Context, HttpRequest, HttpResponse, Next, Policy};
use crate::Error;

/// Opens the `graph_odata.call` span (method, path without its query, client-request-id) around
/// the rest of the chain and records the final status and the number of tries.
#[derive(Debug)]
pub(crate) struct Trace;

impl Policy for Trace {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        // Fields are formatted only when a subscriber records the span.
        let span = tracing::info_span!(
            "graph_odata.call",
            method = %request.method,
            path = %LogPath(ctx, &request.url),
            client_request_id = %ctx.client_request_id(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        if span.is_disabled() {
            // No subscriber records it: nothing to enter or fill in.
            return next.send(ctx, request);
        }
        let record = span.clone();
        Box::pin(
            async move {
                let result = next.send(ctx, request).await;
                match &result {
                    Ok(response) => {
                        record.record("status", response.status.as_u16());
                    }
                    Err(e) => {
                        if let Some(status) = e.status() {
                            record.record("status", status.as_u16());
                        }
                    }
                }
                record.record("attempts", ctx.attempt());
                result
            }
            .instrument(span),
        )
    }
}

/// The path as the caller wrote it (or the URL's origin and path), made printable, on demand.
struct LogPath<'a>(&'a Context, &'a url::Url);

impl std::fmt::Display for LogPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0.log_path {
            Some(path) => f.write_str(&crate::redact::printable(path, 200)),
            None => f.write_str(&crate::redact::log_url(self.1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn passes_answers_and_errors_through() {
        let script = Script::new(vec![
            Box::new(|_| Ok(status(404))),
            Box::new(|_| Err(Error::build("boom"))),
        ]);
        let c = ctx();
        let r = run(
            Arc::new(Trace),
            script.clone(),
            &c,
            get("https://h/x?secret=1"),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 404);
        let e = run(Arc::new(Trace), script, &c, get("https://h/x"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("boom"));
    }
}
