//! How a confidential app proves who it is at the token endpoint: its client secret, or a JWT
//! client assertion signed by the key of its certificate. The app-only flows and on-behalf-of
//! share it.

use std::fmt;
use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha1::{Digest, Sha1};
use x509_cert::Certificate;
use x509_cert::der::{DecodePem, Encode};

use super::Authority;
use crate::auth::Secret;
use crate::{Error, ErrorKind};

/// The `client_assertion_type` of a JWT client assertion.
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long a client assertion is valid: 10 minutes.
const ASSERTION_LIFETIME_SECS: u64 = 600;

/// A confidential app's credential.
pub(crate) enum ClientAuth {
    /// A client secret, sent as `client_secret`.
    Secret(Secret),
    /// A certificate's RSA key and the certificate's SHA-1 thumbprint (`x5t`, base64url):
    /// each request carries a fresh client assertion.
    Certificate {
        key: jsonwebtoken::EncodingKey,
        x5t: String,
    },
}

impl fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientAuth::Secret(_) => f.write_str("Secret(** redacted **)"),
            ClientAuth::Certificate { x5t, .. } => f
                .debug_struct("Certificate")
                .field("x5t", x5t)
                .field("key", &crate::redact::REDACTED)
                .finish(),
        }
    }
}

impl ClientAuth {
    /// A certificate (PEM, `-----BEGIN CERTIFICATE-----`) and its RSA private key (PEM,
    /// PKCS #8 or PKCS #1).
    ///
    /// # Errors
    /// [`ErrorKind::Build`] when the certificate or the key does not parse (the message never
    /// quotes the key).
    pub(crate) fn certificate(
        certificate_pem: &str,
        private_key_pem: &str,
    ) -> Result<ClientAuth, Error> {
        let der = Certificate::from_pem(certificate_pem.trim())
            .and_then(|c| c.to_der())
            .map_err(|_| Error::build("the client certificate is not a PEM X.509 certificate"))?;
        let key =
            jsonwebtoken::EncodingKey::from_rsa_pem(private_key_pem.as_bytes()).map_err(|_| {
                Error::build("the client certificate's key is not a PEM RSA private key")
            })?;
        Ok(ClientAuth::Certificate {
            key,
            x5t: URL_SAFE_NO_PAD.encode(Sha1::digest(&der)),
        })
    }

    /// The form parameters that authenticate `client_id` at `authority`'s token endpoint:
    /// `client_secret`, or `client_assertion_type` and a fresh `client_assertion` (RS256, `x5t`,
    /// `aud` the token endpoint, `iss` = `sub` = the client id, a 10-minute `exp`, a random
    /// `jti`).
    pub(crate) fn params(
        &self,
        authority: &Authority,
        client_id: &str,
    ) -> Result<Vec<(&'static str, String)>, Error> {
        match self {
            ClientAuth::Secret(secret) => Ok(vec![("client_secret", secret.expose().to_owned())]),
            ClientAuth::Certificate { key, x5t } => {
                let now = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let claims = serde_json::json!({
                    "aud": authority.token_url().as_str(),
                    "iss": client_id,
                    "sub": client_id,
                    "jti": uuid::Uuid::new_v4().to_string(),
                    "nbf": now,
                    "iat": now,
                    "exp": now + ASSERTION_LIFETIME_SECS,
                });
                let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
                header.x5t = Some(x5t.clone());
                let assertion = jsonwebtoken::encode(&header, &claims, key).map_err(|e| {
                    Error::kinded(
                        ErrorKind::Auth,
                        format!("cannot sign the client assertion: {e}"),
                    )
                })?;
                Ok(vec![
                    ("client_assertion_type", JWT_BEARER.to_owned()),
                    ("client_assertion", assertion),
                ])
            }
        }
    }
}
