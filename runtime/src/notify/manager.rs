//! The subscription manager: create, renew before the resource's maximum lifetime, delete, and
//! react to lifecycle events.
//!
//! Renewal times are kept on tokio's clock ([`tokio::time::Instant`]), so tests drive them with a
//! paused clock; the `expirationDateTime` sent to Graph is the wall clock plus the same lifetime.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::types::{ChangeNotification, LifecycleEvent};
use crate::delta::Delta;
use crate::edm::DateTimeOffset;
use crate::path::encode_segment;
use crate::{Client, Error, Page, Request};

/// `microsoft.graph.subscription`, the members a client sends and reads. `Debug` hides
/// `clientState` and the certificate.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// The subscription's id (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The resource watched, relative to the service root (`me/todo/lists/{id}/tasks`).
    pub resource: String,
    /// `created`, `updated`, `deleted`, comma-separated.
    pub change_type: String,
    /// Where notifications are posted.
    pub notification_url: String,
    /// Where lifecycle notifications are posted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_notification_url: Option<String>,
    /// When the subscription expires (ISO 8601, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date_time: Option<String>,
    /// The secret echoed in every notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_state: Option<String>,
    /// Whether notifications carry the resource, encrypted (`encryptedContent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_resource_data: Option<bool>,
    /// Base64 of the DER certificate whose public key encrypts the resource data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_certificate: Option<String>,
    /// The app's id for that certificate, echoed as `encryptionCertificateId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_certificate_id: Option<String>,
    /// The lowest TLS version the notification endpoint supports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_supported_tls_version: Option<String>,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| crate::redact::REDACTED);
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("resource", &self.resource)
            .field("change_type", &self.change_type)
            .field("notification_url", &self.notification_url)
            .field(
                "lifecycle_notification_url",
                &self.lifecycle_notification_url,
            )
            .field("expiration_date_time", &self.expiration_date_time)
            .field("client_state", &hidden(&self.client_state))
            .field("include_resource_data", &self.include_resource_data)
            .field(
                "encryption_certificate",
                &hidden(&self.encryption_certificate),
            )
            .field("encryption_certificate_id", &self.encryption_certificate_id)
            .finish_non_exhaustive()
    }
}

/// What to subscribe to: a [`Subscription`] without id and expiration, and an optional lifetime
/// (by default the resource's maximum, [`max_lifetime`]).
#[derive(Debug, Clone)]
pub struct SubscriptionSpec {
    /// The subscription sent (its `expirationDateTime` is set by the manager).
    pub subscription: Subscription,
    /// The lifetime asked for; `None` for the resource kind's maximum.
    pub lifetime: Option<Duration>,
}

impl SubscriptionSpec {
    /// A subscription to `change_type` (`"created,updated"`) on `resource`, posted to
    /// `notification_url`.
    pub fn new(
        resource: impl Into<String>,
        change_type: impl Into<String>,
        notification_url: impl Into<String>,
    ) -> Self {
        SubscriptionSpec {
            subscription: Subscription {
                resource: resource.into(),
                change_type: change_type.into(),
                notification_url: notification_url.into(),
                ..Subscription::default()
            },
            lifetime: None,
        }
    }

    /// Sets `clientState`.
    pub fn client_state(mut self, state: impl Into<String>) -> Self {
        self.subscription.client_state = Some(state.into());
        self
    }

    /// Sets `lifecycleNotificationUrl`.
    pub fn lifecycle_url(mut self, url: impl Into<String>) -> Self {
        self.subscription.lifecycle_notification_url = Some(url.into());
        self
    }

    /// Asks for resource data, encrypted with `certificate_base64` (DER, base64), named `id`.
    pub fn resource_data(
        mut self,
        certificate_base64: impl Into<String>,
        id: impl Into<String>,
    ) -> Self {
        self.subscription.include_resource_data = Some(true);
        self.subscription.encryption_certificate = Some(certificate_base64.into());
        self.subscription.encryption_certificate_id = Some(id.into());
        self
    }

    /// Asks for `lifetime` instead of the resource kind's maximum (capped at that maximum).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = Some(lifetime);
        self
    }
}

