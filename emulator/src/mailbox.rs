//! Per-mailbox concurrency, as Outlook and To Do enforce it on Graph: more than N requests at once
//! on one mailbox's mail, calendar, contacts or To Do paths answer `429 ApplicationThrottled`
//! with `Retry-After`; inside a `$batch` the items that run at once (those without `dependsOn`)
//! count the same way. Off by default; [`Emulator::set_mailbox_limit`] or the admin route
//! `PUT /_emulator/mailbox-limit` turn it on. Paths are classified by the client's own rules
//! ([`graph_odata_runtime::policy::classify`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use graph_odata_runtime::policy::{Workload, classify};
use http::StatusCode;

use crate::routes::Reply;
use crate::{Emulator, Shared, lock};

/// The per-mailbox limit the emulator plays ([`Emulator::set_mailbox_limit`]).
///
/// ```
/// use std::time::Duration;
/// use graph_odata_emulator::MailboxLimit;
/// let graph_like = MailboxLimit::new(4).hold(Duration::from_millis(50)).retry_after(Duration::from_secs(1));
/// # let _ = graph_like;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct MailboxLimit {
    pub(crate) concurrent: usize,
    pub(crate) hold: Duration,
    pub(crate) retry_after: Duration,
}

impl MailboxLimit {
    /// At most `concurrent` (at least 1) requests at once per mailbox; each one is held for 20 ms
    /// (so requests sent together overlap) and a refusal asks to come back after 1 s.
    pub fn new(concurrent: usize) -> MailboxLimit {
        MailboxLimit {
            concurrent: concurrent.max(1),
            hold: Duration::from_millis(20),
            retry_after: Duration::from_secs(1),
        }
    }

    /// How long the emulator takes to answer each mailbox request (default 20 ms, at most 60 s).
    pub fn hold(mut self, hold: Duration) -> MailboxLimit {
        self.hold = hold.min(Duration::from_secs(60));
        self
    }

    /// The `Retry-After` of a refusal (default 1 s, sent in seconds, decimals when needed; at
    /// most 60 s).
    pub fn retry_after(mut self, wait: Duration) -> MailboxLimit {
        self.retry_after = wait.min(Duration::from_secs(60));
        self
    }
}

/// What the emulator saw per mailbox since the limit was set ([`Emulator::mailbox_counts`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MailboxCounts {
    /// The most requests (and `$batch` items) one mailbox had at once.
    pub max_in_flight: BTreeMap<String, usize>,
    /// Requests and items served, per mailbox.
    pub served: BTreeMap<String, u64>,
    /// Requests and items answered `429`, per mailbox.
    pub throttled: BTreeMap<String, u64>,
}

impl MailboxCounts {
    /// Every mailbox's `429`s, added up.
    pub fn total_throttled(&self) -> u64 {
        self.throttled.values().sum()
    }

    /// The most requests any mailbox had at once.
    pub fn max_concurrent(&self) -> usize {
        self.max_in_flight.values().copied().max().unwrap_or(0)
    }
}

/// The limit and the requests in flight per mailbox.
#[derive(Debug, Default)]
pub(crate) struct Mailboxes {
    limit: Option<MailboxLimit>,
    in_flight: HashMap<String, usize>,
    counts: MailboxCounts,
}

impl Mailboxes {
    fn refuse(&mut self, mailbox: &str, limit: MailboxLimit) -> Reply {
        *self.counts.throttled.entry(mailbox.to_owned()).or_default() += 1;
        let secs = limit.retry_after.as_secs_f64();
        let ra = match limit.retry_after.subsec_millis() {
            0 => format!("{}", limit.retry_after.as_secs()),
            _ => format!("{secs:.3}"),
        };
        Reply::error(
            StatusCode::TOO_MANY_REQUESTS,
            "ApplicationThrottled",
            "Application is over its MailboxConcurrency limit.",
        )
        .header("Retry-After", &ra)
    }

    fn admit(&mut self, mailbox: &str, extra: usize) {
        let n = self.in_flight.entry(mailbox.to_owned()).or_default();
        *n += 1;
        let now = *n + extra;
        let max = self
            .counts
            .max_in_flight
            .entry(mailbox.to_owned())
            .or_default();
        *max = (*max).max(now);
        *self.counts.served.entry(mailbox.to_owned()).or_default() += 1;
    }
}

