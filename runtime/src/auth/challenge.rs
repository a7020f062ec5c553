//! Continuous Access Evaluation claims challenges: a `401` whose `WWW-Authenticate` says
//! `Bearer …, error="insufficient_claims", claims="<base64 JSON>"` asks for a new token with
//! those claims (the `claims` parameter of the token request).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::HeaderMap;

/// The most bytes of a challenge's `claims` read.
const MAX_CLAIMS: usize = 8 * 1024;

/// The decoded claims (JSON text) of a claims challenge among `headers`' `WWW-Authenticate`
/// values; `None` when there is none, or it does not decode to JSON.
pub(crate) fn insufficient_claims(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let params = params(v.trim().strip_prefix("Bearer")?);
            let error = params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("error"))?;
            if error.1 != "insufficient_claims" {
                return None;
            }
            let (_, claims) = params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("claims"))?;
            if claims.len() > MAX_CLAIMS {
                return None;
            }
            let raw = STANDARD
                .decode(claims)
                .or_else(|_| URL_SAFE_NO_PAD.decode(claims.trim_end_matches('=')))
                .ok()?;
            let json: serde_json::Value = serde_json::from_slice(&raw).ok()?;
            json.is_object().then(|| json.to_string())
        })
}

/// The `name="value"` (or `name=value`) parameters of a challenge, in order.
fn params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim().trim_start_matches(',').trim().to_owned();
        rest = &rest[eq + 1..];
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let Some(end) = quoted.find('"') else { break };
            value = quoted[..end].to_owned();
            rest = &quoted[end + 1..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        out.push((name, value));
        rest = rest.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::WWW_AUTHENTICATE,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn a_challenge_yields_its_decoded_claims() {
        let claims = r#"{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}"#;
        let h = headers(&format!(
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="{}""#,
            STANDARD.encode(claims)
        ));
        assert_eq!(insufficient_claims(&h).as_deref(), Some(claims));
    }

    #[test]
    fn other_challenges_and_garbage_yield_none() {
        for value in [
            r#"Bearer realm="", error="invalid_token""#,
            r#"Bearer error="insufficient_claims""#,
            r#"Bearer error="insufficient_claims", claims="not base64!""#,
            r#"Bearer error="insufficient_claims", claims="bm90IGpzb24=""#,
            r#"Basic realm="x""#,
            r#"Bearer error="insufficient_claims", claims="unterminated"#,
            "",
            "Bearer ,,,===",
        ] {
            assert_eq!(insufficient_claims(&headers(value)), None, "{value}");
        }
        let huge = format!(
            r#"Bearer error="insufficient_claims", claims="{}""#,
            "A".repeat(MAX_CLAIMS + 4)
        );
        assert_eq!(insufficient_claims(&headers(&huge)), None);
    }
}
