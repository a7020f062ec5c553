//! Client assertions (`client_assertion_type` `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`):
//! an RS256 JWT the app signs with the key of a certificate registered on its [`App`], with
//! `aud` the token endpoint's URL, `iss` = `sub` = the client id, `exp`, and a `jti` used once.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rsa::traits::PublicKeyParts;
use serde::Deserialize;

use super::{App, State};
use crate::routes::Reply;

/// The `client_assertion_type` of a JWT client assertion.
pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

#[derive(Deserialize)]
struct Claims {
    jti: Option<String>,
}

/// Checks `assertion` for `app` at the token endpoint `audience`; `Err` is the `invalid_client`
/// answer naming what is wrong.
pub(crate) fn verify(
    state: &mut State,
    app: &App,
    audience: &str,
    assertion: &str,
) -> Result<(), Reply> {
    let refuse = |code: u32, why: &str| Err(super::oauth_error("invalid_client", code, why));
    if app.certificates.is_empty() {
        return refuse(
            700027,
            "The app has no certificate registered to verify a client assertion.",
        );
    }
    let Ok(header) = jsonwebtoken::decode_header(assertion) else {
        return refuse(50027, "The client assertion is not a well-formed JWT.");
    };
    if header.alg != Algorithm::RS256 && header.alg != Algorithm::PS256 {
        return refuse(
            5002738,
            "The client assertion must be signed with RS256 or PS256.",
        );
    }
    let keys: Vec<_> = app
        .certificates
        .iter()
        .filter(|(_, x5t)| header.x5t.as_ref().is_none_or(|t| t == x5t))
        .collect();
    if keys.is_empty() {
        return refuse(
            700027,
            "The client assertion's x5t names no certificate registered for the app.",
        );
    }
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[&app.client_id]);
    validation.sub = Some(app.client_id.clone());
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    let mut last = None;
    for (key, _) in keys {
        let decoding = DecodingKey::from_rsa_components(
            &URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
            &URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
        );
        let Ok(decoding) = decoding else { continue };
        match jsonwebtoken::decode::<Claims>(assertion, &decoding, &validation) {
            Ok(data) => {
                let Some(jti) = data.claims.jti.filter(|j| !j.is_empty()) else {
                    return refuse(50027, "The client assertion has no jti claim.");
                };
                if !state.first_use(&jti) {
                    return refuse(
                        700024,
                        "The client assertion's jti was used before (a replayed assertion).",
                    );
                }
                return Ok(());
            }
            Err(e) => last = Some(e),
        }
    }
    let why = match last.as_ref().map(jsonwebtoken::errors::Error::kind) {
        Some(ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature) => (
            700024,
            "Client assertion is not within its valid time range (exp, nbf).",
        ),
        Some(ErrorKind::InvalidAudience) => (
            700212,
            "The client assertion's audience (aud) is not this token endpoint's URL.",
        ),
        Some(ErrorKind::InvalidIssuer) => (
            700023,
            "The client assertion's issuer (iss) is not the client id.",
        ),
        Some(ErrorKind::InvalidSubject) => (
            700023,
            "The client assertion's subject (sub) is not the client id.",
        ),
        Some(ErrorKind::MissingRequiredClaim(_)) => (
            50027,
            "The client assertion lacks a required claim (exp, aud, iss, sub).",
        ),
        Some(ErrorKind::InvalidSignature) => {
            (700027, "Client assertion contains an invalid signature.")
        }
        _ => (50027, "The client assertion is not a valid JWT."),
    };
    refuse(why.0, why.1)
}
