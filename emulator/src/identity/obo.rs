//! On-behalf-of: the `urn:ietf:params:oauth:grant-type:jwt-bearer` grant with
//! `requested_token_use=on_behalf_of`. A registered confidential app (authenticated as in
//! client credentials) sends a user's token for its own API (`aud` `api://{client_id}`, issued
//! by this endpoint) and gets a Graph token for the same user (`oid`) with the Graph scopes it
//! asks for.

use std::collections::HashMap;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

use super::scopes::{api_resource, requested};
use super::token::{authenticate, issue, missing, unknown_app};
use super::{AskedClaims, GRAPH_RESOURCE, Grantee, RefreshGrant, State, oauth_error};
use crate::routes::Reply;

/// The grant type of on-behalf-of.
pub(crate) const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// What the user assertion must say.
#[derive(Deserialize)]
struct UserClaims {
    oid: Option<String>,
    scp: Option<String>,
}

fn invalid_grant(code: u32, description: &str) -> Reply {
    oauth_error("invalid_grant", code, description)
}

/// `POST …/token` with the on-behalf-of grant; `audience` is the token endpoint's URL (for a
/// client assertion), `tid` the tenant of the new token.
pub(crate) fn exchange(
    state: &mut State,
    f: &HashMap<String, String>,
    audience: &str,
    tid: &str,
    asked: &AskedClaims,
) -> Reply {
    let Some(client_id) = f.get("client_id") else {
        return missing("client_id");
    };
    let Some(app) = state.apps.get(client_id).cloned() else {
        return unknown_app(client_id);
    };
    if let Err(reply) = authenticate(state, &app, f, audience) {
        return reply;
    }
    if f.get("requested_token_use").map(String::as_str) != Some("on_behalf_of") {
        return oauth_error(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'requested_token_use' (on_behalf_of).",
        );
    }
    let Some(assertion) = f.get("assertion") else {
        return missing("assertion");
    };
    let Some(scope) = f.get("scope") else {
        return missing("scope");
    };
    let user = match verify(assertion, client_id) {
        Ok(user) => user,
        Err(reply) => return reply,
    };
    let (resource, scopes) = match requested(scope, &app, &state.apps) {
        Ok(asked) => asked,
        Err(reply) => return reply,
    };
    if resource != GRAPH_RESOURCE {
        return oauth_error(
            "invalid_scope",
            70011,
            "On-behalf-of in the emulator asks for Microsoft Graph scopes.",
        );
    }
    let offline = scopes.iter().any(|s| s == "offline_access");
    let scopes: Vec<String> = scopes
        .into_iter()
        .filter(|s| s != "offline_access")
        .collect();
    let refresh = offline.then(|| {
        state.new_refresh_token(RefreshGrant {
            client_id: client_id.clone(),
            tenant: tid.to_owned(),
            scopes: scopes.clone(),
            resource: resource.clone(),
            user: user.clone(),
        })
    });
    issue(
        tid,
        client_id,
        Grantee::User {
            oid: &user,
            scopes: &scopes,
            resource: &resource,
        },
        asked,
        refresh,
    )
}

/// The user (`oid`) of `assertion`, a delegated token this endpoint signed for the API of
/// `client_id`, unexpired; `Err` is the `invalid_grant` answer naming what is wrong.
fn verify(assertion: &str, client_id: &str) -> Result<String, Reply> {
    let key = crate::notify::rich::verifying_key()
        .map_err(|e| invalid_grant(50013, &format!("The emulator has no signing key: {e}")))?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[api_resource(client_id)]);
    validation.set_required_spec_claims(&["exp", "aud"]);
    validation.leeway = 0;
    let claims = jsonwebtoken::decode::<UserClaims>(assertion, &key, &validation)
        .map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => {
                invalid_grant(500133, "Assertion is not within its valid time range.")
            }
            ErrorKind::InvalidAudience => invalid_grant(
                50013,
                "Assertion audience does not match the Client app presenting the assertion.",
            ),
            ErrorKind::InvalidSignature => {
                invalid_grant(50013, "Assertion failed signature validation.")
            }
            _ => invalid_grant(
                50013,
                "The assertion is not a valid JWT of this identity platform.",
            ),
        })?
        .claims;
    match (claims.oid, claims.scp) {
        (Some(oid), Some(_)) => Ok(oid),
        _ => Err(invalid_grant(
            50013,
            "The assertion is no user's token (it has no scp): on-behalf-of needs a delegated token.",
        )),
    }
}
