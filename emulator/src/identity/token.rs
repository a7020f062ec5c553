//! `POST /{tenant}/oauth2/v2.0/devicecode` and `POST /{tenant}/oauth2/v2.0/token`: form bodies
//! in, the identity platform's JSON out. The grants of the browser sign-in and of on-behalf-of
//! are in [`code`](super::code) and [`obo`](super::obo).

use std::collections::HashMap;

use http::StatusCode;
use serde_json::json;

use super::scopes::{requested, short};
use super::{
    AskedClaims, DeviceGrant, GRAPH_RESOURCE, Grantee, RefreshGrant, State, access_token,
    assertion, oauth_error, random_hex,
};
use crate::routes::Reply;

/// The device code grant type.
pub(crate) const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The tenant a token is issued in: the path's, or the emulator's for `common`,
/// `organizations` and `consumers`.
pub(crate) fn tenant_id(tenant: &str, default: &str) -> String {
    match tenant {
        "common" | "organizations" | "consumers" => default.to_owned(),
        t => t.to_owned(),
    }
}

/// The form fields of `body` (a repeated field: the first).
pub(crate) fn form(body: &[u8]) -> HashMap<String, String> {
    let mut fields = HashMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        fields
            .entry(k.into_owned())
            .or_insert_with(|| v.into_owned());
    }
    fields
}

pub(crate) fn missing(name: &str) -> Reply {
    oauth_error(
        "invalid_request",
        900144,
        &format!("The request body must contain the following parameter: '{name}'."),
    )
}

pub(crate) fn unknown_app(client_id: &str) -> Reply {
    oauth_error(
        "unauthorized_client",
        700016,
        &format!(
            "Application with identifier '{}' was not found in the directory.",
            short(client_id)
        ),
    )
}

/// `POST /{tenant}/oauth2/v2.0/devicecode`.
pub(crate) fn devicecode(state: &mut State, base_url: &str, tenant: &str, body: &[u8]) -> Reply {
    let f = form(body);
    let Some(client_id) = f.get("client_id") else {
        return missing("client_id");
    };
    let Some(scope) = f.get("scope") else {
        return missing("scope");
    };
    let Some(app) = state.apps.get(client_id).cloned() else {
        return unknown_app(client_id);
    };
    let (resource, scopes) = match requested(scope, &app, &state.apps) {
        Ok(asked) => asked,
        Err(reply) => return reply,
    };
    let device_code = format!("dc.{}{}", random_hex(), random_hex());
    let hex = random_hex().to_uppercase();
    let user_code = hex.get(..9).unwrap_or("EMULATOR0").to_owned();
    let interval = state.interval;
    let lifetime = state.device_lifetime;
    let verification_uri = format!("{base_url}/devicelogin");
    state.add_device_grant(DeviceGrant {
        device_code: device_code.clone(),
        user_code: user_code.clone(),
        client_id: client_id.clone(),
        tenant: tenant.to_owned(),
        scopes,
        resource,
        expires: tokio::time::Instant::now() + lifetime,
        interval,
        last_poll: None,
        polls: 0,
        approved: None,
    });
    Reply::json(
        StatusCode::OK,
        json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verification_uri,
            "expires_in": lifetime.as_secs(),
            "interval": interval.as_secs(),
            "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
        }),
    )
    .header("Cache-Control", "no-store")
}

/// `POST /{tenant}/oauth2/v2.0/token`.
pub(crate) fn token(
    state: &mut State,
    base_url: &str,
    default_tenant: &str,
    tenant: &str,
    body: &[u8],
) -> Reply {
    let f = form(body);
    let Some(grant_type) = f.get("grant_type") else {
        return missing("grant_type");
    };
    let asked = AskedClaims::parse(f.get("claims").map(String::as_str));
    let tid = tenant_id(tenant, default_tenant);
    match grant_type.as_str() {
        "client_credentials" => client_credentials(
            state,
            &f,
            &format!("{base_url}/{tenant}/oauth2/v2.0/token"),
            &tid,
            &asked,
        ),
        DEVICE_CODE => device_code(state, &f, &tid, &asked),
        "refresh_token" => refresh(state, &f, &asked),
        "authorization_code" => super::code::redeem(state, &f, &tid, &asked),
        super::obo::JWT_BEARER_GRANT => super::obo::exchange(
            state,
            &f,
            &format!("{base_url}/{tenant}/oauth2/v2.0/token"),
            &tid,
            &asked,
        ),
        other => oauth_error(
            "unsupported_grant_type",
            70003,
            &format!(
                "The app requested an unsupported grant type '{}'.",
                short(other)
            ),
        ),
    }
}

fn client_credentials(
    state: &mut State,
    f: &HashMap<String, String>,
    audience: &str,
    tid: &str,
    asked: &AskedClaims,
) -> Reply {
    let Some(client_id) = f.get("client_id") else {
        return missing("client_id");
    };
    let Some(scope) = f.get("scope") else {
        return missing("scope");
    };
    let Some(app) = state.apps.get(client_id).cloned() else {
        return unknown_app(client_id);
    };
    if scope.trim() != format!("{GRAPH_RESOURCE}/.default") {
        return oauth_error(
            "invalid_scope",
            1002012,
            "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (https://graph.microsoft.com/.default).",
        );
    }
    if let Err(reply) = authenticate(state, &app, f, audience) {
        return reply;
    }
    issue(
        tid,
        client_id,
        Grantee::App { roles: &app.roles },
        asked,
        None,
    )
}

