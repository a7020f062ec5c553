//! The auth policy: the bearer token on every try, to the service's own origin only.

use std::sync::Arc;

use http::HeaderValue;

use super::{BoxFuture, Context, HttpRequest, HttpResponse, Next, Policy};
use crate::auth::TokenCache;
use crate::origin::TokenScope;
use crate::{Error, ErrorKind};

/// Adds `Authorization: Bearer …` (marked sensitive) when the URL is in scope and the request is
/// not anonymous; a fresh token per try, from the single-flight cache. A 401 from the origin the
/// token was sent to makes the cache forget it, so the next call (or retry) asks the credential
/// again; a 401 from another origin reached through a redirect does not.
#[derive(Debug)]
pub(crate) struct Auth {
    pub(crate) tokens: Arc<TokenCache>,
    pub(crate) scope: TokenScope,
}

impl Policy for Auth {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        Box::pin(async move {
            if ctx.anonymous || !self.scope.allows(&request.url) {
                // Not our token's business: a header the caller set is theirs to send.
                return next.send(ctx, request).await;
            }
            let token = self.tokens.token().await?;
            let mut value =
                HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
                    Error::kinded(
                        ErrorKind::Auth,
                        "the access token is not a valid header value",
                    )
                })?;
            value.set_sensitive(true);
            request.headers.insert(http::header::AUTHORIZATION, value);
            let response = next.send(ctx, request).await?;
            // Only the token's own origin can reject it: a 401 from another origin a redirect
            // led to (which never saw the token) leaves the cache alone.
            if response.status == http::StatusCode::UNAUTHORIZED && !ctx.answered_elsewhere() {
                self.tokens.invalidate(&token).await;
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::auth::{AccessToken, token_fn};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, SystemTime};
    use url::Url;

    fn policy(calls: Arc<AtomicU32>) -> Arc<Auth> {
        let credential = token_fn(move |_| {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                Ok(AccessToken::new(format!("t{n}"))
                    .expires_at(SystemTime::now() + Duration::from_secs(3600)))
            }
        });
        Arc::new(Auth {
            tokens: Arc::new(TokenCache::new(
                Arc::new(credential),
                vec!["s".into()],
                Duration::from_secs(5),
            )),
            scope: TokenScope {
                root: Url::parse("https://graph.microsoft.com/v1.0").unwrap(),
                allowed_hosts: vec!["files.contoso.com".into()],
            },
        })
    }

    #[tokio::test]
    async fn token_only_in_scope_and_forgotten_after_401() {
        let calls = Arc::new(AtomicU32::new(0));
        let auth = policy(calls.clone());
        let script = Script::new(vec![
            Box::new(|_| Ok(status(200))),
            Box::new(|_| Ok(status(401))),
            Box::new(|_| Ok(status(200))),
        ]);
        let c = ctx();
        for url in [
            "https://graph.microsoft.com/v1.0/me",
            "https://graph.microsoft.com/v1.0/me",
            "https://graph.microsoft.com/v1.0/me",
            "https://evil.example/v1.0/me",
            "http://files.contoso.com/x",
            "https://files.contoso.com/x",
        ] {
            let mut request = get(url);
            if url.starts_with("https://graph.microsoft.com") {
                // Overwritten with the credential's token.
                request.headers.insert(
                    http::header::AUTHORIZATION,
                    HeaderValue::from_static("Bearer stale"),
                );
            }
            run(auth.clone(), script.clone(), &c, request)
                .await
                .unwrap();
        }
        let seen: Vec<Option<String>> = script
            .seen()
            .iter()
            .map(|r| {
                r.headers
                    .get(http::header::AUTHORIZATION)
                    .map(|v| v.to_str().unwrap().to_owned())
            })
            .collect();
        assert_eq!(
            seen,
            [
                Some("Bearer t1".to_owned()),
                Some("Bearer t1".to_owned()),
                Some("Bearer t2".to_owned()),
                None,
                None,
                Some("Bearer t2".to_owned()),
            ]
        );
        assert!(script.seen()[0].headers[http::header::AUTHORIZATION].is_sensitive());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        let text = format!("{:?}", script.seen()[0]);
        assert!(!text.contains("t1"), "{text}");
    }

    #[tokio::test]
    async fn anonymous_requests_carry_no_token() {
        let calls = Arc::new(AtomicU32::new(0));
        let script = Script::new(vec![Box::new(|_| Ok(status(200)))]);
        let mut c = ctx();
        c.anonymous = true;
        run(
            policy(calls.clone()),
            script.clone(),
            &c,
            get("https://graph.microsoft.com/v1.0/x"),
        )
        .await
        .unwrap();
        assert!(
            script.seen()[0]
                .headers
                .get(http::header::AUTHORIZATION)
                .is_none()
        );
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }
}
