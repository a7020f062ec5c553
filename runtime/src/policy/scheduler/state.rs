//! The scheduler's partitions: their limits, counts and `Retry-After` waits.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// One partition's limit, counts and `Retry-After` wait. Shared (`Arc`) between the scheduler's
/// map and whoever is using it, so that admitting and releasing a request touch only the
/// partition: no map lock, no key hashing.
#[derive(Debug)]
pub(crate) struct Partition {
    /// `None`: no concurrency limit.
    permits: Option<Arc<Semaphore>>,
    in_flight: AtomicUsize,
    waiting: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// Set while a `Retry-After` may be running: the one thing an unlimited partition's
    /// admission reads. Written under `throttled_until`'s lock.
    throttled: AtomicBool,
    throttled_until: Mutex<Option<Instant>>,
}

impl Partition {
    fn new(permits: Option<Arc<Semaphore>>) -> Partition {
        Partition {
            permits,
            in_flight: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            throttled: AtomicBool::new(false),
            throttled_until: Mutex::new(None),
        }
    }

    fn until_lock(&self) -> MutexGuard<'_, Option<Instant>> {
        self.throttled_until
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// The end of the running `Retry-After`, if one runs now; a finished one is cleared.
    fn throttled_until(&self, now: Instant) -> Option<Instant> {
        if !self.throttled.load(Ordering::Acquire) {
            return None;
        }
        let mut until = self.until_lock();
        match *until {
            Some(u) if u > now => Some(u),
            _ => {
                *until = None;
                self.throttled.store(false, Ordering::Release);
                None
            }
        }
    }

    /// Holds the partition back until `until` (the later of two waits wins).
    fn throttle(&self, until: Instant) {
        let mut current = self.until_lock();
        *current = Some(current.map_or(until, |t| t.max(until)));
        self.throttled.store(true, Ordering::Release);
    }

    /// Counts one more request in flight.
    fn enter(&self) {
        let now = self.in_flight.fetch_add(1, Ordering::AcqRel) + 1;
        self.max_in_flight.fetch_max(now, Ordering::AcqRel);
    }

    fn idle(&self, now: Instant) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0
            && self.waiting.load(Ordering::Acquire) == 0
            && self.throttled_until(now).is_none()
    }
}

/// The state shared by every clone of a scheduler.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) on: bool,
    pub(crate) mailbox: usize,
    partitions: Mutex<HashMap<Key, Arc<Partition>>>,
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

    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Arc<Partition>>> {
        self.partitions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The partition of `key`, made if needed.
    pub(crate) fn partition(&self, key: &Key) -> Arc<Partition> {
        let mut map = self.lock();
        // The key is copied only when its partition is new.
        if let Some(partition) = map.get(key) {
            return Arc::clone(partition);
        }
        if map.len() >= MAX_PARTITIONS {
            let now = Instant::now();
            // A partition someone holds (a request using it, a client's own) is kept: forgetting
            // it would split its counts and waits in two.
            map.retain(|_, p| Arc::strong_count(p) > 1 || !p.idle(now));
        }
        let permits =
            (key.workload == Workload::Outlook).then(|| Arc::new(Semaphore::new(self.mailbox)));
        let partition = Arc::new(Partition::new(permits));
        map.insert(key.clone(), Arc::clone(&partition));
        partition
    }

    /// Waits until `partition` (of `key`) may send one more request: past its `Retry-After`,
    /// with a place under its limit. Cancellation-safe: the counts are undone when the future is
    /// dropped.
    pub(crate) async fn admit<'a>(
        &self,
        key: &Key,
        partition: &'a Partition,
    ) -> Result<Admitted<'a>, Error> {
        // The common case, without a lock: no concurrency limit and no `Retry-After` running.
        if partition.permits.is_none() && !partition.throttled.load(Ordering::Acquire) {
            partition.enter();
            return Ok(Admitted {
                partition,
                _permit: None,
            });
        }
        let waiting = Waiting::new(partition);
        let started = Instant::now();
        loop {
            let now = Instant::now();
            if let Some(until) = partition.throttled_until(now) {
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
            let permit = match &partition.permits {
                Some(permits) => Some(
                    Arc::clone(permits)
                        .acquire_owned()
                        .await
                        .map_err(|_| Error::build("the scheduler's partition was closed"))?,
                ),
                None => None,
            };
            // Throttled while this request waited for its place: wait again, without the place.
            if partition.throttled_until(Instant::now()).is_some() {
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
            partition.enter();
            return Ok(Admitted {
                partition,
                _permit: permit,
            });
        }
    }

    /// Records a `429`/`503` for `workload`, holding `partition` back until `until` if given.
    pub(crate) fn throttled(
        &self,
        workload: Workload,
        partition: &Partition,
        until: Option<Instant>,
    ) {
        *self
            .throttled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(workload)
            .or_default() += 1;
        if let Some(until) = until {
            partition.throttle(until);
        }
    }

    /// The counts per workload now.
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
            w.in_flight += p.in_flight.load(Ordering::Acquire);
            w.waiting += p.waiting.load(Ordering::Acquire);
            w.max_in_flight = w.max_in_flight.max(p.max_in_flight.load(Ordering::Acquire));
            if let Some(until) = p.throttled_until(now) {
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
    partition: &'a Partition,
    counted: bool,
}

impl<'a> Waiting<'a> {
    fn new(partition: &'a Partition) -> Waiting<'a> {
        partition.waiting.fetch_add(1, Ordering::AcqRel);
        Waiting {
            partition,
            counted: true,
        }
    }

    fn done(mut self) {
        self.uncount();
    }

    fn uncount(&mut self) {
        if std::mem::take(&mut self.counted) {
            self.partition.waiting.fetch_sub(1, Ordering::AcqRel);
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
    partition: &'a Partition,
    _permit: Option<OwnedSemaphorePermit>,
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.partition.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}
