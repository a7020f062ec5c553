//! The payloads Graph posts to a notification URL, with Graph's exact wire names.
//!
//! CSDL cannot describe a callback, so these are declared by hand; `tests/notifications_types.rs`
//! checks every wire name against the built-in schema's `microsoft.graph.changeNotification`,
//! `changeNotificationCollection`, `resourceData` and `changeNotificationEncryptedContent`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// What Graph posts to a notification URL: `{"value": [...], "validationTokens": [...]}`.
///
/// `T` is the type of each notification's `resourceData`, usually the user's own model (a struct
/// declared with `#[graph_entity]`); [`serde_json::Value`] keeps it untyped.
///
/// ```
/// use graph_odata_runtime::notify::{ChangeNotificationCollection, ChangeType};
/// # #[derive(serde::Deserialize)] struct TodoTask { id: Option<String> }
/// let body = br##"{"value":[{"subscriptionId":"7f1b","clientState":"s3cret","changeType":"created",
///   "resource":"me/todo/lists/L/tasks/T","tenantId":"84bd","subscriptionExpirationDateTime":"2026-12-08T10:00:00Z",
///   "resourceData":{"@odata.type":"#microsoft.graph.todoTask","id":"T"}}]}"##;
/// let batch: ChangeNotificationCollection<TodoTask> = serde_json::from_slice(body).unwrap();
/// assert_eq!(batch.value[0].change_type, Some(ChangeType::Created));
/// assert_eq!(batch.value[0].resource_data.as_ref().unwrap().id.as_deref(), Some("T"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: DeserializeOwned"))]
pub struct ChangeNotificationCollection<T = serde_json::Value> {
    /// The notifications (`value`).
    pub value: Vec<ChangeNotification<T>>,
    /// JWTs that prove the notifications with resource data come from Graph (`validationTokens`);
    /// sent only when some notification carries `encryptedContent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_tokens: Option<Vec<String>>,
}

/// One notification: a change to a subscribed resource, or a lifecycle event of the subscription.
///
/// `Debug` shows `clientState` as `** redacted **`: it is a shared secret.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: DeserializeOwned"))]
#[non_exhaustive]
pub struct ChangeNotification<T = serde_json::Value> {
    /// The notification's id (`id`), sent by Graph on some resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The subscription that produced it (`subscriptionId`).
    #[serde(default)]
    pub subscription_id: String,
    /// When the subscription expires (`subscriptionExpirationDateTime`), as Graph sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_expiration_date_time: Option<String>,
    /// The secret given when the subscription was created (`clientState`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_state: Option<String>,
    /// What happened (`changeType`); absent on lifecycle events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_type: Option<ChangeType>,
    /// The changed resource's path relative to the service root (`resource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The tenant the change happened in (`tenantId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// The changed resource's id, type and etag, typed by the user's model (`resourceData`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_data: Option<T>,
    /// The full resource, encrypted for the app (`encryptedContent`), on subscriptions that asked
    /// for resource data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_content: Option<EncryptedContent>,
    /// Set on lifecycle notifications (`lifecycleEvent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_event: Option<LifecycleEvent>,
}

impl<T> ChangeNotification<T> {
    /// A notification for `subscription_id` with every other member absent (for tests and
    /// emulators; Graph's own arrive through serde).
    pub fn new(subscription_id: impl Into<String>) -> Self {
        ChangeNotification {
            id: None,
            subscription_id: subscription_id.into(),
            subscription_expiration_date_time: None,
            client_state: None,
            change_type: None,
            resource: None,
            tenant_id: None,
            resource_data: None,
            encrypted_content: None,
            lifecycle_event: None,
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for ChangeNotification<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeNotification")
            .field("id", &self.id)
            .field("subscription_id", &self.subscription_id)
            .field(
                "subscription_expiration_date_time",
                &self.subscription_expiration_date_time,
            )
            .field(
                "client_state",
                &self.client_state.as_ref().map(|_| crate::redact::REDACTED),
            )
            .field("change_type", &self.change_type)
            .field("resource", &self.resource)
            .field("tenant_id", &self.tenant_id)
            .field("resource_data", &self.resource_data)
            .field("encrypted_content", &self.encrypted_content)
            .field("lifecycle_event", &self.lifecycle_event)
            .finish()
    }
}

/// `changeType`: what happened to the resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChangeType {
    /// `created`.
    Created,
    /// `updated`.
    Updated,
    /// `deleted`.
    Deleted,
    /// A value this version does not know, kept as sent.
    Other(String),
}

