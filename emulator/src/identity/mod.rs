//! The identity endpoint: the Microsoft identity platform's v2.0 token and device code endpoints
//! on the emulator's own origin, the access tokens they issue, and what the bearer check does
//! with them (permissions, Continuous Access Evaluation).
//!
//! - `POST /{tenant}/oauth2/v2.0/token` ([`token`]): `client_credentials` (a client secret, or a
//!   client assertion signed with the key of a certificate registered on the [`App`]),
//!   `urn:ietf:params:oauth:grant-type:device_code` and `refresh_token` (rotating: each use
//!   answers a new refresh token, and the old one is refused).
//! - `POST /{tenant}/oauth2/v2.0/devicecode`: a device code, approved by the test
//!   ([`Emulator::approve_device_code`](crate::Emulator::approve_device_code)).
//! - `GET /{tenant}/oauth2/v2.0/authorize` ([`code`]): the browser sign-in with PKCE, answered
//!   at once with a redirect to the app's loopback `redirect_uri`, carrying a code or the
//!   refusal the test chose ([`Emulator::approve_sign_ins`](crate::Emulator::approve_sign_ins));
//!   the code is redeemed with `authorization_code`.
//! - `urn:ietf:params:oauth:grant-type:jwt-bearer` ([`obo`]): on-behalf-of, a confidential app
//!   trading a user's token for its own API (`aud` `api://{client_id}`) for a Graph token for
//!   the same user.
//!
//! A token is for Graph unless its scopes name a registered app's API
//! (`api://{client_id}/access_as_user`): then its `aud` is `api://{client_id}`, and Graph
//! calls refuse it.
//!
//! Access tokens are RS256 JWTs signed by the key whose JWKS the emulator serves at
//! `GET /common/discovery/v2.0/keys` (the key of rich notifications, public and for tests only),
//! with `aud` `https://graph.microsoft.com`, `tid`, `oid`, `exp` and either `scp` (delegated) or
//! `roles` (application). When identity is switched on
//! ([`Emulator::require_signed_tokens`](crate::Emulator::require_signed_tokens)), the bearer
//! check takes them ([`check`]); with permission enforcement on, a Graph call that no permission
//! of the token grants (by the built-in permissions index, the macros' lookup) answers Graph's
//! `403`; a claims challenge ([`Emulator::challenge_claims`](crate::Emulator::challenge_claims))
//! answers `401` with `error="insufficient_claims"` until a token asked with those claims comes.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::StatusCode;
use serde_json::{Value, json};

use crate::routes::Reply;

mod admin;
mod assertion;
pub(crate) mod code;
mod enforce;
mod obo;
mod scopes;
pub(crate) mod token;

pub use admin::App;
pub(crate) use admin::answer as admin_answer;
pub(crate) use enforce::{Verdict, check};

/// The resource the emulator's access tokens are for (`aud`).
pub const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";

/// The object id (`oid`) of the user who approves device codes, unless
/// [`Emulator::approve_device_code_as`](crate::Emulator::approve_device_code_as) names another.
pub const DEFAULT_USER_ID: &str = "5a0e7c3b-9d1f-4e2a-8b6c-0d4e6f8a1b3c";

/// How long an access token lives: one hour.
const ACCESS_TOKEN_LIFETIME_SECS: u64 = 3600;

/// The default `interval` of a device code (Entra's: 5 s).
pub const DEFAULT_DEVICE_CODE_INTERVAL: Duration = Duration::from_secs(5);

/// The default `expires_in` of a device code (Entra's: 15 minutes).
pub const DEFAULT_DEVICE_CODE_LIFETIME: Duration = Duration::from_secs(900);

/// How long an authorization code can be redeemed: 10 minutes (Entra's are short-lived too).
const CODE_LIFETIME: Duration = Duration::from_secs(600);

/// Live grants kept at most (device codes, refresh tokens, seen assertion ids); the oldest go.
const MAX_GRANTS: usize = 10_000;

/// The identity endpoint's state.
#[derive(Default)]
pub(crate) struct Identity {
    state: Mutex<State>,
}

impl Identity {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A device code waiting for the user.
pub(crate) struct DeviceGrant {
    pub(crate) device_code: String,
    pub(crate) user_code: String,
    pub(crate) client_id: String,
    pub(crate) tenant: String,
    pub(crate) scopes: Vec<String>,
    /// The resource the token is for (`aud`).
    pub(crate) resource: String,
    pub(crate) expires: tokio::time::Instant,
    pub(crate) interval: Duration,
    pub(crate) last_poll: Option<tokio::time::Instant>,
    /// How many times the token endpoint was polled with it.
    pub(crate) polls: u32,
    /// The user (`oid`) who approved it.
    pub(crate) approved: Option<String>,
}

/// What a refresh token stands for.
#[derive(Clone)]
pub(crate) struct RefreshGrant {
    pub(crate) client_id: String,
    pub(crate) tenant: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) resource: String,
    pub(crate) user: String,
}

