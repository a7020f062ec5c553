//! Decryption of `encryptedContent` (feature `notifications-rich`), with `aws-lc-rs`:
//! the data key with the app's RSA private key (OAEP, SHA-1 and MGF1-SHA-1, as Graph uses), the
//! HMAC-SHA256 `dataSignature` checked (constant time) before anything is decrypted, then
//! AES-256-CBC with PKCS7 padding and the first 16 bytes of the key as IV.

use std::collections::HashMap;

use aws_lc_rs::cipher::{AES_256, DecryptionContext, PaddedBlockDecryptingKey, UnboundCipherKey};
use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OaepPrivateDecryptingKey, PrivateDecryptingKey};
use aws_lc_rs::{digest, hmac};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use serde::de::DeserializeOwned;

use super::types::EncryptedContent;

/// The app's decryption keys, by `encryptionCertificateId` (several, to rotate certificates).
///
/// ```no_run
/// use graph_odata_runtime::notify::{Decryptor, EncryptedContent};
/// # fn demo(content: &EncryptedContent) -> Result<(), graph_odata_runtime::notify::DecryptError> {
/// let decryptor = Decryptor::new()
///     .with_key_pem("cert-2026", &std::fs::read("key.pem").unwrap_or_default())?;
/// let task: serde_json::Value = decryptor.decrypt(content)?;
/// # let _ = task; Ok(()) }
/// ```
#[derive(Default)]
pub struct Decryptor {
    keys: HashMap<String, Entry>,
}

struct Entry {
    key: OaepPrivateDecryptingKey,
    thumbprint: Option<String>,
}

impl std::fmt::Debug for Decryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut ids: Vec<&String> = self.keys.keys().collect();
        ids.sort();
        f.debug_struct("Decryptor")
            .field("certificate_ids", &ids)
            .finish()
    }
}

impl Decryptor {
    /// A decryptor without keys.
    pub fn new() -> Self {
        Decryptor::default()
    }

    /// Adds the PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`) of certificate `id`.
    pub fn with_key_pem(
        self,
        id: impl Into<String>,
        pkcs8_pem: &[u8],
    ) -> Result<Self, DecryptError> {
        let der = PrivatePkcs8KeyDer::from_pem_slice(pkcs8_pem)
            .map_err(|_| DecryptError::Key("not a PKCS#8 PEM private key"))?;
        self.with_key_der(id, der.secret_pkcs8_der(), None)
    }

