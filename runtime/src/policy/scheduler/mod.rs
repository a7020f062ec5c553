//! The workload-aware scheduler: per-mailbox concurrency for Outlook and To Do, and a throttled
//! partition that waits while the others keep going.

mod classify;
mod state;

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use http::StatusCode;
use tokio::time::Instant;
use url::Url;

#[cfg(test)]
use super::{BoxFuture, Policy};
use super::{Context, HttpRequest, HttpResponse, Next};
use crate::Error;
pub use classify::{Classified, Workload, classify};
use state::{Key, Partition, Shared};

/// Graph's documented limit of concurrent requests per mailbox for Outlook and To Do.
pub const MAILBOX_CONCURRENCY: usize = 4;

/// The longest a `Retry-After` holds a partition back (5 minutes); a longer one is cut to it.
pub const MAX_THROTTLE: Duration = Duration::from_secs(300);

/// Schedules a client's requests by workload ([`ClientBuilder::scheduler`](crate::ClientBuilder::scheduler)).
///
/// On by default, with a new scheduler per client. Each try is classified at run time by the
/// path of its final URL ([`classify`]) into a partition: the service root's origin, the tenant
/// (when given with [`Scheduler::tenant`]), the [`Workload`] and, for Outlook and To Do, the
/// mailbox (`me` or `users/{id-or-upn}`). Then:
///
/// - an Outlook or To Do partition has at most [`mailbox_concurrency`](Scheduler::mailbox_concurrency)
///   requests in flight (default [`MAILBOX_CONCURRENCY`], 4, Graph's limit); more wait their
///   turn, first come first served. Other workloads have no concurrency limit and form one
///   partition per origin and tenant (Graph throttles most of them per app and tenant);
/// - a `429` or `503` with `Retry-After` makes the later requests *of that partition* wait until
///   the time it names (at most [`MAX_THROTTLE`]); other partitions keep going;
/// - a `$batch` with Outlook or To Do items is sent in calls of at most the mailbox limit.
///
/// A wait is logged at `info` level (`throttled`) or `debug` level (`concurrency`) under the
/// `graph_odata::scheduler` target, with the workload, partition and wait.
/// [`snapshot`](Scheduler::snapshot) counts what is in flight, waiting and throttled.
///
/// Clients given clones of one scheduler share its partitions: their mailbox limits add up to
/// one, and a throttled mailbox holds back every client's requests to it.
///
/// ```
/// use graph_odata_runtime::{policy::Scheduler, Client};
/// let shared = Scheduler::new();
/// let contoso = Client::builder().scheduler(shared.tenant("contoso")).build()?;
/// let fabrikam = Client::builder().scheduler(shared.tenant("fabrikam")).build()?;
/// let unscheduled = Client::builder().scheduler(Scheduler::off()).build()?;
/// assert_eq!(shared.snapshot().in_flight(), 0);
/// # let _ = (contoso, fabrikam, unscheduled); Ok::<(), graph_odata_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct Scheduler {
    shared: Arc<Shared>,
    tenant: Option<Arc<str>>,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new()
    }
}

impl fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scheduler")
            .field("on", &self.shared.on)
            .field("mailbox_concurrency", &self.shared.mailbox)
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

impl Scheduler {
    /// A scheduler with the default limits (4 requests in flight per mailbox).
    pub fn new() -> Scheduler {
        Scheduler::with(true, MAILBOX_CONCURRENCY)
    }

    /// No scheduling: requests are sent as they come and a throttled answer holds back only its
    /// own call (through the retry policy).
    pub fn off() -> Scheduler {
        Scheduler::with(false, MAILBOX_CONCURRENCY)
    }

    fn with(on: bool, mailbox: usize) -> Scheduler {
        Scheduler {
            shared: Arc::new(Shared::new(on, mailbox)),
            tenant: None,
        }
    }

    /// A new scheduler allowing `n` (at least 1) requests in flight per mailbox. Set it before
    /// sharing the scheduler: the result does not share partitions with `self`.
    #[must_use]
    pub fn mailbox_concurrency(self, n: usize) -> Scheduler {
        Scheduler::with(self.shared.on, n.max(1))
    }

    /// The same scheduler (shared partitions and limits) for the clients of one tenant: their
    /// partitions are told apart from other tenants' on the same service.
    #[must_use]
    pub fn tenant(&self, tenant: impl Into<String>) -> Scheduler {
        let tenant: String = tenant.into();
        Scheduler {
            shared: Arc::clone(&self.shared),
            tenant: Some(crate::redact::printable(&tenant.to_lowercase(), 128).into()),
        }
    }

    /// The mailbox limit, `None` when the scheduler is off.
    pub fn get_mailbox_concurrency(&self) -> Option<usize> {
        self.shared.on.then_some(self.shared.mailbox)
    }

    /// What the scheduler is doing now, per workload.
    pub fn snapshot(&self) -> SchedulerStats {
        self.shared.snapshot()
    }

    pub(crate) fn policy(&self, root: &Url) -> Option<SchedulerPolicy> {
        self.shared.on.then(|| SchedulerPolicy {
            scheduler: self.clone(),
            root: root.clone(),
            root_prefix: root.as_str().trim_end_matches('/').into(),
            origin: root.origin().ascii_serialization().into(),
            home: OnceLock::new(),
        })
    }
}

