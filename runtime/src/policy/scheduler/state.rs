//! The scheduler's partitions: their limits, counts and `Retry-After` waits.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::{SchedulerStats, Workload, WorkloadStats};
use crate::Error;

/// Past this many partitions, idle ones (nothing in flight or waiting, no `Retry-After` running)
/// are forgotten when a new one is made.
const MAX_PARTITIONS: usize = 4096;

/// Where a request belongs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub(crate) origin: Arc<str>,
    pub(crate) tenant: Option<Arc<str>>,
    pub(crate) workload: Workload,
    pub(crate) mailbox: Option<String>,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let Some(t) = &self.tenant {
            write!(f, " tenant {t}")?;
        }
        write!(f, " {}", self.workload)?;
        if let Some(m) = &self.mailbox {
            write!(f, " {}", crate::redact::printable(m, 80))?;
        }
        Ok(())
    }
}

#[derive(Debug)]
struct Partition {
    /// `None`: no concurrency limit.
    permits: Option<Arc<Semaphore>>,
    in_flight: usize,
    waiting: usize,
    max_in_flight: usize,
    throttled_until: Option<Instant>,
}

impl Partition {
    fn idle(&self, now: Instant) -> bool {
        self.in_flight == 0 && self.waiting == 0 && self.throttled_until.is_none_or(|t| t <= now)
    }
}

/// The state shared by every clone of a scheduler.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) on: bool,
    pub(crate) mailbox: usize,
    partitions: Mutex<HashMap<Key, Partition>>,
    /// `429`/`503` answers per workload (kept when a partition is forgotten).
    throttled: Mutex<HashMap<Workload, u64>>,
}