    /// Adds the key of certificate `id` together with its PEM certificate: notifications whose
    /// `encryptionCertificateThumbprint` is not this certificate's are refused.
    pub fn with_certificate_pem(
        self,
        id: impl Into<String>,
        pkcs8_pem: &[u8],
        certificate_pem: &[u8],
    ) -> Result<Self, DecryptError> {
        let der = PrivatePkcs8KeyDer::from_pem_slice(pkcs8_pem)
            .map_err(|_| DecryptError::Key("not a PKCS#8 PEM private key"))?;
        let cert = CertificateDer::from_pem_slice(certificate_pem)
            .map_err(|_| DecryptError::Key("not a PEM certificate"))?;
        let thumbprint =
            hex_upper(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &cert).as_ref());
        self.with_key_der(id, der.secret_pkcs8_der(), Some(thumbprint))
    }

    /// Adds a PKCS#8 DER private key for certificate `id`, with the certificate's SHA-1 thumbprint
    /// (hex) to check, if known.
    pub fn with_key_der(
        mut self,
        id: impl Into<String>,
        pkcs8_der: &[u8],
        thumbprint: Option<String>,
    ) -> Result<Self, DecryptError> {
        let key = PrivateDecryptingKey::from_pkcs8(pkcs8_der)
            .map_err(|_| DecryptError::Key("not an RSA private key"))?;
        let key = OaepPrivateDecryptingKey::new(key)
            .map_err(|_| DecryptError::Key("the RSA key cannot decrypt with OAEP"))?;
        self.keys.insert(id.into(), Entry { key, thumbprint });
        Ok(self)
    }

    /// The decrypted JSON of `content`, decoded into `U` (the user's model).
    pub fn decrypt<U: DeserializeOwned>(
        &self,
        content: &EncryptedContent,
    ) -> Result<U, DecryptError> {
        let plain = self.decrypt_bytes(content)?;
        let mut de = serde_json::Deserializer::from_slice(&plain);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| DecryptError::Json {
            path: e.path().to_string(),
            reason: e.into_inner().to_string(),
        })?;
        de.end().map_err(|e| DecryptError::Json {
            path: ".".to_owned(),
            reason: e.to_string(),
        })?;
        Ok(value)
    }

    /// The decrypted bytes of `content` (the resource's JSON).
    pub fn decrypt_bytes(&self, content: &EncryptedContent) -> Result<Vec<u8>, DecryptError> {
        let id = content.encryption_certificate_id.as_str();
        let entry = self
            .keys
            .get(id)
            .ok_or_else(|| DecryptError::UnknownCertificate(id.chars().take(80).collect()))?;
        if let Some(expected) = &entry.thumbprint
            && !expected.eq_ignore_ascii_case(&content.encryption_certificate_thumbprint)
        {
            return Err(DecryptError::Thumbprint);
        }
        let wrapped = b64(&content.data_key, "dataKey")?;
        let signature = b64(&content.data_signature, "dataSignature")?;
        let mut data = b64(&content.data, "data")?;

        let mut key_buf = vec![0u8; entry.key.min_output_size()];
        let key = entry
            .key
            .decrypt(&OAEP_SHA1_MGF1SHA1, &wrapped, &mut key_buf, None)
            .map_err(|_| DecryptError::DataKey)?;
        let key: [u8; 32] = (&*key).try_into().map_err(|_| DecryptError::DataKey)?;

        hmac::verify(&hmac::Key::new(hmac::HMAC_SHA256, &key), &data, &signature)
            .map_err(|_| DecryptError::Signature)?;

        let mut iv = [0u8; 16];
        iv.copy_from_slice(&key[..16]);
        let cipher = UnboundCipherKey::new(&AES_256, &key)
            .and_then(PaddedBlockDecryptingKey::cbc_pkcs7)
            .map_err(|_| DecryptError::Cipher)?;
        let plain_len = cipher
            .decrypt(&mut data, DecryptionContext::Iv128(iv.into()))
            .map_err(|_| DecryptError::Cipher)?
            .len();
        data.truncate(plain_len);
        Ok(data)
    }
}

/// Why `encryptedContent` could not be decrypted. Key material never appears in the message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecryptError {
    /// A key given to the decryptor could not be read.
    Key(&'static str),
    /// No key for this `encryptionCertificateId`.
    UnknownCertificate(String),
    /// `encryptionCertificateThumbprint` is not the certificate's.
    Thumbprint,
    /// A member is not base64 (its wire name).
    Base64(&'static str),
    /// `dataKey` does not decrypt with the certificate's key to a 32-byte key.
    DataKey,
    /// `dataSignature` does not match `data`: tampered, or not from Graph.
    Signature,
    /// `data` does not decrypt (AES-CBC or its padding).
    Cipher,
    /// The decrypted JSON does not fit the model.
    Json {
        /// The JSON path that failed.
        path: String,
        /// What was wrong there.
        reason: String,
    },
}

impl std::fmt::Display for DecryptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecryptError::Key(why) => write!(f, "decryption key refused: {why}"),
            DecryptError::UnknownCertificate(id) => {
                write!(f, "no decryption key for `encryptionCertificateId` `{id}`")
            }
            DecryptError::Thumbprint => {
                f.write_str("`encryptionCertificateThumbprint` is not the certificate's")
            }
            DecryptError::Base64(field) => write!(f, "`{field}` is not base64"),
            DecryptError::DataKey => {
                f.write_str("`dataKey` does not decrypt with the certificate's key")
            }
            DecryptError::Signature => f.write_str("`dataSignature` does not match `data`"),
            DecryptError::Cipher => f.write_str("`data` does not decrypt (AES-256-CBC, PKCS7)"),
            DecryptError::Json { path, reason } => {
                write!(
                    f,
                    "the decrypted resource does not fit at `{path}`: {reason}"
                )
            }
        }
    }
}

impl std::error::Error for DecryptError {}

fn b64(text: &str, field: &'static str) -> Result<Vec<u8>, DecryptError> {
    STANDARD
        .decode(text)
        .map_err(|_| DecryptError::Base64(field))
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}