/// Checks the client authentication of a confidential `app` in the form `f`: its
/// `client_secret`, or a client assertion signed with a registered certificate's key for the
/// token endpoint `audience`; `Err` is the `invalid_client` answer.
pub(crate) fn authenticate(
    state: &mut State,
    app: &super::App,
    f: &HashMap<String, String>,
    audience: &str,
) -> Result<(), Reply> {
    match (
        f.get("client_secret"),
        f.get("client_assertion_type"),
        f.get("client_assertion"),
    ) {
        (Some(secret), _, _) => {
            if app.secret.as_ref() != Some(secret) {
                return Err(oauth_error(
                    "invalid_client",
                    7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
                ));
            }
        }
        (None, Some(kind), Some(jwt)) if kind == assertion::JWT_BEARER => {
            assertion::verify(state, app, audience, jwt)?;
        }
        (None, Some(_), _) => {
            return Err(oauth_error(
                "invalid_client",
                50027,
                "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer, with a client_assertion.",
            ));
        }
        (None, None, _) => {
            return Err(oauth_error(
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            ));
        }
    }
    Ok(())
}

fn device_code(
    state: &mut State,
    f: &HashMap<String, String>,
    tid: &str,
    asked: &AskedClaims,
) -> Reply {
    let Some(code) = f.get("device_code") else {
        return missing("device_code");
    };
    let now = tokio::time::Instant::now();
    let Some(at) = state.device.iter().position(|g| &g.device_code == code) else {
        return oauth_error(
            "invalid_grant",
            70000,
            "The provided device code is not valid or was already used.",
        );
    };
    let slow_downs = state.slow_downs;
    let approve_on = state.approve_on_poll;
    let grant = &mut state.device[at];
    if f.get("client_id") != Some(&grant.client_id) {
        return oauth_error(
            "invalid_grant",
            70000,
            "The device code was issued to another client.",
        );
    }
    if grant.expires <= now {
        state.device.remove(at);
        return oauth_error(
            "expired_token",
            70020,
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
        );
    }
    let too_soon = grant
        .last_poll
        .is_some_and(|last| now.duration_since(last) < grant.interval);
    grant.last_poll = Some(now);
    grant.polls += 1;
    let forced_slow_down = slow_downs > 0 && grant.polls >= 2;
    if approve_on.is_some_and(|n| grant.polls >= n) && grant.approved.is_none() {
        grant.approved = Some(super::DEFAULT_USER_ID.to_owned());
    }
    if too_soon || forced_slow_down {
        // RFC 8628: the client waits 5 s more from now on; so does the check.
        grant.interval += std::time::Duration::from_secs(5);
        if forced_slow_down {
            state.slow_downs -= 1;
        }
        return oauth_error(
            "slow_down",
            70000,
            "The client polled faster than the interval; wait 5 seconds more between polls.",
        );
    }
    let Some(user) = grant.approved.clone() else {
        return oauth_error(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        );
    };
    let grant = state.device.remove(at);
    let offline = grant.scopes.iter().any(|s| s == "offline_access");
    let scopes: Vec<String> = grant
        .scopes
        .into_iter()
        .filter(|s| s != "offline_access")
        .collect();
    let refresh = offline.then(|| {
        state.new_refresh_token(RefreshGrant {
            client_id: grant.client_id.clone(),
            tenant: grant.tenant.clone(),
            scopes: scopes.clone(),
            resource: grant.resource.clone(),
            user: user.clone(),
        })
    });
    issue(
        &tenant_id(&grant.tenant, tid),
        &grant.client_id,
        Grantee::User {
            oid: &user,
            scopes: &scopes,
            resource: &grant.resource,
        },
        asked,
        refresh,
    )
}

fn refresh(state: &mut State, f: &HashMap<String, String>, asked: &AskedClaims) -> Reply {
    let Some(token) = f.get("refresh_token") else {
        return missing("refresh_token");
    };
    let Some(grant) = state.refresh.get(token).cloned() else {
        return oauth_error(
            "invalid_grant",
            70008,
            "The refresh token has expired, was revoked or was already used (refresh tokens rotate: use the newest one).",
        );
    };
    if f.get("client_id") != Some(&grant.client_id) {
        return oauth_error(
            "invalid_grant",
            70000,
            "The refresh token was issued to another client.",
        );
    }
    state.refresh.remove(token);
    let next = state.new_refresh_token(grant.clone());
    issue(
        &grant.tenant,
        &grant.client_id,
        Grantee::User {
            oid: &grant.user,
            scopes: &grant.scopes,
            resource: &grant.resource,
        },
        asked,
        Some(next),
    )
}

/// The token answer: an access token for `grantee`, and `refresh_token` if given.
pub(crate) fn issue(
    tid: &str,
    client_id: &str,
    grantee: Grantee<'_>,
    asked: &AskedClaims,
    refresh_token: Option<String>,
) -> Reply {
    let scope = match &grantee {
        Grantee::User {
            scopes, resource, ..
        } => scopes
            .iter()
            .map(|s| format!("{resource}/{s}"))
            .collect::<Vec<_>>()
            .join(" "),
        Grantee::App { .. } => format!("{GRAPH_RESOURCE}/.default"),
    };
    match access_token(tid, client_id, grantee, asked) {
        Ok((token, expires_in)) => {
            let mut body = json!({
                "token_type": "Bearer",
                "scope": scope,
                "expires_in": expires_in,
                "ext_expires_in": expires_in,
                "access_token": token,
            });
            if let Some(rt) = refresh_token {
                body["refresh_token"] = json!(rt);
            }
            Reply::json(StatusCode::OK, body).header("Cache-Control", "no-store")
        }
        Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError", &e),
    }
}