/// The mailbox of an Outlook or To Do path with its version (`/v1.0/me/todo/lists`).
fn mailbox_of(path: &str) -> Option<String> {
    let below = path.trim_start_matches('/');
    let below = below
        .strip_prefix("v1.0/")
        .or_else(|| below.strip_prefix("beta/"))
        .unwrap_or(below);
    let c = classify(below);
    (c.workload == Workload::Outlook)
        .then_some(c.mailbox)
        .flatten()
}

/// A request counted against its mailbox until dropped.
pub(crate) struct InFlight {
    shared: Arc<Shared>,
    mailbox: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut m = lock(&self.shared.mailboxes);
        if let Some(n) = m.in_flight.get_mut(&self.mailbox) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.in_flight.remove(&self.mailbox);
            }
        }
    }
}

/// Counts an HTTP request against its mailbox and holds it for the limit's service time, or
/// answers the refusal. `Ok(None)`: not a mailbox request, or the limit is off.
pub(crate) async fn enter(shared: &Arc<Shared>, path: &str) -> Result<Option<InFlight>, Reply> {
    let Some(mailbox) = mailbox_of(path) else {
        return Ok(None);
    };
    let hold = {
        let mut m = lock(&shared.mailboxes);
        let Some(limit) = m.limit else {
            return Ok(None);
        };
        if m.in_flight.get(&mailbox).copied().unwrap_or(0) >= limit.concurrent {
            return Err(m.refuse(&mailbox, limit));
        }
        m.admit(&mailbox, 0);
        limit.hold
    };
    let guard = InFlight {
        shared: Arc::clone(shared),
        mailbox,
    };
    tokio::time::sleep(hold).await;
    Ok(Some(guard))
}

/// The refusal of a `$batch` item past its mailbox's limit: `running` counts the items of this
/// batch already running at once per mailbox (those without `dependsOn`), on top of the HTTP
/// requests in flight; an item with `dependsOn` counts only the HTTP requests.
pub(crate) fn batch_item(
    shared: &Shared,
    path: &str,
    independent: bool,
    running: &mut HashMap<String, usize>,
) -> Option<Reply> {
    let mailbox = mailbox_of(path)?;
    let mut m = lock(&shared.mailboxes);
    let limit = m.limit?;
    let already = running.get(&mailbox).copied().unwrap_or(0);
    // An item with `dependsOn` runs after its dependencies, not at once with the others.
    let now =
        m.in_flight.get(&mailbox).copied().unwrap_or(0) + if independent { already } else { 0 };
    if now >= limit.concurrent {
        return Some(m.refuse(&mailbox, limit));
    }
    if independent {
        running.insert(mailbox.clone(), already + 1);
    }
    // Counted as served, its concurrency measured with the batch's other items; the item itself
    // runs inside the batch's HTTP request.
    *m.counts.served.entry(mailbox.clone()).or_default() += 1;
    let max = m.counts.max_in_flight.entry(mailbox).or_default();
    *max = (*max).max(now + 1);
    None
}

impl Emulator {
    /// Plays Outlook's per-mailbox concurrency limit: `None` (the default) turns it off. Setting
    /// it also resets [`mailbox_counts`](Emulator::mailbox_counts). Over HTTP: `PUT
    /// /_emulator/mailbox-limit` with `{"concurrent": 4, "holdMs": 20, "retryAfterMs": 1000}`
    /// (`concurrent` 0: off), and `GET /_emulator/mailbox-limit` for the counts.
    pub fn set_mailbox_limit(&self, limit: Option<MailboxLimit>) {
        set(&self.shared, limit);
    }

    /// What the per-mailbox limit saw since it was set.
    pub fn mailbox_counts(&self) -> MailboxCounts {
        lock(&self.shared.mailboxes).counts.clone()
    }
}

pub(crate) fn set(shared: &Shared, limit: Option<MailboxLimit>) {
    let mut m = lock(&shared.mailboxes);
    m.limit = limit;
    m.counts = MailboxCounts::default();
}

pub(crate) fn counts_json(shared: &Shared) -> serde_json::Value {
    let m = lock(&shared.mailboxes);
    serde_json::json!({
        "concurrent": m.limit.map(|l| l.concurrent),
        "maxInFlight": m.counts.max_in_flight,
        "served": m.counts.served,
        "throttled": m.counts.throttled,
    })
}
