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
        request: HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        let path = match &ctx.log_path {
            Some(path) => crate::error::printable(path, 200),
            None => crate::client::log_url(&request.url),
        };
        let span = tracing::info_span!(
            "graph_odata.call",
            method = %request.method,
            path = %path,
            client_request_id = %ctx.client_request_id(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
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