impl Shared {
    pub(crate) fn new(on: bool, mailbox: usize) -> Shared {
        Shared {
            on,
            mailbox,
            partitions: Mutex::new(HashMap::new()),
            throttled: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Partition>> {
        self.partitions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the partition of `key`, making it if needed.
    fn with<R>(&self, key: &Key, f: impl FnOnce(&mut Partition) -> R) -> R {
        let mut map = self.lock();
        // The key is copied only when its partition is new.
        if let Some(partition) = map.get_mut(key) {
            return f(partition);
        }
        if map.len() >= MAX_PARTITIONS {
            let now = Instant::now();
            map.retain(|_, p| !p.idle(now));
        }
        let partition = map.entry(key.clone()).or_insert_with(|| Partition {
            permits: (key.workload == Workload::Outlook)
                .then(|| Arc::new(Semaphore::new(self.mailbox))),
            in_flight: 0,
            waiting: 0,
            max_in_flight: 0,
            throttled_until: None,
        });
        f(partition)
    }

    /// Waits until `key`'s partition may send one more request: past its `Retry-After`, with a
    /// place under its limit. Cancellation-safe: the counts are undone when the future is dropped.
    pub(crate) async fn admit<'a>(&'a self, key: &'a Key) -> Result<Admitted<'a>, Error> {
        // The common case, in one look at the partition: no concurrency limit and no
        // `Retry-After` running.
        let admitted_at_once = self.with(key, |p| {
            let free = p.permits.is_none()
                && p.throttled_until
                    .is_none_or(|until| until <= Instant::now());
            if free {
                p.in_flight += 1;
                p.max_in_flight = p.max_in_flight.max(p.in_flight);
            }
            free
        });
        if admitted_at_once {
            return Ok(Admitted {
                shared: self,
                key,
                _permit: None,
            });
        }
        let waiting = Waiting::new(self, key);
        let started = Instant::now();
        loop {
            let (until, permits) = self.with(key, |p| (p.throttled_until, p.permits.clone()));
            let now = Instant::now();
            if let Some(until) = until.filter(|u| *u > now) {
                tracing::info!(
                    target: "graph_odata::scheduler",
                    workload = %key.workload,
                    partition = %key,
                    reason = "throttled",
                    wait = ?(until - now),
                    "waiting for the partition's Retry-After"
                );
                tokio::time::sleep_until(until).await;
                continue;
            }
            let permit = match permits {
                Some(permits) => Some(
                    permits
                        .acquire_owned()
                        .await
                        .map_err(|_| Error::build("the scheduler's partition was closed"))?,
                ),
                None => None,
            };
            // Throttled while this request waited for its place: wait again, without the place.
            let throttled = self.with(key, |p| {
                p.throttled_until.is_some_and(|u| u > Instant::now())
            });
            if throttled {
                drop(permit);
                continue;
            }
            let waited = started.elapsed();
            if !waited.is_zero() {
                tracing::debug!(
                    target: "graph_odata::scheduler",
                    workload = %key.workload,
                    partition = %key,
                    reason = "concurrency",
                    wait = ?waited,
                    "waited for a place in the partition"
                );
            }
            waiting.done();
            self.with(key, |p| {
                p.in_flight += 1;
                p.max_in_flight = p.max_in_flight.max(p.in_flight);
            });
            return Ok(Admitted {
                shared: self,
                key,
                _permit: permit,
            });
        }
    }

    /// Records a `429`/`503` for `key`, holding the partition back until `until` if given.
    pub(crate) fn throttled(&self, key: &Key, until: Option<Instant>) {
        *self
            .throttled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key.workload)
            .or_default() += 1;
        if let Some(until) = until {
            self.with(key, |p| {
                p.throttled_until = Some(p.throttled_until.map_or(until, |t| t.max(until)));
            });
        }
    }

    pub(crate) fn snapshot(&self) -> SchedulerStats {
        let now = Instant::now();
        let throttled = self
            .throttled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let mut by: HashMap<Workload, WorkloadStats> = HashMap::new();
        for (key, p) in self.lock().iter() {
            let w = by
                .entry(key.workload)
                .or_insert_with(|| empty(key.workload));
            w.partitions += 1;
            w.in_flight += p.in_flight;
            w.waiting += p.waiting;
            w.max_in_flight = w.max_in_flight.max(p.max_in_flight);
            if let Some(until) = p.throttled_until.filter(|u| *u > now) {
                w.throttled_partitions += 1;
                w.throttled_until = Some(w.throttled_until.map_or(until, |t| t.max(until)));
            }
        }
        for (workload, n) in throttled {
            by.entry(workload)
                .or_insert_with(|| empty(workload))
                .throttled_answers = n;
        }
        let mut workloads: Vec<WorkloadStats> = by.into_values().collect();
        workloads.sort_by_key(|w| w.workload);
        SchedulerStats { workloads }
    }
}

fn empty(workload: Workload) -> WorkloadStats {
    WorkloadStats {
        workload,
        partitions: 0,
        in_flight: 0,
        waiting: 0,
        throttled_partitions: 0,
        throttled_until: None,
        throttled_answers: 0,
        max_in_flight: 0,
    }
}

/// Counts a request as waiting until it is admitted or dropped.
struct Waiting<'a> {
    shared: &'a Shared,
    key: &'a Key,
    counted: bool,
}

impl<'a> Waiting<'a> {
    fn new(shared: &'a Shared, key: &'a Key) -> Waiting<'a> {
        shared.with(key, |p| p.waiting += 1);
        Waiting {
            shared,
            key,
            counted: true,
        }
    }

    fn done(mut self) {
        self.uncount();
    }

    fn uncount(&mut self) {
        if std::mem::take(&mut self.counted) {
            self.shared.with(self.key, |p| p.waiting -= 1);
        }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.uncount();
    }
}

/// A request in flight: its place in the partition, given back when dropped.
pub(crate) struct Admitted<'a> {
    shared: &'a Shared,
    key: &'a Key,
    _permit: Option<OwnedSemaphorePermit>,
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.shared.with(self.key, |p| p.in_flight -= 1);
    }
}