/// What an authorization code stands for, and what its redemption must show.
pub(crate) struct CodeGrant {
    pub(crate) client_id: String,
    pub(crate) tenant: String,
    pub(crate) redirect_uri: String,
    /// The PKCE `code_challenge` (S256: base64url of the verifier's SHA-256).
    pub(crate) challenge: String,
    /// Graph scope names, or the API's, with `offline_access` if asked.
    pub(crate) scopes: Vec<String>,
    pub(crate) resource: String,
    pub(crate) user: String,
    pub(crate) expires: tokio::time::Instant,
}

/// What the "user" does at the authorize endpoint.
#[derive(Clone, Debug, Default)]
pub(crate) enum SignIns {
    /// Nobody set it: `interaction_required`.
    #[default]
    Unset,
    /// Signs in as this user (`oid`) and consents.
    Approve(String),
    /// Declines: `access_denied`.
    Refuse,
}

/// A claims challenge in force.
#[derive(Clone, Debug)]
pub(crate) struct Challenge {
    /// The `nbf` value the claims ask for (seconds since the epoch, as text).
    pub(crate) nbf: String,
    /// Whether even a token asked with those claims is challenged.
    pub(crate) stubborn: bool,
}

pub(crate) struct State {
    /// Whether the bearer check takes the emulator's signed tokens.
    pub(crate) on: bool,
    /// Whether a token's permissions must grant the call.
    pub(crate) enforce: bool,
    pub(crate) apps: HashMap<String, App>,
    pub(crate) device: Vec<DeviceGrant>,
    pub(crate) refresh: HashMap<String, RefreshGrant>,
    /// Refresh tokens in their order of issue, to forget the oldest past [`MAX_GRANTS`].
    refresh_order: std::collections::VecDeque<String>,
    pub(crate) seen_assertions: HashSet<String>,
    pub(crate) challenge: Option<Challenge>,
    /// Authorization codes not yet redeemed.
    pub(crate) codes: HashMap<String, CodeGrant>,
    /// Codes already redeemed (or tried), to name a replay.
    pub(crate) redeemed: HashSet<String>,
    pub(crate) sign_ins: SignIns,
    pub(crate) interval: Duration,
    pub(crate) device_lifetime: Duration,
    /// Polls still to answer `slow_down` whatever their pace.
    pub(crate) slow_downs: u32,
    /// Device codes are approved (as [`DEFAULT_USER_ID`]) at their nth poll.
    pub(crate) approve_on_poll: Option<u32>,
}

impl Default for State {
    fn default() -> State {
        State {
            on: false,
            enforce: false,
            apps: HashMap::new(),
            device: Vec::new(),
            refresh: HashMap::new(),
            refresh_order: std::collections::VecDeque::new(),
            seen_assertions: HashSet::new(),
            challenge: None,
            codes: HashMap::new(),
            redeemed: HashSet::new(),
            sign_ins: SignIns::Unset,
            interval: DEFAULT_DEVICE_CODE_INTERVAL,
            device_lifetime: DEFAULT_DEVICE_CODE_LIFETIME,
            slow_downs: 0,
            approve_on_poll: None,
        }
    }
}

impl State {
    /// Issues a refresh token for `grant`.
    pub(crate) fn new_refresh_token(&mut self, grant: RefreshGrant) -> String {
        let token = format!("rt.{}{}", random_hex(), random_hex());
        if self.refresh_order.len() >= MAX_GRANTS
            && let Some(old) = self.refresh_order.pop_front()
        {
            self.refresh.remove(&old);
        }
        self.refresh_order.push_back(token.clone());
        self.refresh.insert(token.clone(), grant);
        token
    }

    /// Remembers a client assertion's `jti`; `false` when it was seen before.
    pub(crate) fn first_use(&mut self, jti: &str) -> bool {
        if self.seen_assertions.len() >= MAX_GRANTS {
            self.seen_assertions.clear();
        }
        self.seen_assertions.insert(jti.to_owned())
    }

    /// Issues an authorization code for `grant`, forgetting expired ones (and all past
    /// [`MAX_GRANTS`]).
    pub(crate) fn new_code(&mut self, grant: CodeGrant) -> String {
        let now = tokio::time::Instant::now();
        self.codes.retain(|_, g| g.expires > now);
        if self.codes.len() >= MAX_GRANTS {
            self.codes.clear();
        }
        let code = format!("ac.{}{}", random_hex(), random_hex());
        self.codes.insert(code.clone(), grant);
        code
    }

