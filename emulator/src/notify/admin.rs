//! The settings and controls of change notifications on [`Emulator`].

use std::time::Duration;

use serde_json::Value;

use super::subscriptions::now_nanos;
use super::{DeliveryStats, LifecycleError, LifecycleEvent};
use crate::Emulator;

impl Emulator {
    /// The tenant id written into notifications (`tenantId`) and `validationTokens` (`tid`, and
    /// `iss` as `https://sts.windows.net/{tenant}/`). Default [`DEFAULT_TENANT_ID`](crate::DEFAULT_TENANT_ID).
    pub fn set_tenant_id(&self, tenant_id: &str) {
        self.shared.notifier.lock_settings().tenant_id = tenant_id.to_owned();
    }

    /// The app (client) id `validationTokens` are issued to (`aud`), unless a subscription names
    /// its own `notificationUrlAppId`. Default [`DEFAULT_APP_ID`](crate::DEFAULT_APP_ID).
    pub fn set_app_id(&self, app_id: &str) {
        self.shared.notifier.lock_settings().app_id = app_id.to_owned();
    }

    /// How long the emulator waits for a receiver: the validation handshake (a slower one fails
    /// the subscription's creation with `400`) and each delivery attempt (a slower one counts as
    /// failed and is redelivered). Default [`DEFAULT_CALLBACK_TIMEOUT`](crate::DEFAULT_CALLBACK_TIMEOUT)
    /// (10 s, Graph's handshake limit).
    pub fn set_callback_timeout(&self, timeout: Duration) {
        self.shared.notifier.lock_settings().callback_timeout = timeout;
    }

    /// The waits before each redelivery of a notification the receiver did not take; after the
    /// last, it is dropped and counted in [`DeliveryStats::dropped`]. Default
    /// [`DEFAULT_REDELIVERY_SCHEDULE`](crate::DEFAULT_REDELIVERY_SCHEDULE) (1, 2, 4, 8 s); an
    /// empty schedule tries once.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    /// let emu = graph_odata_emulator::Emulator::start().await?;
    /// emu.set_redelivery_schedule([Duration::from_millis(10), Duration::from_millis(20)]);
    /// # Ok(()) }
    /// ```
    pub fn set_redelivery_schedule(&self, waits: impl IntoIterator<Item = Duration>) {
        self.shared.notifier.lock_settings().schedule = waits.into_iter().collect();
    }

    /// The most subscriptions held at once; a `POST /subscriptions` past it gets `403`. Default
    /// [`DEFAULT_MAX_SUBSCRIPTIONS`](crate::DEFAULT_MAX_SUBSCRIPTIONS).
    pub fn set_max_subscriptions(&self, max: usize) {
        self.shared.notifier.lock_settings().max_subscriptions = max;
    }

    /// The live subscriptions, as `GET /subscriptions` answers them.
    pub fn subscriptions(&self) -> Vec<Value> {
        self.shared
            .notifier
            .lock_subscriptions()
            .list(now_nanos())
            .into_iter()
            .map(|s| s.to_json())
            .collect()
    }

    /// Sends `event` to the `lifecycleNotificationUrl` of the subscription `id` (in the
    /// background, with redelivery); `SubscriptionRemoved` also removes the subscription. The
    /// same as `POST /emulator/subscriptions/{id}/lifecycle` with `{"event": "missed"}`.
    pub fn send_lifecycle_event(
        &self,
        id: &str,
        event: LifecycleEvent,
    ) -> Result<(), LifecycleError> {
        self.shared.notifier.lifecycle(id, event)
    }

    /// How many notifications were delivered, failed an attempt, or were dropped.
    pub fn delivery_stats(&self) -> DeliveryStats {
        self.shared.notifier.stats()
    }

    /// `http://127.0.0.1:port/common/discovery/v2.0/keys`: the JWKS that verifies the
    /// `validationTokens` of rich notifications.
    pub fn jwks_url(&self) -> String {
        format!("{}/common/discovery/v2.0/keys", self.shared.base_url)
    }
}
