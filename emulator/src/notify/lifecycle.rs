//! Lifecycle notifications on request: `reauthorizationRequired`, `subscriptionRemoved` (which
//! also removes the subscription, as Graph has) and `missed`, delivered to the subscription's
//! `lifecycleNotificationUrl` through the same queue and redelivery as change notifications.

use std::fmt;
use std::str::FromStr;

use super::Notifier;
use super::delivery::Job;
use super::subscriptions::now_nanos;

/// A lifecycle event Graph sends to a subscription's `lifecycleNotificationUrl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LifecycleEvent {
    /// The subscription needs reauthorizing (`POST /subscriptions/{id}/reauthorize`) or renewing.
    ReauthorizationRequired,
    /// Graph removed the subscription; the app should create it again. The emulator removes it.
    SubscriptionRemoved,
    /// Some change notifications were not delivered; the app should catch up (delta).
    Missed,
}

impl LifecycleEvent {
    /// The event's name on the wire: `reauthorizationRequired`, `subscriptionRemoved`, `missed`.
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleEvent::ReauthorizationRequired => "reauthorizationRequired",
            LifecycleEvent::SubscriptionRemoved => "subscriptionRemoved",
            LifecycleEvent::Missed => "missed",
        }
    }
}

impl fmt::Display for LifecycleEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LifecycleEvent {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "reauthorizationRequired" => Ok(LifecycleEvent::ReauthorizationRequired),
            "subscriptionRemoved" => Ok(LifecycleEvent::SubscriptionRemoved),
            "missed" => Ok(LifecycleEvent::Missed),
            other => Err(format!(
                "unknown lifecycle event `{other}`; use `reauthorizationRequired`, `subscriptionRemoved` or `missed`"
            )),
        }
    }
}

/// Why a lifecycle event could not be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LifecycleError {
    /// No live subscription has this id.
    UnknownSubscription,
    /// The subscription has no `lifecycleNotificationUrl`.
    NoLifecycleUrl,
    /// The delivery queue is full; the event was dropped (and counted).
    QueueFull,
}

impl fmt::Display for LifecycleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LifecycleError::UnknownSubscription => "no live subscription has this id",
            LifecycleError::NoLifecycleUrl => "the subscription has no lifecycleNotificationUrl",
            LifecycleError::QueueFull => "the delivery queue is full",
        })
    }
}

impl std::error::Error for LifecycleError {}

impl Notifier {
    /// Queues `event` for the subscription `id`.
    pub(crate) fn lifecycle(&self, id: &str, event: LifecycleEvent) -> Result<(), LifecycleError> {
        let settings = self.settings();
        let job = {
            let mut table = self.lock_subscriptions();
            let sub = table
                .get(id, now_nanos())
                .ok_or(LifecycleError::UnknownSubscription)?;
            let url = sub
                .lifecycle_url
                .clone()
                .ok_or(LifecycleError::NoLifecycleUrl)?;
            let job = Job::lifecycle(sub, &settings, url, event.as_str());
            if event == LifecycleEvent::SubscriptionRemoved {
                table.remove(id);
            }
            job
        };
        if self.enqueue(job) {
            Ok(())
        } else {
            Err(LifecycleError::QueueFull)
        }
    }
}