const MINUTE: u64 = 60;

/// The longest lifetime Graph grants a subscription on `resource`, from the table of Graph's
/// subscription resource page (minutes): Outlook mail, events and contacts 10 080; users, groups
/// and other directory resources 41 760; OneDrive/SharePoint `driveItem` and lists 42 300; security
/// alerts 43 200; Teams resources 4 320 (1 440 with resource data), presence 60; To Do tasks, call
/// records and group conversations 4 230. Unknown resources get the smallest common value, 4 230
/// minutes. [`SubscriptionManager::lifetime_for`] overrides entries.
///
/// ```
/// use graph_odata_runtime::notify::max_lifetime;
/// assert_eq!(max_lifetime("me/todo/lists/L/tasks", false).as_secs(), 4_230 * 60);
/// assert_eq!(max_lifetime("me/messages", false).as_secs(), 10_080 * 60);
/// assert_eq!(max_lifetime("/users", false).as_secs(), 41_760 * 60);
/// assert_eq!(max_lifetime("communications/presences/abc", false).as_secs(), 60 * 60);
/// ```
pub fn max_lifetime(resource: &str, include_resource_data: bool) -> Duration {
    let r = resource.trim_start_matches('/').to_ascii_lowercase();
    let has = |needle: &str| r.contains(needle);
    let minutes = if has("presences") {
        60
    } else if has("callrecords") || has("conversations") || has("threads") || has("todo") {
        4230
    } else if has("chats") || has("teams") || has("channels") || has("onlinemeetings") {
        if include_resource_data { 1440 } else { 4320 }
    } else if has("security/alerts") {
        43200
    } else if has("drive") || has("/lists") && has("sites") {
        42300
    } else if has("messages") || has("events") || has("contacts") || has("mailfolders") {
        10080
    } else if r.starts_with("users")
        || r.starts_with("groups")
        || has("directory")
        || r.starts_with("contacts")
    {
        41760
    } else {
        4230
    };
    Duration::from_secs(minutes * MINUTE)
}

/// What [`SubscriptionManager::handle_lifecycle`] did with a lifecycle event.
#[derive(Debug)]
#[non_exhaustive]
pub enum LifecycleOutcome {
    /// `reauthorizationRequired`: the subscription was renewed.
    Renewed(Subscription),
    /// `subscriptionRemoved`: a new subscription replaces the removed one.
    Recreated {
        /// The id Graph removed.
        removed: String,
        /// Its replacement.
        subscription: Subscription,
    },
    /// `missed`: notifications were lost; read the changes with a delta query
    /// ([`LifecycleOutcome::catch_up`]).
    CatchUp {
        /// The subscription's resource.
        resource: String,
    },
    /// Not a lifecycle event, an unknown one, or a subscription this manager does not track.
    Ignored,
}

impl LifecycleOutcome {
    /// For [`CatchUp`](LifecycleOutcome::CatchUp): the first request of a delta round over the
    /// resource (`GET /{resource}/delta`); read it with [`Client::pages`] and keep the
    /// [`DeltaCursor`](crate::delta::DeltaCursor) for the next catch-up.
    pub fn catch_up<T: serde::de::DeserializeOwned>(&self) -> Option<Request<Page<Delta<T>>>> {
        match self {
            LifecycleOutcome::CatchUp { resource } => Some(Request::get(format!(
                "/{}/delta",
                resource.trim_matches('/')
            ))),
            _ => None,
        }
    }
}

/// Keeps subscriptions alive: creates them, renews each one before it expires, deletes them, and
/// handles lifecycle events. Cheap to clone; spawn [`run`](SubscriptionManager::run) to renew in
/// the background.
///
/// Each subscription is renewed at `renew_before` (default 10 minutes, at most half the
/// lifetime) before its expiration, for the same lifetime again.
#[derive(Clone)]
pub struct SubscriptionManager {
    inner: Arc<ManagerInner>,
}

struct ManagerInner {
    client: Client,
    renew_before: Duration,
    overrides: Mutex<Vec<(String, Duration)>>,
    tracked: Mutex<HashMap<String, Tracked>>,
    changed: tokio::sync::Notify,
}

