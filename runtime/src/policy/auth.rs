//! The auth policy: the bearer token on every try, to the service's own origin only.

use std::sync::Arc;

use http::HeaderValue;

use super::{BoxFuture, Context, HttpRequest, HttpResponse, Next, Policy};
use crate::auth::{Secret, TokenCache, challenge};
use crate::origin::TokenScope;
use crate::{Error, ErrorKind};

/// Adds `Authorization: Bearer …` (marked sensitive) when the URL is in scope and the request is
/// not anonymous; a fresh token per try, from the single-flight cache. A 401 from the origin the
/// token was sent to makes the cache forget it, so the next call (or retry) asks the credential
/// again; a 401 from another origin reached through a redirect does not. A 401 with a claims
/// challenge (`error="insufficient_claims"`) gets one new token with those claims and one retry;
/// a second challenge is an [`ErrorKind::Auth`] error naming the claims.
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
            bearer(request, &token)?;
            let response = next.send(ctx, request).await?;
            // Only the token's own origin can reject it: a 401 from another origin a redirect
            // led to (which never saw the token) leaves the cache alone.
            if response.status != http::StatusCode::UNAUTHORIZED || ctx.answered_elsewhere() {
                return Ok(response);
            }
            self.tokens.invalidate(&token).await;
            let Some(claims) = challenge::insufficient_claims(&response.headers) else {
                return Ok(response);
            };
            // A claims challenge: one new token with those claims, one retry.
            let token = self.tokens.token_with_claims(&claims).await?;
            bearer(request, &token)?;
            let again = next.send(ctx, request).await?;
            if again.status != http::StatusCode::UNAUTHORIZED || ctx.answered_elsewhere() {
                return Ok(again);
            }
            self.tokens.invalidate(&token).await;
            match challenge::insufficient_claims(&again.headers) {
                Some(claims) => Err(Error::kinded(
                    ErrorKind::Auth,
                    format!(
                        "the service challenged the token again after a new one was issued with the claims it asked for; claims: {}",
                        crate::redact::printable(&claims, 400)
                    ),
                )),
                None => Ok(again),
            }
        })
    }
}

/// Sets `Authorization: Bearer {token}`, marked sensitive.
fn bearer(request: &mut HttpRequest, token: &Secret) -> Result<(), Error> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
        Error::kinded(
            ErrorKind::Auth,
            "the access token is not a valid header value",
        )
    })?;
    value.set_sensitive(true);
    request.headers.insert(http::header::AUTHORIZATION, value);
    Ok(())
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

    /// A 401 with a claims challenge for `{"access_token":{"nbf":…}}`.
    fn challenged() -> HttpResponse {
        let mut r = status(401);
        r.headers.insert(
            http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static(
                "Bearer realm=\"\", error=\"insufficient_claims\", claims=\"eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxIn19fQ==\"",
            ),
        );
        r
    }

    #[tokio::test]
    async fn a_claims_challenge_is_answered_once_with_a_new_token() {
        let calls = Arc::new(AtomicU32::new(0));
        let script = Script::new(vec![
            Box::new(|_| Ok(challenged())),
            Box::new(|_| Ok(status(200))),
        ]);
        let c = ctx();
        let response = run(
            policy(calls.clone()),
            script.clone(),
            &c,
            get("https://graph.microsoft.com/v1.0/me"),
        )
        .await
        .unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "the default asks get_token again"
        );
        let seen: Vec<_> = script
            .seen()
            .iter()
            .map(|r| {
                r.headers[http::header::AUTHORIZATION]
                    .to_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(seen, ["Bearer t1", "Bearer t2"]);
    }

    #[tokio::test]
    async fn a_second_challenge_is_an_auth_error_and_a_plain_401_is_returned() {
        let calls = Arc::new(AtomicU32::new(0));
        let script = Script::new(vec![
            Box::new(|_| Ok(challenged())),
            Box::new(|_| Ok(challenged())),
            Box::new(|_| Ok(challenged())),
            Box::new(|_| Ok(status(401))),
        ]);
        let c = ctx();
        let auth = policy(calls.clone());
        let e = run(
            auth.clone(),
            script.clone(),
            &c,
            get("https://graph.microsoft.com/v1.0/me"),
        )
        .await
        .unwrap_err();
        assert!(e.is_auth(), "{e}");
        assert!(
            e.to_string()
                .contains(r#"{"access_token":{"nbf":{"essential":true,"value":"1"}}}"#),
            "{e}"
        );
        assert_eq!(script.seen().len(), 2, "one retry, not more");
        // A challenge answered by a plain 401: that 401 is the answer.
        let response = run(
            auth,
            script.clone(),
            &c,
            get("https://graph.microsoft.com/v1.0/me"),
        )
        .await
        .unwrap();
        assert_eq!(response.status, 401);
        assert_eq!(script.seen().len(), 4);
    }
}