    /// Takes the code out for its one redemption; `Err(true)` when it was redeemed before,
    /// `Err(false)` when it was never issued.
    pub(crate) fn redeem_code(&mut self, code: &str) -> Result<CodeGrant, bool> {
        if self.redeemed.len() >= MAX_GRANTS {
            self.redeemed.clear();
        }
        match self.codes.remove(code) {
            Some(grant) => {
                self.redeemed.insert(code.to_owned());
                Ok(grant)
            }
            None => Err(self.redeemed.contains(code)),
        }
    }

    /// Adds a device code, forgetting expired ones (and the oldest past [`MAX_GRANTS`]).
    pub(crate) fn add_device_grant(&mut self, grant: DeviceGrant) {
        let now = tokio::time::Instant::now();
        self.device.retain(|g| g.expires > now);
        if self.device.len() >= MAX_GRANTS {
            self.device.remove(0);
        }
        self.device.push(grant);
    }
}

/// 32 random hex digits.
pub(crate) fn random_hex() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Seconds since the epoch.
pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Who a token is for.
pub(crate) enum Grantee<'a> {
    /// A signed-in user: `scp`, for `resource` (`aud`).
    User {
        oid: &'a str,
        scopes: &'a [String],
        resource: &'a str,
    },
    /// The app itself: `roles`.
    App { roles: &'a [String] },
}

/// What a token request asked for in its `claims` parameter.
#[derive(Default)]
pub(crate) struct AskedClaims {
    /// `xms_cc` holds `cp1`: the client handles claims challenges.
    pub(crate) cp1: bool,
    /// `nbf.value` of a claims challenge.
    pub(crate) nbf: Option<String>,
}

impl AskedClaims {
    /// Reads the `claims` parameter (`{"access_token": {…}}`); anything else asks for nothing.
    pub(crate) fn parse(claims: Option<&str>) -> AskedClaims {
        let Some(v) = claims.and_then(|c| serde_json::from_str::<Value>(c).ok()) else {
            return AskedClaims::default();
        };
        let at = &v["access_token"];
        AskedClaims {
            cp1: at["xms_cc"]["values"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == "cp1")),
            nbf: at["nbf"]["value"].as_str().map(str::to_owned),
        }
    }
}

/// An access token for Graph: `(token, expires_in)`.
pub(crate) fn access_token(
    tenant_id: &str,
    client_id: &str,
    grantee: Grantee<'_>,
    asked: &AskedClaims,
) -> Result<(String, u64), String> {
    let now = now_secs();
    let aud = match &grantee {
        Grantee::User { resource, .. } => *resource,
        Grantee::App { .. } => GRAPH_RESOURCE,
    };
    let mut claims = json!({
        "aud": aud,
        "iss": format!("https://sts.windows.net/{tenant_id}/"),
        "iat": now,
        "nbf": now,
        "exp": now + ACCESS_TOKEN_LIFETIME_SECS,
        "appid": client_id,
        "azp": client_id,
        "tid": tenant_id,
        "uti": random_hex(),
        "ver": "1.0",
    });
    match grantee {
        Grantee::User { oid, scopes, .. } => {
            claims["oid"] = json!(oid);
            claims["scp"] = json!(scopes.join(" "));
        }
        Grantee::App { roles } => {
            claims["oid"] = json!(client_id);
            claims["roles"] = json!(roles);
        }
    }
    if asked.cp1 {
        claims["xms_cc"] = json!(["cp1"]);
    }
    if let Some(nbf) = &asked.nbf {
        claims["xms_cae_nbf"] = json!(nbf);
    }
    let token = crate::notify::rich::sign(&claims)?;
    Ok((token, ACCESS_TOKEN_LIFETIME_SECS))
}

/// The `claims` value of a challenge: base64 of `{"access_token":{"nbf":{"essential":true,"value":"…"}}}`.
pub(crate) fn challenge_claims(nbf: &str) -> String {
    STANDARD.encode(json!({"access_token": {"nbf": {"essential": true, "value": nbf}}}).to_string())
}

/// An error of the identity platform: `{"error", "error_description": "AADSTSnnnn: …",
/// "error_codes", "timestamp", "trace_id", "correlation_id"}`; `401` for `invalid_client`, `400`
/// otherwise.
pub(crate) fn oauth_error(error: &str, code: u32, description: &str) -> Reply {
    let status = match error {
        "invalid_client" => StatusCode::UNAUTHORIZED,
        _ => StatusCode::BAD_REQUEST,
    };
    Reply::json(
        status,
        json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {description}"),
            "error_codes": [code],
            "timestamp": httpdate::fmt_http_date(std::time::SystemTime::now()),
            "trace_id": uuid::Uuid::new_v4().to_string(),
            "correlation_id": uuid::Uuid::new_v4().to_string(),
        }),
    )
    .header("Cache-Control", "no-store")
}
