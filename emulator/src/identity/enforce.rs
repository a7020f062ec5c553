//! What the bearer check does with the identity endpoint's tokens: verify them, enforce the
//! permissions a Graph call needs, and play Continuous Access Evaluation challenges.

use http::{Method, StatusCode};
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

use super::{Challenge, GRAPH_RESOURCE, challenge_claims};
use crate::routes::Reply;
use graph_odata_metadata::permissions::{Permissions, Scheme};

/// Graph's own app id, also a valid `aud` of its tokens.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

#[derive(Deserialize)]
struct Claims {
    scp: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
    xms_cae_nbf: Option<String>,
}

/// What the identity endpoint says of a request's bearer token.
pub(crate) enum Verdict {
    /// Identity is off, or the token is not one of its tokens: the static check decides.
    NotMine,
    /// A valid token whose permissions grant the call.
    Pass,
    /// A `401` or `403` to answer.
    Refuse(Reply),
}

/// Checks `token` (the text after `Bearer `) for `method path` (path with the version).
pub(crate) fn check(
    shared: &crate::Shared,
    method: &Method,
    path: &str,
    token: Option<&str>,
) -> Verdict {
    let (enforce, challenge) = {
        let state = shared.identity.lock();
        if !state.on {
            return Verdict::NotMine;
        }
        (state.enforce, state.challenge.clone())
    };
    let Some(token) = token else {
        return Verdict::NotMine;
    };
    let Ok(key) = crate::notify::rich::verifying_key() else {
        return Verdict::NotMine;
    };
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[GRAPH_RESOURCE, GRAPH_APP_ID]);
    validation.set_required_spec_claims(&["exp", "aud"]);
    validation.leeway = 0;
    let Ok(data) = jsonwebtoken::decode::<Claims>(token, &key, &validation) else {
        return Verdict::NotMine;
    };
    let claims = data.claims;
    if let Some(Challenge { nbf, stubborn }) = challenge
        && (stubborn || claims.xms_cae_nbf.as_deref() != Some(nbf.as_str()))
    {
        return Verdict::Refuse(cae(&shared.base_url, &nbf));
    }
    if enforce && let Some(refusal) = permissions(method, path, &claims) {
        return Verdict::Refuse(refusal);
    }
    Verdict::Pass
}

/// The `403` when no permission of the token grants `method path`; `None` when one does, or the
/// index does not list the call.
fn permissions(method: &Method, path: &str, claims: &Claims) -> Option<Reply> {
    let below = path
        .strip_prefix("/v1.0")
        .or_else(|| path.strip_prefix("/beta"))?;
    let method = match *method {
        Method::GET => graph_odata_metadata::line::Method::Get,
        Method::POST => graph_odata_metadata::line::Method::Post,
        Method::PATCH => graph_odata_metadata::line::Method::Patch,
        Method::PUT => graph_odata_metadata::line::Method::Put,
        Method::DELETE => graph_odata_metadata::line::Method::Delete,
        _ => return None,
    };
    let needs = Permissions::graph().ok()?.lookup(method, below)?;
    let (scheme, held): (Scheme, Vec<&str>) = match &claims.scp {
        Some(scp) => (Scheme::DelegatedWork, scp.split_whitespace().collect()),
        None => (
            Scheme::Application,
            claims.roles.iter().map(String::as_str).collect(),
        ),
    };
    let granted = needs.all(scheme).iter().any(|d| held.contains(&d.name()));
    if granted {
        return None;
    }
    let wanted = needs.least(scheme).map_or_else(
        || "none exists in this scheme".to_owned(),
        |d| d.name().to_owned(),
    );
    Some(Reply::error(
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
        &format!(
            "Insufficient privileges to complete the operation. The {scheme} permissions of the token do not grant {} /{} (least privileged: {wanted}).",
            method.as_str(),
            needs.template()
        ),
    ))
}

/// The `401` of a claims challenge.
fn cae(base_url: &str, nbf: &str) -> Reply {
    Reply::error(
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp",
    )
    .header(
        "WWW-Authenticate",
        &format!(
            "Bearer realm=\"\", authorization_uri=\"{base_url}/common/oauth2/authorize\", error=\"insufficient_claims\", claims=\"{}\"",
            challenge_claims(nbf)
        ),
    )
}
