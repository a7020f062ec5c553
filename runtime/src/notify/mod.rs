//! Change notifications (webhooks): the payload types, a receiver that verifies and types them,
//! and a manager that keeps subscriptions alive.
//!
//! - [`ChangeNotificationCollection`], [`ChangeNotification`] (its `resourceData` typed by your
//!   model), [`EncryptedContent`], [`LifecycleEvent`], [`Subscription`]: Graph's wire format.
//! - [`Receiver`]: `http::Request<Bytes>` in, `http::Response<Bytes>` out; the handshake,
//!   `clientState`, a fast `202`, and the notifications out through [`Notifications`].
//! - [`SubscriptionManager`]: create, renew before the resource's maximum lifetime, delete, and
//!   react to lifecycle events.
//! - Feature `notifications-rich`: `TokenVerifier` (`validationTokens`, JWT) and `Decryptor`
//!   (`encryptedContent`).
//! - Feature `notifications-axum`: `axum::router` and `axum::handler`.
//!
//! Inside the runtime this module sits in layer 9 (over a client); its files import only
//! `types` → `verify` → `receiver` → the rest.

#[cfg(feature = "notifications-axum")]
pub mod axum;
#[cfg(feature = "notifications-rich")]
mod decrypt;
#[cfg(feature = "notifications-rich")]
mod jwt;
mod manager;
mod receiver;
mod types;
mod verify;

#[cfg(feature = "notifications-rich")]
pub use decrypt::{DecryptError, Decryptor};
#[cfg(feature = "notifications-rich")]
pub use jwt::{GRAPH_CHANGE_TRACKING_APP_ID, KeySource, TokenVerifier};
pub use manager::{
    LifecycleOutcome, Subscription, SubscriptionManager, SubscriptionSpec, max_lifetime,
};
pub use receiver::{
    DEFAULT_CAPACITY, DEFAULT_MAX_BODY, DEFAULT_MAX_VALIDATION_TOKEN, Notifications, Receiver,
    ReceiverBuilder, Rejection, decode,
};
pub use types::{
    ChangeNotification, ChangeNotificationCollection, ChangeType, EncryptedContent, LifecycleEvent,
};
pub use verify::{TokenCheck, TokenError};
