//! Rich notifications: the resource data encrypted for the subscription's certificate
//! (`encryptedContent`), and the `validationTokens` signed by the emulator's key, whose JWKS the
//! emulator serves at `GET /common/discovery/v2.0/keys`.
//!
//! Graph's scheme, with RustCrypto crates: a fresh random 32-byte key; `dataKey` is that key
//! encrypted with RSA-OAEP (SHA-1, MGF1 with SHA-1) under the certificate's public key; `data` is
//! the resource's JSON encrypted with AES-256-CBC, PKCS#7 padding, the IV being the key's first
//! 16 bytes; `dataSignature` is HMAC-SHA256 of the encrypted bytes under the key. All three are
//! base64.
//!
//! The signing key (`signing-key.pem` beside this file) is public and for tests only: it was made
//! with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out signing-key.pem`, and
//! anyone can sign tokens with it. Tokens it signs are trusted only by code pointed at the
//! emulator's JWKS.

use std::sync::OnceLock;

use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::rand_core::{OsRng, RngCore};
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

use super::CHANGE_TRACKING_APP_ID;

/// The `kid` of the emulator's signing key, in every token's header and in the JWKS.
pub const SIGNING_KEY_ID: &str = "graph-odata-emulator-test-key-1";

/// How long a `validationToken` is valid: one hour, as Graph's.
const TOKEN_LIFETIME_SECS: u64 = 3600;

const SIGNING_KEY_PEM: &str = include_str!("signing-key.pem");

/// The signing key, parsed once: the private key as PKCS#1 DER for `jsonwebtoken`, and the public
/// key for the JWKS.
struct SigningKey {
    encoding: jsonwebtoken::EncodingKey,
    public: RsaPublicKey,
}

fn signing_key() -> Result<&'static SigningKey, String> {
    static KEY: OnceLock<Option<SigningKey>> = OnceLock::new();
    KEY.get_or_init(|| {
        let private = RsaPrivateKey::from_pkcs8_pem(SIGNING_KEY_PEM).ok()?;
        let der = private.to_pkcs1_der().ok()?;
        Some(SigningKey {
            encoding: jsonwebtoken::EncodingKey::from_rsa_der(der.as_bytes()),
            public: private.to_public_key(),
        })
    })
    .as_ref()
    .ok_or_else(|| "the emulator's built-in signing key does not parse (a packaging bug)".into())
}

/// The JWKS of the emulator's signing key: `{"keys": [{kty, use, kid, alg, n, e}]}`.
pub(crate) fn jwks() -> Result<Value, String> {
    let key = signing_key()?;
    Ok(json!({"keys": [{
        "kty": "RSA",
        "use": "sig",
        "kid": SIGNING_KEY_ID,
        "alg": "RS256",
        "n": URL_SAFE_NO_PAD.encode(key.public.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(key.public.e().to_bytes_be()),
    }]}))
}

/// A `validationToken`: an RS256 JWT with `iss` `https://sts.windows.net/{tenant}/`, `aud` the
/// app id, `azp` Graph's change-tracking app, `tid`, and `iat`/`nbf`/`exp` (one hour).
pub(crate) fn validation_token(tenant_id: &str, app_id: &str) -> Result<String, String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let claims = json!({
        "aud": app_id,
        "iss": format!("https://sts.windows.net/{tenant_id}/"),
        "iat": now,
        "nbf": now,
        "exp": now + TOKEN_LIFETIME_SECS,
        "azp": CHANGE_TRACKING_APP_ID,
        "azpacr": "2",
        "tid": tenant_id,
        "ver": "1.0",
    });
    sign(&claims)
}

/// `claims` as an RS256 JWT signed by the emulator's key (`kid` [`SIGNING_KEY_ID`]): the
/// `validationTokens` here and the access tokens of [`crate::identity`].
pub(crate) fn sign(claims: &Value) -> Result<String, String> {
    let key = signing_key()?;
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(SIGNING_KEY_ID.to_owned());
    jsonwebtoken::encode(&header, claims, &key.encoding)
        .map_err(|e| format!("cannot sign a token: {e}"))
}

/// The public half of the signing key, to verify the tokens [`sign`] made.
pub(crate) fn verifying_key() -> Result<jsonwebtoken::DecodingKey, String> {
    let key = signing_key()?;
    jsonwebtoken::DecodingKey::from_rsa_components(
        &URL_SAFE_NO_PAD.encode(key.public.n().to_bytes_be()),
        &URL_SAFE_NO_PAD.encode(key.public.e().to_bytes_be()),
    )
    .map_err(|e| format!("the emulator's signing key cannot verify: {e}"))
}

/// Who rich notifications are encrypted for: the subscription's certificate.
#[derive(Clone)]
pub(crate) struct Recipient {
    key: RsaPublicKey,
    certificate_id: String,
    thumbprint: String,
    /// `notificationUrlAppId`: the `aud` of the tokens, when the subscription names one.
    pub(crate) app_id: Option<String>,
}

impl Recipient {
    /// Reads `encryptionCertificate` (base64 DER X.509 with an RSA key).
    pub(crate) fn new(
        certificate: &str,
        certificate_id: &str,
        app_id: Option<String>,
    ) -> Result<Recipient, String> {
        let bad = |why: &str| {
            format!(
                "The property 'encryptionCertificate' must be a base64 DER X.509 certificate with an RSA key: {why}."
            )
        };
        let der = STANDARD
            .decode(certificate.trim())
            .map_err(|_| bad("it is not base64"))?;
        let cert = Certificate::from_der(&der).map_err(|_| bad("it is not a DER certificate"))?;
        let spki = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|_| bad("its public key cannot be read"))?;
        let key = RsaPublicKey::from_public_key_der(&spki)
            .map_err(|_| bad("its public key is not an RSA key"))?;
        let thumbprint = Sha1::digest(&der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        Ok(Recipient {
            key,
            certificate_id: certificate_id.to_owned(),
            thumbprint,
            app_id,
        })
    }

    /// `encryptedContent` for `content` (the resource's JSON).
    pub(crate) fn encrypt(&self, content: &[u8]) -> Result<Value, String> {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        let data_key = self
            .key
            .encrypt(&mut OsRng, Oaep::new::<Sha1>(), &key)
            .map_err(|e| format!("cannot encrypt the data key: {e}"))?;
        let (iv, _) = key.split_at(16);
        let data = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, iv)
            .map_err(|e| format!("cannot set up AES-256-CBC: {e}"))?
            .encrypt_padded_vec_mut::<Pkcs7>(content);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key)
            .map_err(|e| format!("cannot set up HMAC-SHA256: {e}"))?;
        mac.update(&data);
        let signature = mac.finalize().into_bytes();
        Ok(json!({
            "data": STANDARD.encode(&data),
            "dataSignature": STANDARD.encode(signature),
            "dataKey": STANDARD.encode(data_key),
            "encryptionCertificateId": self.certificate_id,
            "encryptionCertificateThumbprint": self.thumbprint,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signing_key_parses_and_signs() {
        let jwks = jwks().unwrap();
        assert_eq!(jwks["keys"][0]["kid"], SIGNING_KEY_ID);
        let token = validation_token("t", "a").unwrap();
        assert_eq!(token.split('.').count(), 3);
    }

    #[test]
    fn bad_certificates_are_refused_with_the_reason() {
        let e = Recipient::new("not base64!", "c", None).err().unwrap();
        assert!(e.contains("not base64"), "{e}");
        let e = Recipient::new(&STANDARD.encode(b"garbage"), "c", None)
            .err()
            .unwrap();
        assert!(e.contains("not a DER certificate"), "{e}");
    }
}
