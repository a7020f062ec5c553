//! The refresh token of a user's sign-in, kept in memory in a credential's
//! `refresh: Mutex<Option<Secret>>` and rotated: each answer's new refresh token replaces the
//! one used.

use std::sync::Mutex;

use oauth2::basic::BasicTokenResponse;
use oauth2::{RefreshToken, Scope, TokenResponse};

use super::{Authority, Http, auth_error, claims_param, oauth_client};
use crate::Error;
use crate::auth::Secret;

/// Keeps the refresh token `response` brings, in place of the one kept.
pub(crate) fn keep<R: TokenResponse>(slot: &Mutex<Option<Secret>>, response: &R) {
    if let Some(rt) = response.refresh_token()
        && let Ok(mut kept) = slot.lock()
    {
        *kept = Some(Secret::new(rt.secret().clone()));
    }
}

/// Takes the kept refresh token out (a refresh token is used once).
pub(crate) fn take(slot: &Mutex<Option<Secret>>) -> Option<Secret> {
    slot.lock().ok().and_then(|mut r| r.take())
}

/// Whether a refresh token is kept.
pub(crate) fn held(slot: &Mutex<Option<Secret>>) -> bool {
    slot.lock().map(|r| r.is_some()).unwrap_or(false)
}

/// Redeems `refresh` for a token for `scopes`, with `client_auth` (a confidential client's
/// `client_secret` or client assertion; none for a public client) and the `claims` parameter;
/// the new refresh token the answer brings is kept in `slot`.
pub(crate) async fn redeem(
    authority: &Authority,
    client_id: &str,
    http: &Http,
    client_auth: Vec<(&'static str, String)>,
    request: (&[String], Option<&str>),
    refresh: Secret,
    slot: &Mutex<Option<Secret>>,
) -> Result<BasicTokenResponse, Error> {
    let (scopes, claims) = request;
    let client = oauth_client(authority, client_id)?;
    let rt = RefreshToken::new(refresh.expose().to_owned());
    let mut exchange = client
        .exchange_refresh_token(&rt)
        .add_scopes(scopes.iter().cloned().map(Scope::new))
        .add_extra_param("claims", claims_param(claims));
    for (name, value) in client_auth {
        exchange = exchange.add_extra_param(name, value);
    }
    let response = exchange
        .request_async(http)
        .await
        .map_err(|e| auth_error("refreshing the sign-in failed", e))?;
    keep(slot, &response);
    Ok(response)
}
