//! The identity endpoint's settings on [`Emulator`], the apps it knows ([`App`]), and its admin
//! routes over HTTP.

use std::time::Duration;

use http::{Method, StatusCode};
use rsa::RsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use serde_json::Value;
use sha1::{Digest, Sha1};
use x509_cert::Certificate;
use x509_cert::der::{DecodePem, Encode};

use super::{Challenge, DEFAULT_USER_ID, SignIns, now_secs};
use crate::Emulator;
use crate::routes::Reply;

/// An app registration the identity endpoint knows: its client id, its credentials (a secret,
/// certificates for client assertions) and the permissions granted to it (application `roles`,
/// and the delegated scopes `/.default` stands for).
///
/// ```
/// use graph_odata_emulator::App;
/// let app = App::new("11111111-2222-3333-4444-555555555555")
///     .secret("not-a-real-secret")
///     .roles(["User.Read.All"]);
/// assert!(!format!("{app:?}").contains("not-a-real-secret"));
/// ```
#[derive(Clone)]
pub struct App {
    pub(crate) client_id: String,
    pub(crate) secret: Option<String>,
    /// Each certificate's public key and SHA-1 thumbprint (`x5t`, base64url).
    pub(crate) certificates: Vec<(RsaPublicKey, String)>,
    pub(crate) roles: Vec<String>,
    pub(crate) scopes: Vec<String>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| "** redacted **"))
            .field("certificates", &self.certificates.len())
            .field("roles", &self.roles)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl App {
    /// An app with no credentials and no permissions.
    pub fn new(client_id: &str) -> App {
        App {
            client_id: client_id.to_owned(),
            secret: None,
            certificates: Vec::new(),
            roles: Vec::new(),
            scopes: Vec::new(),
        }
    }

    /// Its client secret.
    #[must_use]
    pub fn secret(mut self, secret: &str) -> App {
        self.secret = Some(secret.to_owned());
        self
    }

    /// A certificate (PEM, `-----BEGIN CERTIFICATE-----`) whose RSA key signs the app's client
    /// assertions.
    ///
    /// # Errors
    /// When the text is not a PEM X.509 certificate with an RSA key.
    pub fn certificate_pem(mut self, pem: &str) -> Result<App, String> {
        let cert = Certificate::from_pem(pem.trim())
            .map_err(|e| format!("not a PEM X.509 certificate: {e}"))?;
        let der = cert
            .to_der()
            .map_err(|e| format!("the certificate does not encode: {e}"))?;
        let spki = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| format!("the certificate's public key does not encode: {e}"))?;
        let key = RsaPublicKey::from_public_key_der(&spki)
            .map_err(|_| "the certificate's key is not an RSA key".to_owned())?;
        let thumbprint = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            Sha1::digest(&der),
        );
        self.certificates.push((key, thumbprint));
        Ok(self)
    }

    /// The application permissions granted to it (`roles` of its app-only tokens).
    #[must_use]
    pub fn roles<S: Into<String>>(mut self, roles: impl IntoIterator<Item = S>) -> App {
        self.roles = roles.into_iter().map(Into::into).collect();
        self
    }

    /// The delegated permissions consented for it, which a request for
    /// `https://graph.microsoft.com/.default` on behalf of a user stands for. Named scopes are
    /// granted as asked (the user consents).
    #[must_use]
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> App {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }
}

impl Emulator {
    /// Registers `app` with the identity endpoint (replacing one with the same client id).
    pub fn register_app(&self, app: App) {
        let mut state = self.shared.identity.lock();
        state.apps.insert(app.client_id.clone(), app);
    }

    /// Switches identity on: the bearer check takes the access tokens the identity endpoint
    /// issued (verified: signature, `aud`, `exp`), besides the token of
    /// [`require_bearer`](Emulator::require_bearer); a request without one gets `401`. Off by
    /// default.
    pub fn require_signed_tokens(&self, on: bool) {
        self.shared.identity.lock().on = on;
    }

    /// Permission enforcement (off by default; needs [`require_signed_tokens`](Emulator::require_signed_tokens)):
    /// a Graph call whose method and path the built-in permissions index lists, made with a
    /// token whose `scp` or `roles` hold none of the permissions that grant it, answers `403`
    /// `Authorization_RequestDenied`. A call the index does not list passes. Over HTTP:
    /// `PUT /_emulator/permissions` with `{"enforce": true}`.
    pub fn enforce_permissions(&self, on: bool) {
        self.shared.identity.lock().enforce = on;
    }

    /// The `interval` and `expires_in` of the next device codes (defaults
    /// [`DEFAULT_DEVICE_CODE_INTERVAL`](crate::DEFAULT_DEVICE_CODE_INTERVAL),
    /// [`DEFAULT_DEVICE_CODE_LIFETIME`](crate::DEFAULT_DEVICE_CODE_LIFETIME)). The emulator
    /// measures them on Tokio's clock, so a test can pause and advance it.
    pub fn set_device_code_timing(&self, interval: Duration, lifetime: Duration) {
        let mut state = self.shared.identity.lock();
        state.interval = interval;
        state.device_lifetime = lifetime;
    }

    /// The next `times` device code polls (after a code's first, which answers as usual)
    /// answer `slow_down` whatever their pace, as the identity platform under load; after each, the code's interval is 5 s longer, and a poll
    /// sooner than that is answered `slow_down` too.
    pub fn demand_slower_polling(&self, times: u32) {
        self.shared.identity.lock().slow_downs = times;
    }

