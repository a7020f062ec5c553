//! The browser sign-in: `GET /{tenant}/oauth2/v2.0/authorize` (authorization code with PKCE,
//! answered at once by the "user" the test chose) and the `authorization_code` grant of the
//! token endpoint.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use sha2::{Digest, Sha256};

use super::scopes::{requested, short};
use super::token::{form, issue, missing, tenant_id, unknown_app};
use super::{AskedClaims, CODE_LIFETIME, CodeGrant, Grantee, RefreshGrant, SignIns, State};
use crate::routes::Reply;

/// Whether `uri` is a loopback redirect URI a public client may use: `http`, host `localhost`
/// or `127.0.0.1`, any port, no user info and no fragment.
fn loopback_redirect(uri: &str) -> bool {
    reqwest::Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http"
            && matches!(u.host_str(), Some("localhost" | "127.0.0.1"))
            && u.username().is_empty()
            && u.password().is_none()
            && u.fragment().is_none()
    })
}

/// A `302` to `redirect_uri` with `params` added to its query.
fn redirect(redirect_uri: &str, params: &[(&str, &str)]) -> Reply {
    let mut location = match reqwest::Url::parse(redirect_uri) {
        Ok(u) => u,
        Err(_) => return Reply::bad_request("The redirect_uri is not a URL."),
    };
    location.query_pairs_mut().extend_pairs(params);
    Reply {
        status: StatusCode::FOUND,
        body: None,
        headers: Vec::new(),
        pass: false,
    }
    .header("Location", location.as_str())
    .header("Cache-Control", "no-store")
}

/// An error redirect: `error`, `error_description` (`AADSTSnnnn: …`) and the request's `state`.
fn refuse(redirect_uri: &str, state: &str, error: &str, code: u32, description: &str) -> Reply {
    let description = format!("AADSTS{code}: {description}");
    redirect(
        redirect_uri,
        &[
            ("error", error),
            ("error_description", &description),
            ("state", state),
        ],
    )
}

/// `GET /{tenant}/oauth2/v2.0/authorize?…`: a request that names no registered app or no
/// loopback `redirect_uri` is a `400` (the identity platform shows an error page and never
/// redirects there); any other is a redirect, with a code or an error.
pub(crate) fn authorize(state: &mut State, tenant: &str, query: &str) -> Reply {
    let q = form(query.as_bytes());
    let Some(client_id) = q.get("client_id") else {
        return missing("client_id");
    };
    let Some(app) = state.apps.get(client_id).cloned() else {
        return unknown_app(client_id);
    };
    let Some(redirect_uri) = q.get("redirect_uri").filter(|u| loopback_redirect(u)) else {
        return super::oauth_error(
            "invalid_request",
            50011,
            "The redirect URI must be a loopback http URI (http://localhost or http://127.0.0.1, any port) for this public client.",
        );
    };
    let app_state = q.get("state").map_or("", String::as_str);
    let refused =
        |error: &str, code: u32, why: &str| refuse(redirect_uri, app_state, error, code, why);
    if q.get("response_type").map(String::as_str) != Some("code") {
        return refused(
            "unsupported_response_type",
            700054,
            "The response_type must be 'code' (authorization code with PKCE).",
        );
    }
    if app_state.is_empty() {
        return refused(
            "invalid_request",
            900144,
            "The request must contain a 'state'.",
        );
    }
    let Some(scope) = q.get("scope") else {
        return refused(
            "invalid_request",
            900144,
            "The request must contain the following parameter: 'scope'.",
        );
    };
    let challenge = q.get("code_challenge").filter(|c| !c.is_empty());
    let Some(challenge) =
        challenge.filter(|_| q.get("code_challenge_method").map(String::as_str) == Some("S256"))
    else {
        return refused(
            "invalid_request",
            9002325,
            "Proof Key for Code Exchange is required: send code_challenge with code_challenge_method=S256.",
        );
    };
    let (resource, scopes) = match requested(scope, &app, &state.apps) {
        Ok(asked) => asked,
        Err(reply) => {
            let body = reply.body.unwrap_or_default();
            let error = body["error"].as_str().unwrap_or("invalid_scope").to_owned();
            let description = body["error_description"].as_str().unwrap_or("").to_owned();
            return redirect(
                redirect_uri,
                &[
                    ("error", &error),
                    ("error_description", &description),
                    ("state", app_state),
                ],
            );
        }
    };
    let user = match state.sign_ins.clone() {
        SignIns::Approve(oid) => oid,
        SignIns::Refuse => {
            return refused(
                "access_denied",
                65004,
                "User declined to consent to access the app.",
            );
        }
        SignIns::Unset => {
            return refused(
                "interaction_required",
                50058,
                "No user is signed in to the emulator: approve sign-ins with Emulator::approve_sign_ins (or PUT /_emulator/sign-ins).",
            );
        }
    };
    let code = state.new_code(CodeGrant {
        client_id: client_id.clone(),
        tenant: tenant.to_owned(),
        redirect_uri: redirect_uri.clone(),
        challenge: challenge.clone(),
        scopes,
        resource,
        user,
        expires: tokio::time::Instant::now() + CODE_LIFETIME,
    });
    redirect(redirect_uri, &[("code", &code), ("state", app_state)])
}

fn invalid_grant(code: u32, description: &str) -> Reply {
    super::oauth_error("invalid_grant", code, description)
}

/// The `authorization_code` grant: the code is taken out at its first redemption whatever
/// follows (so a wrong verifier cannot be retried), must be unexpired and redeemed by its
/// client, with its `redirect_uri` and the verifier whose S256 is its challenge.
pub(crate) fn redeem(
    state: &mut State,
    f: &HashMap<String, String>,
    default_tenant: &str,
    asked: &AskedClaims,
) -> Reply {
    let Some(code) = f.get("code") else {
        return missing("code");
    };
    let grant = match state.redeem_code(code) {
        Ok(grant) => grant,
        Err(true) => {
            return invalid_grant(
                54005,
                "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
            );
        }
        Err(false) => {
            return invalid_grant(9002313, "The provided authorization code is not valid.");
        }
    };
    if grant.expires <= tokio::time::Instant::now() {
        return invalid_grant(
            70008,
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
        );
    }
    if f.get("client_id") != Some(&grant.client_id) {
        return invalid_grant(
            70000,
            &format!(
                "The authorization code was issued to another client than '{}'.",
                short(f.get("client_id").map_or("", String::as_str))
            ),
        );
    }
    if f.get("redirect_uri") != Some(&grant.redirect_uri) {
        return invalid_grant(
            50011,
            "The redirect_uri does not match the one of the authorization request.",
        );
    }
    let Some(verifier) = f.get("code_verifier") else {
        return invalid_grant(
            50148,
            "The code_verifier is missing; the authorization request had a code_challenge.",
        );
    };
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.challenge {
        return invalid_grant(
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        );
    }
    let offline = grant.scopes.iter().any(|s| s == "offline_access");
    let scopes: Vec<String> = grant
        .scopes
        .into_iter()
        .filter(|s| s != "offline_access")
        .collect();
    let tid = tenant_id(&grant.tenant, default_tenant);
    let refresh = offline.then(|| {
        state.new_refresh_token(RefreshGrant {
            client_id: grant.client_id.clone(),
            tenant: tid.clone(),
            scopes: scopes.clone(),
            resource: grant.resource.clone(),
            user: grant.user.clone(),
        })
    });
    issue(
        &tid,
        &grant.client_id,
        Grantee::User {
            oid: &grant.user,
            scopes: &scopes,
            resource: &grant.resource,
        },
        asked,
        refresh,
    )
}