struct Tracked {
    spec: SubscriptionSpec,
    lifetime: Duration,
    renew_at: Instant,
}

impl std::fmt::Debug for SubscriptionManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubscriptionManager")
            .field("renew_before", &self.inner.renew_before)
            .field("tracked", &self.ids())
            .finish_non_exhaustive()
    }
}

impl SubscriptionManager {
    /// A manager sending through `client`, renewing 10 minutes before expiration.
    pub fn new(client: Client) -> Self {
        Self::with_renew_before(client, Duration::from_secs(10 * MINUTE))
    }

    /// A manager renewing `renew_before` ahead of each expiration (at most half the lifetime).
    pub fn with_renew_before(client: Client, renew_before: Duration) -> Self {
        SubscriptionManager {
            inner: Arc::new(ManagerInner {
                client,
                renew_before,
                overrides: Mutex::new(Vec::new()),
                tracked: Mutex::new(HashMap::new()),
                changed: tokio::sync::Notify::new(),
            }),
        }
    }

    /// Overrides [`max_lifetime`] for resources whose path contains `resource_part`
    /// (case-insensitive); the latest override that matches wins.
    pub fn lifetime_for(&self, resource_part: impl Into<String>, lifetime: Duration) -> &Self {
        lock(&self.inner.overrides).push((resource_part.into().to_ascii_lowercase(), lifetime));
        self
    }

    /// The lifetime asked for on `spec`: its own (capped at the maximum) or the maximum.
    pub fn lifetime_of(&self, spec: &SubscriptionSpec) -> Duration {
        let resource = spec.subscription.resource.to_ascii_lowercase();
        let max = lock(&self.inner.overrides)
            .iter()
            .rev()
            .find(|(part, _)| resource.contains(part.as_str()))
            .map(|(_, d)| *d)
            .unwrap_or_else(|| {
                max_lifetime(
                    &resource,
                    spec.subscription.include_resource_data.unwrap_or(false),
                )
            });
        spec.lifetime.map_or(max, |asked| asked.min(max))
    }

    /// `POST /subscriptions`. Graph sends the validation handshake to the notification URL before
    /// it answers, so the receiver must already be listening. The subscription is then tracked.
    pub async fn create(&self, spec: SubscriptionSpec) -> Result<Subscription, Error> {
        let lifetime = self.lifetime_of(&spec);
        let mut body = spec.subscription.clone();
        body.id = None;
        body.expiration_date_time = Some(expiration_after(lifetime));
        let created: Subscription = self
            .inner
            .client
            .send(Request::post("/subscriptions", &body))
            .await?;
        let id = created
            .id
            .clone()
            .ok_or_else(|| Error::build("the created subscription has no `id`"))?;
        let renew_at = self.renew_at(lifetime);
        lock(&self.inner.tracked).insert(
            id,
            Tracked {
                spec,
                lifetime,
                renew_at,
            },
        );
        self.inner.changed.notify_one();
        Ok(created)
    }

    /// `PATCH /subscriptions/{id}` with a new `expirationDateTime` one lifetime from now.
    pub async fn renew(&self, id: &str) -> Result<Subscription, Error> {
        let lifetime = lock(&self.inner.tracked)
            .get(id)
            .map(|t| t.lifetime)
            .ok_or_else(|| Error::build(format!("subscription `{id}` is not tracked")))?;
        let patch = serde_json::json!({ "expirationDateTime": expiration_after(lifetime) });
        let renewed: Subscription = self
            .inner
            .client
            .send(Request::patch(
                format!("/subscriptions/{}", encode_segment(id)?),
                &patch,
            ))
            .await?;
        let renew_at = self.renew_at(lifetime);
        if let Some(t) = lock(&self.inner.tracked).get_mut(id) {
            t.renew_at = renew_at;
        }
        self.inner.changed.notify_one();
        Ok(renewed)
    }