    /// Device codes are approved (by [`DEFAULT_USER_ID`]) when polled for the `nth` time (1:
    /// at the first poll); `None` (the default) leaves approval to
    /// [`approve_device_code`](Emulator::approve_device_code). For tests of a client that
    /// hands the user code to a prompt the test cannot reach.
    pub fn approve_device_codes_on_poll(&self, nth: Option<u32>) {
        self.shared.identity.lock().approve_on_poll = nth;
    }

    /// The user approves the device code whose `user_code` is given (as
    /// [`DEFAULT_USER_ID`]); `false` when no live code has it. Over
    /// HTTP: `POST /_emulator/device-approval` with `{"userCode": "…"}`.
    pub fn approve_device_code(&self, user_code: &str) -> bool {
        self.approve_device_code_as(user_code, DEFAULT_USER_ID)
    }

    /// As [`approve_device_code`](Emulator::approve_device_code), by the user whose object id
    /// is `oid`.
    pub fn approve_device_code_as(&self, user_code: &str, oid: &str) -> bool {
        let mut state = self.shared.identity.lock();
        let now = tokio::time::Instant::now();
        match state
            .device
            .iter_mut()
            .find(|g| g.user_code == user_code && g.expires > now)
        {
            Some(g) => {
                g.approved = Some(oid.to_owned());
                true
            }
            None => false,
        }
    }

    /// Browser sign-ins (`GET /{tenant}/oauth2/v2.0/authorize`) succeed from now on: the user
    /// [`DEFAULT_USER_ID`] signs in and consents, and the endpoint redirects with a code. Until
    /// this or [`refuse_sign_ins`](Emulator::refuse_sign_ins), it redirects with
    /// `error=interaction_required`. Over HTTP: `PUT /_emulator/sign-ins` with
    /// `{"approve": true}` (and `"userId": "…"` for another user).
    pub fn approve_sign_ins(&self) {
        self.approve_sign_ins_as(DEFAULT_USER_ID);
    }

    /// As [`approve_sign_ins`](Emulator::approve_sign_ins), by the user whose object id is `oid`.
    pub fn approve_sign_ins_as(&self, oid: &str) {
        self.shared.identity.lock().sign_ins = SignIns::Approve(oid.to_owned());
    }

    /// Browser sign-ins are declined from now on: the endpoint redirects with
    /// `error=access_denied` and the request's `state`. Over HTTP: `PUT /_emulator/sign-ins`
    /// with `{"approve": false}`.
    pub fn refuse_sign_ins(&self) {
        self.shared.identity.lock().sign_ins = SignIns::Refuse;
    }

    /// Starts a Continuous Access Evaluation challenge: every request whose token was not asked
    /// with the claims it names answers `401` with `WWW-Authenticate: Bearer …,
    /// error="insufficient_claims", claims="…"`; a token asked with those claims passes (with
    /// `stubborn`, it is challenged too, until [`clear_claims_challenge`](Emulator::clear_claims_challenge)).
    /// Returns the claims, decoded. Over HTTP: `POST /_emulator/claims-challenge` with
    /// `{"stubborn": false}`, `DELETE` to clear.
    pub fn challenge_claims(&self, stubborn: bool) -> String {
        let nbf = now_secs().to_string();
        let claims =
            format!(r#"{{"access_token":{{"nbf":{{"essential":true,"value":"{nbf}"}}}}}}"#);
        self.shared.identity.lock().challenge = Some(Challenge { nbf, stubborn });
        claims
    }

    /// Ends a claims challenge.
    pub fn clear_claims_challenge(&self) {
        self.shared.identity.lock().challenge = None;
    }
}

/// Answers the identity endpoint's admin routes (`/_emulator/{what}`), `None` for another route.
pub(crate) fn answer(
    shared: &crate::Shared,
    method: &Method,
    what: &str,
    body: Option<&Value>,
) -> Option<Reply> {
    let flag = |key: &str| body.and_then(|b| b[key].as_bool());
    Some(match (method.as_str(), what) {
        ("PUT", "permissions") => match flag("enforce") {
            Some(on) => {
                shared.identity.lock().enforce = on;
                Reply::no_content()
            }
            None => Reply::bad_request("Expected {\"enforce\": true|false}."),
        },
        ("POST", "device-approval") => {
            let code = body.and_then(|b| b["userCode"].as_str()).unwrap_or("");
            let mut state = shared.identity.lock();
            let now = tokio::time::Instant::now();
            match state
                .device
                .iter_mut()
                .find(|g| g.user_code == code && g.expires > now)
            {
                Some(g) => {
                    g.approved = Some(DEFAULT_USER_ID.to_owned());
                    Reply::no_content()
                }
                None => Reply::error(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFound",
                    "No live device code has that userCode.",
                ),
            }
        }
        ("PUT", "sign-ins") => match flag("approve") {
            Some(true) => {
                let oid = body
                    .and_then(|b| b["userId"].as_str())
                    .unwrap_or(DEFAULT_USER_ID);
                shared.identity.lock().sign_ins = SignIns::Approve(oid.to_owned());
                Reply::no_content()
            }
            Some(false) => {
                shared.identity.lock().sign_ins = SignIns::Refuse;
                Reply::no_content()
            }
            None => Reply::bad_request("Expected {\"approve\": true|false, \"userId\": \"…\"}."),
        },
        ("POST", "claims-challenge") => {
            let stubborn = flag("stubborn").unwrap_or(false);
            let nbf = now_secs().to_string();
            shared.identity.lock().challenge = Some(Challenge { nbf, stubborn });
            Reply::no_content()
        }
        ("DELETE", "claims-challenge") => {
            shared.identity.lock().challenge = None;
            Reply::no_content()
        }
        _ => return None,
    })
}
