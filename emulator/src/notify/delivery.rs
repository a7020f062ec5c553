//! Delivery: notifications wait in a bounded queue; a background worker POSTs each to its
//! receiver, never on the task of the request that made the change. An answer other than 2xx
//! (or none in time) is retried after each wait of the redelivery schedule, then the
//! notification is dropped and counted. A change notification whose subscription expired or was
//! deleted meanwhile is dropped too.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};
use tokio::sync::{Semaphore, mpsc, watch};

use super::handshake::CallbackUrl;
use super::rich::{self, Recipient};
use super::subscriptions::{Subscription, now_nanos};
use super::{Notifier, Settings};
use crate::Shared;
use crate::store::ChangeKind;

/// How many deliveries (with their redeliveries) run at once; the rest wait in the queue.
const IN_FLIGHT: usize = 64;

/// One notification to deliver.
pub(crate) struct Job {
    subscription_id: String,
    url: CallbackUrl,
    /// The `changeNotification`, without `encryptedContent`.
    notification: Map<String, Value>,
    /// For a rich notification: who to encrypt for, what, and the tokens' tenant and audience.
    rich: Option<Rich>,
    /// Lifecycle notifications go out even after their subscription is gone.
    lifecycle: bool,
}

struct Rich {
    recipient: Recipient,
    content: Option<Value>,
    tenant_id: String,
    app_id: String,
}

fn rich_for(sub: &Subscription, settings: &Settings, content: Option<Value>) -> Option<Rich> {
    sub.rich.as_ref().map(|recipient| Rich {
        recipient: recipient.clone(),
        content,
        tenant_id: settings.tenant_id.clone(),
        app_id: recipient
            .app_id
            .clone()
            .unwrap_or_else(|| settings.app_id.clone()),
    })
}

/// The fields every notification of `sub` carries.
fn common(sub: &Subscription, tenant_id: &str) -> Map<String, Value> {
    let mut n = Map::new();
    n.insert("subscriptionId".into(), json!(sub.id));
    n.insert(
        "subscriptionExpirationDateTime".into(),
        json!(sub.expiration_text),
    );
    n.insert("clientState".into(), json!(sub.client_state));
    n.insert("tenantId".into(), json!(tenant_id));
    n
}

impl Job {
    /// A change notification for `sub`.
    pub(crate) fn change(
        sub: &Subscription,
        settings: &Settings,
        kind: ChangeKind,
        resource: String,
        resource_data: Value,
        content: Option<Value>,
    ) -> Job {
        let mut n = common(sub, &settings.tenant_id);
        n.insert("id".into(), json!(uuid::Uuid::new_v4().to_string()));
        let change_type = match kind {
            ChangeKind::Created => "created",
            ChangeKind::Updated => "updated",
            ChangeKind::Deleted => "deleted",
        };
        n.insert("changeType".into(), json!(change_type));
        n.insert("resource".into(), json!(resource));
        n.insert("resourceData".into(), resource_data);
        Job {
            subscription_id: sub.id.clone(),
            url: sub.notification_url.clone(),
            notification: n,
            rich: rich_for(sub, settings, content),
            lifecycle: false,
        }
    }

    /// A lifecycle notification for `sub`, to `url`.
    pub(crate) fn lifecycle(
        sub: &Subscription,
        settings: &Settings,
        url: CallbackUrl,
        event: &str,
    ) -> Job {
        let mut n = common(sub, &settings.tenant_id);
        n.insert("lifecycleEvent".into(), json!(event));
        n.insert("resource".into(), json!(sub.resource));
        Job {
            subscription_id: sub.id.clone(),
            url,
            notification: n,
            rich: rich_for(sub, settings, None),
            lifecycle: true,
        }
    }

    /// The `changeNotificationCollection` as bytes: encrypted content and a `validationTokens`
    /// entry for a rich notification.
    fn render(self) -> Result<(String, CallbackUrl, bool, Vec<u8>), String> {
        let mut notification = self.notification;
        let mut collection = Map::new();
        if let Some(rich) = self.rich {
            if let Some(content) = rich.content {
                let bytes = serde_json::to_vec(&content)
                    .map_err(|e| format!("cannot write the resource data: {e}"))?;
                notification.insert("encryptedContent".into(), rich.recipient.encrypt(&bytes)?);
            }
            let token = rich::validation_token(&rich.tenant_id, &rich.app_id)?;
            collection.insert("validationTokens".into(), json!([token]));
        }
        collection.insert("value".into(), json!([Value::Object(notification)]));
        let bytes = serde_json::to_vec(&Value::Object(collection))
            .map_err(|e| format!("cannot write the notification: {e}"))?;
        Ok((self.subscription_id, self.url, self.lifecycle, bytes))
    }
}

/// Takes notifications off the queue and delivers each on its own task, at most [`IN_FLIGHT`]
/// at once, until the emulator stops.
pub(crate) async fn worker(
    shared: Arc<Shared>,
    mut rx: mpsc::Receiver<Job>,
    mut shutdown: watch::Receiver<()>,
) {
    let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
    loop {
        let permit = tokio::select! {
            p = in_flight.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => return,
            },
            _ = shutdown.changed() => return,
        };
        let job = tokio::select! {
            j = rx.recv() => match j {
                Some(j) => j,
                None => return,
            },
            _ = shutdown.changed() => return,
        };
        let shared = shared.clone();
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = deliver(&shared.notifier, job) => {}
                _ = stop.changed() => {}
            }
            drop(permit);
        });
    }
}

/// Delivers one notification, with redeliveries on the schedule.
async fn deliver(notifier: &Notifier, job: Job) {
    let (subscription_id, url, lifecycle, body) = match job.render() {
        Ok(rendered) => rendered,
        Err(why) => {
            tracing::warn!("change notification not sent: {why}");
            notifier.count_dropped();
            return;
        }
    };
    let settings = notifier.settings();
    let mut waits = settings.schedule.iter();
    loop {
        let live = lifecycle
            || notifier
                .lock_subscriptions()
                .get(&subscription_id, now_nanos())
                .is_some();
        if !live {
            notifier.count_dropped();
            return;
        }
        match notifier
            .http
            .post_json(&url, body.clone(), settings.callback_timeout)
            .await
        {
            Ok(()) => {
                notifier.counters.delivered.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Err(why) => {
                notifier
                    .counters
                    .failed_attempts
                    .fetch_add(1, Ordering::Relaxed);
                tracing::debug!(subscription = %subscription_id, "notification not taken: {why}");
            }
        }
        match waits.next() {
            Some(wait) => tokio::time::sleep(*wait).await,
            None => {
                notifier.count_dropped();
                return;
            }
        }
    }
}
