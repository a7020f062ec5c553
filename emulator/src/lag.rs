//! Replication lag, as directory objects show it on Graph: for a while after a `POST` creates an
//! entity, a `GET` of it (or below it) answers `404 Request_ResourceNotFound`. Off by default;
//! [`Emulator::set_replication_lag`](crate::Emulator::set_replication_lag) or the admin route
//! `PUT /_emulator/replication-lag` turn it on.

use std::time::{Duration, Instant};

use http::StatusCode;

use crate::routes::Reply;
use crate::store::StorePath;

/// The lag, and the entities still replicating: their path below the version, and when they
/// become readable.
#[derive(Debug, Default)]
pub(crate) struct Lag {
    lag: Option<Duration>,
    fresh: Vec<(Vec<String>, Instant)>,
}

impl Lag {
    pub(crate) fn set(&mut self, lag: Option<Duration>) {
        self.lag = lag.filter(|l| !l.is_zero());
        if self.lag.is_none() {
            self.fresh.clear();
        }
    }

    /// Records the entity a `201 Created` with `location` made (a URL or an absolute path).
    pub(crate) fn created(&mut self, location: &str) {
        let Some(lag) = self.lag else { return };
        let path = match location.find("://") {
            Some(i) => location[i + 3..]
                .find('/')
                .map_or("", |p| &location[i + 3 + p..]),
            None => location,
        };
        if let Ok(p) = StorePath::parse(path)
            && let Some((_, below_version)) = p.0.split_first()
        {
            self.fresh
                .push((below_version.to_vec(), Instant::now() + lag));
        }
    }

    /// The 404 for a `GET` of `path` (with the version) while its entity replicates.
    pub(crate) fn refuse(&mut self, path: &str) -> Option<Reply> {
        self.lag?;
        let now = Instant::now();
        self.fresh.retain(|(_, until)| *until > now);
        let p = StorePath::parse(path).ok()?;
        let (_, below_version) = p.0.split_first()?;
        self.fresh
            .iter()
            .any(|(entity, _)| below_version.starts_with(entity))
            .then(|| {
                Reply::error(
                    StatusCode::NOT_FOUND,
                    "Request_ResourceNotFound",
                    "The resource does not exist yet on this replica.",
                )
            })
    }
}