impl ChangeType {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            ChangeType::Created => "created",
            ChangeType::Updated => "updated",
            ChangeType::Deleted => "deleted",
            ChangeType::Other(other) => other,
        }
    }
}

impl Serialize for ChangeType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ChangeType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(WireStr(|text: &str| match text {
            "created" => ChangeType::Created,
            "updated" => ChangeType::Updated,
            "deleted" => ChangeType::Deleted,
            other => ChangeType::Other(other.to_owned()),
        }))
    }
}

/// `lifecycleEvent`: something happened to the subscription itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LifecycleEvent {
    /// `subscriptionRemoved`: Graph removed the subscription; create it again.
    SubscriptionRemoved,
    /// `reauthorizationRequired`: renew (or reauthorize) the subscription before it is removed.
    ReauthorizationRequired,
    /// `missed`: some notifications were not delivered; catch up with a delta query.
    Missed,
    /// A value this version does not know, kept as sent.
    Other(String),
}

impl LifecycleEvent {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            LifecycleEvent::SubscriptionRemoved => "subscriptionRemoved",
            LifecycleEvent::ReauthorizationRequired => "reauthorizationRequired",
            LifecycleEvent::Missed => "missed",
            LifecycleEvent::Other(other) => other,
        }
    }
}

impl Serialize for LifecycleEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LifecycleEvent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(WireStr(|text: &str| match text {
            "subscriptionRemoved" => LifecycleEvent::SubscriptionRemoved,
            "reauthorizationRequired" => LifecycleEvent::ReauthorizationRequired,
            "missed" => LifecycleEvent::Missed,
            other => LifecycleEvent::Other(other.to_owned()),
        }))
    }
}

/// `encryptedContent` (`microsoft.graph.changeNotificationEncryptedContent`): the resource,
/// encrypted with a symmetric key that is itself encrypted with the app's certificate.
///
/// Decrypt it with `notify::Decryptor` (feature `notifications-rich`). `Debug` shows only the
/// lengths of the encrypted members.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptedContent {
    /// Base64 of the AES-256-CBC ciphertext of the resource's JSON (`data`).
    pub data: String,
    /// Base64 of HMAC-SHA256 over the decoded `data`, keyed with the symmetric key (`dataSignature`).
    pub data_signature: String,
    /// Base64 of the symmetric key, RSA-OAEP encrypted with the certificate's public key (`dataKey`).
    pub data_key: String,
    /// The id the app gave its certificate when subscribing (`encryptionCertificateId`).
    pub encryption_certificate_id: String,
    /// The certificate's SHA-1 thumbprint, hex (`encryptionCertificateThumbprint`).
    pub encryption_certificate_thumbprint: String,
}

impl std::fmt::Debug for EncryptedContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptedContent")
            .field("data_len", &self.data.len())
            .field("data_signature_len", &self.data_signature.len())
            .field("data_key_len", &self.data_key.len())
            .field("encryption_certificate_id", &self.encryption_certificate_id)
            .field(
                "encryption_certificate_thumbprint",
                &self.encryption_certificate_thumbprint,
            )
            .finish()
    }
}

/// Reads a JSON string without allocating when it is one of the known values.
struct WireStr<F>(F);

impl<'de, T, F: FnOnce(&str) -> T> serde::de::Visitor<'de> for WireStr<F> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}
