//! Change notifications, the Graph side: subscriptions (`/subscriptions`), the validation
//! handshake, delivery of `changeNotificationCollection`s with redelivery, lifecycle events on
//! request, and rich notifications (encrypted resource data and signed `validationTokens`).
//!
//! - [`subscriptions`]: the subscription table and Graph's rules for a subscription's body.
//! - [`handshake`]: the one HTTP client that calls receivers (loopback only, no redirects,
//!   bounded answers) and the validation handshake.
//! - [`delivery`]: the bounded queue, the background worker and the redelivery schedule.
//! - [`lifecycle`]: lifecycle events (`reauthorizationRequired`, `subscriptionRemoved`, `missed`).
//! - [`rich`]: the encrypted content of rich notifications, the emulator's signing key, its
//!   JWKS and the `validationTokens`.
//! - [`routes`]: the HTTP endpoints; [`admin`]: the settings and controls on
//!   [`Emulator`](crate::Emulator).
//!
//! Every change to the store is journaled by the [`Store`] and turned into deliveries here, when
//! the store's lock is released ([`Notifier::on_changes`]), whatever route made it.

mod admin;
mod delivery;
mod handshake;
mod lifecycle;
pub(crate) mod rich;
pub(crate) mod routes;
mod subscriptions;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

use crate::store::{Change, ChangeKind, Store};

pub use lifecycle::{LifecycleError, LifecycleEvent};
pub use rich::SIGNING_KEY_ID;

pub(crate) use delivery::worker;

/// The tenant id the emulator writes into notifications and `validationTokens` unless
/// [`Emulator::set_tenant_id`](crate::Emulator::set_tenant_id) changes it. A fixed, made-up GUID.
pub const DEFAULT_TENANT_ID: &str = "6f1d3c2a-8b4e-4f7a-9c1d-2e3f4a5b6c7d";

/// The app (client) id that `validationTokens` are issued to (their `aud`) unless
/// [`Emulator::set_app_id`](crate::Emulator::set_app_id) or the subscription's
/// `notificationUrlAppId` says otherwise. A fixed, made-up GUID.
pub const DEFAULT_APP_ID: &str = "3e9a7b5c-1d2f-4a6b-8c0d-9e8f7a6b5c4d";

/// Graph's change-tracking app id, the authorized party (`azp`) of every `validationToken`.
pub const CHANGE_TRACKING_APP_ID: &str = "0bf30f3b-4a52-48df-9a82-234910c4a086";

/// How long the emulator waits for a receiver's answer, to the validation handshake or to a
/// delivery: 10 s, Graph's limit for the handshake
/// ([`Emulator::set_callback_timeout`](crate::Emulator::set_callback_timeout)).
pub const DEFAULT_CALLBACK_TIMEOUT: Duration = Duration::from_secs(10);

/// The waits before each redelivery of a notification the receiver did not take (no 2xx): 1, 2,
/// 4 and 8 seconds, then the notification is dropped and counted. Graph's own schedule spans
/// hours ([`Emulator::set_redelivery_schedule`](crate::Emulator::set_redelivery_schedule)).
pub const DEFAULT_REDELIVERY_SCHEDULE: [Duration; 4] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
    Duration::from_secs(8),
];

/// The most subscriptions the emulator holds at once (more: 403)
/// ([`Emulator::set_max_subscriptions`](crate::Emulator::set_max_subscriptions)).
pub const DEFAULT_MAX_SUBSCRIPTIONS: usize = 1000;

/// How many notifications wait for delivery at most; past that new ones are dropped and counted
/// in [`DeliveryStats::dropped`].
pub const DELIVERY_QUEUE_CAPACITY: usize = 1024;

/// Counts of the emulator's deliveries ([`Emulator::delivery_stats`](crate::Emulator::delivery_stats)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryStats {
    /// Notifications (change or lifecycle) a receiver took with a 2xx.
    pub delivered: u64,
    /// Attempts a receiver did not take (an answer other than 2xx, no answer in time, or no
    /// connection); each is followed by a redelivery while the schedule lasts.
    pub failed_attempts: u64,
    /// Notifications given up on: the redelivery schedule ran out, the subscription expired or
    /// was deleted before they got through, or the queue was full.
    pub dropped: u64,
}

/// The settings of change notifications.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) tenant_id: String,
    pub(crate) app_id: String,
    pub(crate) callback_timeout: Duration,
    pub(crate) schedule: Vec<Duration>,
    pub(crate) max_subscriptions: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            tenant_id: DEFAULT_TENANT_ID.to_owned(),
            app_id: DEFAULT_APP_ID.to_owned(),
            callback_timeout: DEFAULT_CALLBACK_TIMEOUT,
            schedule: DEFAULT_REDELIVERY_SCHEDULE.to_vec(),
            max_subscriptions: DEFAULT_MAX_SUBSCRIPTIONS,
        }
    }
}

