use super::*;
use std::sync::atomic::{AtomicU32, Ordering};

#[test]
fn tokens_are_redacted_in_debug() {
    let token = AccessToken::new("super-secret");
    let text = format!("{token:?} {:?}", StaticToken::new("super-secret"));
    assert!(!text.contains("super-secret"), "{text}");
    assert_eq!(
        text,
        "AccessToken { token: Secret(** redacted **), expires_on: None } StaticToken(** redacted **)"
    );
}

#[test]
fn refresh_margin_is_respected() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
    let soon = AccessToken::new("a").expires_at(now + Duration::from_secs(60));
    let later = AccessToken::new("a").expires_at(now + Duration::from_secs(3600));
    let past = AccessToken::new("a").expires_at(now - Duration::from_secs(1));
    assert!(soon.needs_refresh(now));
    assert!(!later.needs_refresh(now));
    assert!(past.needs_refresh(now));
    assert!(!AccessToken::new("a").needs_refresh(now));
}

#[tokio::test]
async fn cache_refreshes_expiring_tokens_and_after_invalidation() {
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let cred = token_fn(move |_scopes| {
        let n = c.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            // The first token has already expired; the later ones last an hour.
            let expiry = if n == 1 {
                SystemTime::now() - Duration::from_secs(1)
            } else {
                SystemTime::now() + Duration::from_secs(3600)
            };
            Ok(AccessToken::new(format!("t{n}")).expires_at(expiry))
        }
    });
    let cache = TokenCache::new(
        Arc::new(cred),
        vec!["s/.default".into()],
        DEFAULT_CREDENTIAL_TIMEOUT,
    );
    assert_eq!(cache.token().await.unwrap().expose(), "t1");
    assert_eq!(cache.token().await.unwrap().expose(), "t2");
    assert_eq!(cache.token().await.unwrap().expose(), "t2");
    cache.invalidate(&Secret::new("t2")).await;
    assert_eq!(cache.token().await.unwrap().expose(), "t3");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

/// A 10-second token, which expires within the 5-minute refresh margin from the start, is reused
/// for half its life, then refreshed.
#[tokio::test(start_paused = true)]
async fn short_lived_tokens_are_cached_for_half_their_life() {
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let cred = token_fn(move |_scopes| {
        let n = c.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            Ok(AccessToken::new(format!("t{n}"))
                .expires_at(SystemTime::now() + Duration::from_secs(10)))
        }
    });
    let cache = TokenCache::new(Arc::new(cred), vec![], DEFAULT_CREDENTIAL_TIMEOUT);
    for _ in 0..50 {
        assert_eq!(cache.token().await.unwrap().expose(), "t1");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        refresh_margin(Duration::from_secs(10)),
        Duration::from_secs(5)
    );
    assert_eq!(
        refresh_margin(Duration::from_secs(299)),
        Duration::from_millis(149_500)
    );
    assert_eq!(refresh_margin(Duration::from_secs(3600)), REFRESH_MARGIN);
    assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
}

/// A credential that never answers fails the call after the credential timeout (paused clock:
/// the test takes no real time), with an `Auth` error that says which setting to change.
#[tokio::test(start_paused = true)]
async fn a_stuck_credential_is_an_auth_error_after_the_timeout() {
    let cred = token_fn(|_scopes| std::future::pending::<Result<AccessToken, Error>>());
    let cache = TokenCache::new(Arc::new(cred), vec![], Duration::from_secs(30));
    let started = tokio::time::Instant::now();
    let err = cache.token().await.unwrap_err();
    let took = started.elapsed();
    assert!(err.is_auth(), "{err:?}");
    assert!(err.to_string().contains("credential_timeout"), "{err}");
    assert!(
        took >= Duration::from_secs(30) && took < Duration::from_secs(31),
        "{took:?}"
    );
}

#[cfg(feature = "azure")]
#[tokio::test]
async fn azure_credentials_are_adapted_with_scopes_and_expiry() {
    use azure_core::credentials::{TokenCredential as AzureTrait, TokenRequestOptions};
    use azure_core::time::OffsetDateTime;

    #[derive(Debug)]
    struct Fake;
    #[async_trait::async_trait]
    impl AzureTrait for Fake {
        async fn get_token(
            &self,
            scopes: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<azure_core::credentials::AccessToken> {
            assert_eq!(scopes, ["https://graph.microsoft.com/.default"]);
            let expiry = OffsetDateTime::from_unix_timestamp(2_000_000_000).unwrap();
            Ok(azure_core::credentials::AccessToken::new(
                "az-token", expiry,
            ))
        }
    }
    let cred = AzureCredential::new(Arc::new(Fake));
    let token = cred
        .get_token(&["https://graph.microsoft.com/.default".to_owned()])
        .await
        .unwrap();
    assert_eq!(token.token.expose(), "az-token");
    assert_eq!(
        token.expires_on,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000))
    );
    assert_eq!(format!("{cred:?}"), "AzureCredential(..)");
}

#[tokio::test]
async fn empty_tokens_and_failures_are_auth_errors() {
    let cache = TokenCache::new(
        Arc::new(StaticToken::new("")),
        vec![],
        DEFAULT_CREDENTIAL_TIMEOUT,
    );
    let err = cache.token().await.unwrap_err();
    assert!(err.is_auth());
    assert!(err.to_string().contains("empty token"), "{err}");

    let failing = token_fn(|_| async { Err(Error::build("vault unreachable")) });
    let cache = TokenCache::new(Arc::new(failing), vec![], DEFAULT_CREDENTIAL_TIMEOUT);
    let err = cache.token().await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
}