    /// `DELETE /subscriptions/{id}`, and stops tracking it.
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        self.inner
            .client
            .send(Request::delete(format!(
                "/subscriptions/{}",
                encode_segment(id)?
            )))
            .await?;
        lock(&self.inner.tracked).remove(id);
        self.inner.changed.notify_one();
        Ok(())
    }

    /// The ids tracked, sorted.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = lock(&self.inner.tracked).keys().cloned().collect();
        ids.sort();
        ids
    }

    /// When the next renewal is due, if anything is tracked.
    pub fn next_renewal(&self) -> Option<Instant> {
        lock(&self.inner.tracked).values().map(|t| t.renew_at).min()
    }

    /// Renews every subscription that is due now; the ids with their outcome.
    pub async fn renew_due(&self) -> Vec<(String, Result<Subscription, Error>)> {
        let now = Instant::now();
        let mut due: Vec<String> = lock(&self.inner.tracked)
            .iter()
            .filter(|(_, t)| t.renew_at <= now)
            .map(|(id, _)| id.clone())
            .collect();
        due.sort();
        let mut out = Vec::with_capacity(due.len());
        for id in due {
            let result = self.renew(&id).await;
            out.push((id, result));
        }
        out
    }

    /// Renews each subscription when it is due, forever; spawn it. A failed renewal is logged
    /// (`tracing`, warn) and tried again after a minute; a subscription the service no longer
    /// has (`404`) stops being tracked.
    pub async fn run(self) {
        loop {
            let wake = self.next_renewal();
            let changed = self.inner.changed.notified();
            match wake {
                Some(at) => {
                    if tokio::time::timeout_at(at, changed).await.is_ok() {
                        continue;
                    }
                }
                None => {
                    changed.await;
                    continue;
                }
            }
            for (id, result) in self.renew_due().await {
                let Err(e) = result else { continue };
                if e.status() == Some(http::StatusCode::NOT_FOUND) {
                    tracing::warn!(subscription = %id, "the subscription is gone; no longer renewed");
                    lock(&self.inner.tracked).remove(&id);
                    continue;
                }
                tracing::warn!(subscription = %id, error = %e, "renewal failed; retrying in a minute");
                if let Some(t) = lock(&self.inner.tracked).get_mut(&id) {
                    t.renew_at = Instant::now() + Duration::from_secs(MINUTE);
                }
            }
        }
    }

    /// Acts on a lifecycle notification: `reauthorizationRequired` renews,
    /// `subscriptionRemoved` creates the subscription again, `missed` asks for a delta catch-up.
    pub async fn handle_lifecycle<T>(
        &self,
        notification: &ChangeNotification<T>,
    ) -> Result<LifecycleOutcome, Error> {
        let id = notification.subscription_id.as_str();
        let Some(event) = &notification.lifecycle_event else {
            return Ok(LifecycleOutcome::Ignored);
        };
        let spec = lock(&self.inner.tracked).get(id).map(|t| t.spec.clone());
        let Some(spec) = spec else {
            return Ok(LifecycleOutcome::Ignored);
        };
        match event {
            LifecycleEvent::ReauthorizationRequired => {
                Ok(LifecycleOutcome::Renewed(self.renew(id).await?))
            }
            LifecycleEvent::SubscriptionRemoved => {
                // The replacement first: if it fails, the spec stays tracked for another try.
                let subscription = self.create(spec).await?;
                lock(&self.inner.tracked).remove(id);
                self.inner.changed.notify_one();
                Ok(LifecycleOutcome::Recreated {
                    removed: id.to_owned(),
                    subscription,
                })
            }
            LifecycleEvent::Missed => Ok(LifecycleOutcome::CatchUp {
                resource: spec.subscription.resource,
            }),
            _ => Ok(LifecycleOutcome::Ignored),
        }
    }

    fn renew_at(&self, lifetime: Duration) -> Instant {
        let before = self.inner.renew_before.min(lifetime / 2);
        crate::limits::instant_after(lifetime - before)
    }
}

fn expiration_after(lifetime: Duration) -> String {
    let nanos = DateTimeOffset::now().unix_nanos() + lifetime.as_nanos() as i128;
    DateTimeOffset::from_unix_nanos(nanos).to_string()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