#[derive(Default)]
struct Counters {
    delivered: AtomicU64,
    failed_attempts: AtomicU64,
    dropped: AtomicU64,
}

/// The notification side of one emulator.
pub(crate) struct Notifier {
    subscriptions: Mutex<subscriptions::Table>,
    settings: Mutex<Settings>,
    queue: mpsc::Sender<delivery::Job>,
    counters: Counters,
    http: handshake::Callbacks,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Notifier {
    /// A notifier and the receiving end of its delivery queue (for [`worker`]).
    pub(crate) fn new() -> (Notifier, mpsc::Receiver<delivery::Job>) {
        let (queue, rx) = mpsc::channel(DELIVERY_QUEUE_CAPACITY);
        let notifier = Notifier {
            subscriptions: Mutex::new(subscriptions::Table::default()),
            settings: Mutex::new(Settings::default()),
            queue,
            counters: Counters::default(),
            http: handshake::Callbacks::new(),
        };
        (notifier, rx)
    }

    pub(crate) fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub(crate) fn lock_settings(&self) -> MutexGuard<'_, Settings> {
        lock(&self.settings)
    }

    fn lock_subscriptions(&self) -> MutexGuard<'_, subscriptions::Table> {
        lock(&self.subscriptions)
    }

    pub(crate) fn stats(&self) -> DeliveryStats {
        DeliveryStats {
            delivered: self.counters.delivered.load(Ordering::Relaxed),
            failed_attempts: self.counters.failed_attempts.load(Ordering::Relaxed),
            dropped: self.counters.dropped.load(Ordering::Relaxed),
        }
    }

    fn count_dropped(&self) {
        self.counters.dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// Queues `job` without waiting; a full queue drops it (counted).
    fn enqueue(&self, job: delivery::Job) -> bool {
        let queued = self.queue.try_send(job).is_ok();
        if !queued {
            self.count_dropped();
        }
        queued
    }

    /// Turns the store's journal into deliveries: one notification per change and matching
    /// subscription. Runs with the store locked (the lock order is store, then subscriptions), so
    /// it only snapshots and queues; the worker does the HTTP and the crypto.
    pub(crate) fn on_changes(&self, store: &Store, changes: Vec<Change>) {
        let now = subscriptions::now_nanos();
        let table = self.lock_subscriptions();
        if table.is_empty() {
            return;
        }
        let settings = self.settings();
        let mut jobs = Vec::new();
        for change in &changes {
            let mut path = change.collection.clone();
            path.push(change.id.clone());
            for sub in table.matching(&path, change.kind, now) {
                let entity = store.entity(&change.collection, &change.id);
                let resource_data = resource_data(store, change, entity);
                let content = (sub.rich.is_some() && change.kind != ChangeKind::Deleted)
                    .then(|| entity.cloned())
                    .flatten();
                jobs.push(delivery::Job::change(
                    sub,
                    &settings,
                    change.kind,
                    path.join("/"),
                    resource_data,
                    content,
                ));
            }
        }
        drop(table);
        for job in jobs {
            self.enqueue(job);
        }
    }
}

/// `resourceData` of a change: `@odata.type`, `@odata.id`, `@odata.etag` (not for a deletion)
/// and `id`.
fn resource_data(store: &Store, change: &Change, entity: Option<&Value>) -> Value {
    let mut path = change.collection.clone();
    path.push(change.id.clone());
    let mut data = serde_json::Map::new();
    let odata_type = entity
        .and_then(|e| e.get("@odata.type"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| graph_type(&change.collection));
    if let Some(t) = odata_type {
        data.insert("@odata.type".into(), Value::String(t));
    }
    data.insert("@odata.id".into(), Value::String(path.join("/")));
    if change.kind != ChangeKind::Deleted
        && let Some(etag) = store.etag(&change.collection, &change.id)
    {
        data.insert("@odata.etag".into(), Value::String(etag));
    }
    data.insert("id".into(), Value::String(change.id.clone()));
    Value::Object(data)
}

/// `#microsoft.graph.todoTask` for a collection of Graph's v1.0 schema, if it is one.
fn graph_type(collection: &[String]) -> Option<String> {
    let md = graph_odata_metadata::Metadata::graph_v1_0().ok()?;
    match md.resolve_path(collection).ok()?.target {
        graph_odata_metadata::Target::Collection(t) => Some(format!("#{t}")),
        _ => None,
    }
}
