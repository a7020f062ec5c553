//! What the receiver asks of a `validationTokens` verifier, the typed refusals, and the one
//! constant-time comparison of secrets.

use std::future::Future;
use std::pin::Pin;

/// Checks the `validationTokens` of a batch that carries encrypted content: every token must be
/// valid, and there must be at least one. `notify::TokenVerifier` (feature `notifications-rich`)
/// is the implementation for Graph; tests may supply their own.
pub trait TokenCheck: Send + Sync {
    /// `Ok(())` when every token is valid.
    fn check<'a>(
        &'a self,
        tokens: &'a [String],
    ) -> Pin<Box<dyn Future<Output = Result<(), TokenError>> + Send + 'a>>;
}

/// Why a `validationToken` was refused. The token itself never appears in the message.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenError {
    /// The batch has encrypted content but no `validationTokens`.
    Missing,
    /// Not a JWT, or a JWT this verifier does not accept (header, algorithm, claims' types).
    Malformed(String),
    /// Signed with a key the published key set does not hold (its `kid`, if any).
    UnknownKey(Option<String>),
    /// The signature does not verify.
    Signature,
    /// Past `exp`.
    Expired,
    /// Before `nbf`.
    NotYetValid,
    /// `aud` is not the app's id.
    Audience,
    /// `iss` is not `https://sts.windows.net/{tenantId}/` for an accepted tenant.
    Issuer,
    /// Neither `azp` nor `appid` is Graph's change-tracking app.
    AuthorizedParty,
    /// The key set could not be fetched or read.
    Keys(String),
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenError::Missing => f.write_str("encrypted content came without `validationTokens`"),
            TokenError::Malformed(why) => write!(f, "malformed token: {why}"),
            TokenError::UnknownKey(Some(kid)) => {
                write!(
                    f,
                    "signed with key `{kid}`, which the key set does not hold"
                )
            }
            TokenError::UnknownKey(None) => f.write_str("the token names no key (`kid`)"),
            TokenError::Signature => f.write_str("the signature does not verify"),
            TokenError::Expired => f.write_str("the token has expired (`exp`)"),
            TokenError::NotYetValid => f.write_str("the token is not valid yet (`nbf`)"),
            TokenError::Audience => f.write_str("the audience (`aud`) is not this app"),
            TokenError::Issuer => f.write_str("the issuer (`iss`) is not an accepted tenant"),
            TokenError::AuthorizedParty => {
                f.write_str("the authorized party (`azp`/`appid`) is not Graph's change tracking")
            }
            TokenError::Keys(why) => write!(f, "the signing keys could not be read: {why}"),
        }
    }
}

impl std::error::Error for TokenError {}

/// Compares two secrets in time that depends only on their lengths (`subtle`).
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn secrets_compare_by_content_and_length() {
        assert!(constant_time_eq("s3cret", "s3cret"));
        assert!(!constant_time_eq("s3cret", "s3creT"));
        assert!(!constant_time_eq("s3cret", "s3cre"));
        assert!(!constant_time_eq("", "x"));
        assert!(constant_time_eq("", ""));
    }
}
