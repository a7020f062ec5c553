//! Resuming a delta round from a cursor, and starting over after a [`Resync`], over a client
//! (layer 9: this file uses [`Client`] and [`Pager`]).

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use super::{CursorMismatch, Delta, DeltaCursor, Fingerprint, Resync};
use crate::{Client, Error, ErrorKind, Page, Pager, Request};

/// A whole delta round read again after a [`Resync`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Resynced<T> {
    /// Every member the service listed (the current state of the collection).
    pub items: Vec<T>,
    /// The ids you held that the new round did not list, or listed as removed: deleted while
    /// the old cursor was lost.
    pub deleted: Vec<String>,
    /// Where the next round starts (the new `@odata.deltaLink`).
    pub cursor: Option<DeltaCursor>,
}

impl Client {
    /// The pages of a delta round continued from `cursor`, where `start` is the request that
    /// began the round (same path, query options and `Prefer`). Refused with a
    /// [`CursorMismatch`] (which converts into [`Error`]) when `start` differs from the request
    /// the cursor was made from. Every page carries the recorded `Prefer` header.
    pub fn resume_delta<T: DeserializeOwned + Send + 'static>(
        &self,
        cursor: &DeltaCursor,
        start: &Request<Page<T>>,
    ) -> Result<Pager<T>, CursorMismatch> {
        let request = cursor.resume(start)?.with_settings(start.settings());
        let fingerprint = cursor
            .fingerprint()
            .cloned()
            .unwrap_or_else(|| Fingerprint::of(start));
        Ok(self.pages(request).with_fingerprint(fingerprint))
    }

    /// Starts the round over after `resync` and reads it to its end: from the service's fresh
    /// start (`Location`) when it sent one on this service's origin, else from `start`. `known`
    /// are the ids you held; those the new round does not list as present are reported in
    /// [`Resynced::deleted`]. `id_of` reads a member's id.
    ///
    /// The whole collection is held in memory; the page budget and link checks of [`Pager`]
    /// apply.
    pub async fn resync<T, I>(
        &self,
        resync: &Resync,
        start: Request<Page<Delta<T>>>,
        known: I,
        id_of: impl Fn(&T) -> Option<String>,
    ) -> Result<Resynced<T>, Error>
    where
        T: DeserializeOwned + Send + 'static,
        I: IntoIterator<Item = String>,
    {
        let fingerprint = Fingerprint::of(&start);
        let first = match resync.restart.as_deref().map(url::Url::parse) {
            Some(Ok(url)) if self.token_allowed(&url) => Request::get(url.as_str())
                .with_headers(start.headers())
                .with_settings(start.settings()),
            Some(Ok(url)) => {
                return Err(Error::kinded(
                    ErrorKind::Protocol,
                    format!(
                        "the service sent a fresh delta start on `{}`, not this service's origin; \
                         not following it",
                        crate::redact::log_url(&url)
                    ),
                ));
            }
            _ => start,
        };
        tracing::debug!(
            target: "graph_odata::delta",
            code = ?resync.code,
            from_location = resync.restart.is_some(),
            "delta round starting over"
        );
        let mut pages = self.pages(first).with_fingerprint(fingerprint);
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        while let Some(page) = pages.next_page().await {
            for item in page?.value {
                match item {
                    Delta::Changed(value) => {
                        if let Some(id) = id_of(&value) {
                            seen.insert(id);
                        }
                        items.push(value);
                    }
                    Delta::Removed { id, .. } => {
                        seen.remove(&id);
                    }
                }
            }
        }
        let mut deleted: Vec<String> = known.into_iter().filter(|id| !seen.contains(id)).collect();
        deleted.sort();
        deleted.dedup();
        Ok(Resynced {
            items,
            deleted,
            cursor: pages.cursor(),
        })
    }
}