/// A [`Scheduler`]'s counts, from [`Scheduler::snapshot`] or
/// [`Client::scheduler_stats`](crate::Client::scheduler_stats).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchedulerStats {
    /// One entry per workload seen, in [`Workload`] order.
    pub workloads: Vec<WorkloadStats>,
}

impl SchedulerStats {
    /// The counts of `workload`, if it was seen.
    pub fn workload(&self, workload: Workload) -> Option<&WorkloadStats> {
        self.workloads.iter().find(|w| w.workload == workload)
    }

    /// Requests in flight, all workloads.
    pub fn in_flight(&self) -> usize {
        self.workloads.iter().map(|w| w.in_flight).sum()
    }
}

/// The counts of one workload.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkloadStats {
    /// The workload.
    pub workload: Workload,
    /// Partitions known (mailboxes for Outlook; origins and tenants for the others).
    pub partitions: usize,
    /// Requests sent and not answered yet.
    pub in_flight: usize,
    /// Requests waiting for their partition (its limit, or its `Retry-After`).
    pub waiting: usize,
    /// Partitions waiting for a `Retry-After` now.
    pub throttled_partitions: usize,
    /// When the last of those waits ends.
    pub throttled_until: Option<Instant>,
    /// `429` and `503` answers seen since the scheduler was made.
    pub throttled_answers: u64,
    /// The most requests seen in flight at once in one partition.
    pub max_in_flight: usize,
}

/// The scheduler in the chain: runs on every try, just inside the retry loop.
#[derive(Debug)]
pub(crate) struct SchedulerPolicy {
    scheduler: Scheduler,
    root: Url,
    /// The root as written, without a trailing `/`: a URL that starts with it (and goes on with
    /// `/`, `?` or `#`) is below the root, which one comparison tells.
    root_prefix: Box<str>,
    /// The root's origin, as partition keys hold it.
    origin: Arc<str>,
    /// The partition most requests go to (the root's origin, no mailbox), found once: a request
    /// there is admitted without the map.
    home: OnceLock<(Key, Arc<Partition>)>,
}

impl SchedulerPolicy {
    /// The key of `url`'s partition; `None` for the home partition.
    fn key(&self, url: &Url) -> Option<Key> {
        let (origin, path) = match url.as_str().strip_prefix(&*self.root_prefix) {
            // Below the root (nearly every request): the path after it, query and all
            // (`classify` stops at the query).
            Some(rest) if rest.is_empty() || rest.starts_with(['/', '?', '#']) => (None, rest),
            _ => {
                let root = &self.root;
                let same_origin = url.scheme() == root.scheme()
                    && url.host() == root.host()
                    && url.port_or_known_default() == root.port_or_known_default();
                if same_origin {
                    let root_path = root.path().trim_end_matches('/');
                    (
                        None,
                        url.path().strip_prefix(root_path).unwrap_or(url.path()),
                    )
                } else {
                    (Some(url.origin().ascii_serialization().into()), url.path())
                }
            }
        };
        let Classified { workload, mailbox } = classify(path);
        if origin.is_none() && workload == Workload::Other && mailbox.is_none() {
            return None;
        }
        Some(Key {
            origin: origin.unwrap_or_else(|| Arc::clone(&self.origin)),
            tenant: self.scheduler.tenant.clone(),
            workload,
            mailbox,
        })
    }

    fn home(&self) -> &(Key, Arc<Partition>) {
        self.home.get_or_init(|| {
            let key = Key {
                origin: Arc::clone(&self.origin),
                tenant: self.scheduler.tenant.clone(),
                workload: Workload::Other,
                mailbox: None,
            };
            let partition = self.scheduler.shared.partition(&key);
            (key, partition)
        })
    }
}

impl SchedulerPolicy {
    /// Waits for a place in the request's partition, sends it on, and holds the partition back
    /// after a `429`/`503` with `Retry-After`. The retry policy runs it for each try, as part of
    /// the try's own future.
    pub(crate) async fn run(
        &self,
        ctx: &Context,
        request: &mut HttpRequest,
        next: Next<'_>,
    ) -> Result<HttpResponse, Error> {
        let shared = &self.scheduler.shared;
        let found;
        let (key, partition): (&Key, &Partition) = match self.key(&request.url) {
            None => {
                let (key, partition) = self.home();
                (key, partition)
            }
            Some(key) => {
                let partition = shared.partition(&key);
                found = (key, partition);
                (&found.0, &found.1)
            }
        };
        let admitted = shared.admit(key, partition).await?;
        let result = next.send(ctx, request).await;
        if let Ok(response) = &result
            && matches!(
                response.status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            )
        {
            let until =
                crate::retry::after::parse_retry_after(&response.headers, SystemTime::now())
                    .map(|wait| Instant::now() + wait.min(MAX_THROTTLE));
            shared.throttled(key.workload, partition, until);
        }
        drop(admitted);
        result
    }
}

/// The scheduler step alone, as a policy (for its unit tests against a scripted end of the chain).
#[cfg(test)]
impl Policy for SchedulerPolicy {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        Box::pin(self.run(ctx, request, next))
    }
}

#[cfg(test)]
mod tests;
