//! Delta queries: changes since the last round, a cursor that survives a restart, and what to
//! do when the service forgets the cursor.
//!
//! - The cursor ([`DeltaCursor`]) records a fingerprint of the request that started the round:
//!   its query options (`$select`, `$filter`, …, tokens excluded) and its `Prefer` header (the
//!   id format, `Prefer: IdType="ImmutableId"`, and other preferences). [`DeltaCursor::resume`]
//!   and [`Client::resume_delta`](crate::Client::resume_delta) refuse to continue from another
//!   starting request ([`CursorMismatch`] names both), and the resumed requests carry the
//!   recorded `Prefer`, as every next and delta link of a [`Pager`](crate::Pager) does.
//! - A token the service no longer knows comes back as `410 Gone` (`resyncRequired`,
//!   `syncStateNotFound`, …, with a fresh start in `Location`) or `400 syncStateNotFound`:
//!   [`Resync::from_error`] turns that error into a typed outcome, and
//!   [`Client::resync`](crate::Client::resync) reads the whole collection again and reports
//!   which of the ids you held were not seen (deleted meanwhile).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::{Error, Page, Request};

mod sync;

pub use sync::Resynced;

/// One item of a delta page: a member that was created or changed, or one that was removed
/// (`{"id": "…", "@removed": {"reason": "deleted"}}`).
#[derive(Debug, Clone, PartialEq)]
pub enum Delta<T> {
    /// Created or changed: the current value (with the properties the service sent).
    Changed(T),
    /// Removed, with the reason Graph gives (`deleted`, `changed` for items that left the scope).
    Removed {
        /// The member's id.
        id: String,
        /// `@removed.reason`, if sent.
        reason: Option<String>,
    },
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Delta<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut object = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        match object.remove("@removed") {
            Some(removed) => Ok(Delta::Removed {
                id: object
                    .get("id")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| D::Error::custom("a removed delta item has no `id`"))?,
                reason: removed
                    .get("reason")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned),
            }),
            None => T::deserialize(serde_json::Value::Object(object))
                .map(Delta::Changed)
                .map_err(D::Error::custom),
        }
    }
}

/// Where to resume a delta (or any paged) read: the `@odata.nextLink` of the first page not yet
/// handed out, or, once a round is complete, its `@odata.deltaLink`. Serialise it (serde) to stop
/// a process and continue later without reading again what was already read.
///
/// ```
/// use graph_odata_runtime::delta::DeltaCursor;
/// let cursor = DeltaCursor::new("https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=abc");
/// let saved = serde_json::to_string(&cursor).unwrap();
/// let back: DeltaCursor = serde_json::from_str(&saved).unwrap();
/// assert_eq!(back, cursor);
/// assert!(back.is_round_complete(), "a deltaLink");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaCursor {
    link: String,
    #[serde(default)]
    complete: bool,
    /// What the round was started with; `None` for a cursor made from a bare link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fingerprint: Option<Fingerprint>,
}

/// What a delta round was started with, besides its path: the query options other than the
/// paging and delta tokens, in order, and the `Prefer` header (the id format among others).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Fingerprint {
    /// The query options as `key=value` joined by `&`, tokens left out.
    pub query: String,
    /// The `Prefer` header values joined by `, `, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefer: Option<String>,
}

impl Fingerprint {
    /// The fingerprint of the request that starts a round.
    pub fn of<T>(start: &Request<T>) -> Fingerprint {
        let query = start
            .query_pairs()
            .iter()
            .filter(|(k, _)| !is_token(k))
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let prefer: Vec<&str> = start
            .headers()
            .get_all(http::header::HeaderName::from_static("prefer"))
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Fingerprint {
            query,
            prefer: (!prefer.is_empty()).then(|| prefer.join(", ")),
        }
    }
}

/// The paging and delta tokens, which change from link to link.
fn is_token(key: &str) -> bool {
    ["$skiptoken", "$deltatoken", "$skipToken", "$deltaToken"]
        .iter()
        .any(|t| key.eq_ignore_ascii_case(t))
}

/// A cursor was resumed with another starting request than the one it was made from: another
/// `$select`, `$filter`, query option, or `Prefer` (id format). Resuming would mix two views of
/// the data (ids in two formats, properties missing); start a new round instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorMismatch {
    /// What differs: `query options` or `Prefer header`.
    pub what: &'static str,
    /// The cursor's.
    pub saved: String,
    /// The request's.
    pub requested: String,
}

impl std::fmt::Display for CursorMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the delta cursor was made with the {} `{}`, not `{}`; resuming would mix two views \
             of the data: start a new round with this request instead",
            self.what,
            crate::redact::printable(&self.saved, 200),
            crate::redact::printable(&self.requested, 200),
        )
    }
}

impl std::error::Error for CursorMismatch {}

impl From<CursorMismatch> for Error {
    fn from(m: CursorMismatch) -> Error {
        Error::build(m.to_string()).with_source(m)
    }
}

impl DeltaCursor {
    /// A cursor at `link` (an absolute `@odata.nextLink` or `@odata.deltaLink`), with no
    /// fingerprint: [`resume`](DeltaCursor::resume) accepts any starting request.
    pub fn new(link: impl Into<String>) -> DeltaCursor {
        let link = link.into();
        let complete = link.contains("deltatoken") || link.contains("deltaToken");
        DeltaCursor {
            link,
            complete,
            fingerprint: None,
        }
    }

    pub(crate) fn at(link: &str, complete: bool, fingerprint: Option<Fingerprint>) -> DeltaCursor {
        DeltaCursor {
            link: link.to_owned(),
            complete,
            fingerprint,
        }
    }

    /// What the round was started with, when the cursor came from a pager.
    pub fn fingerprint(&self) -> Option<&Fingerprint> {
        self.fingerprint.as_ref()
    }

    /// The request that continues the round `start` began (the same request you first sent:
    /// same path, query options and `Prefer`), carrying the recorded `Prefer`. Refused when
    /// `start` differs from the request the cursor was made from.
    ///
    /// ```
    /// use graph_odata_runtime::{delta::DeltaCursor, Page, Request};
    /// let start = Request::<Page<serde_json::Value>>::get("/users/delta").query("$select", "id,displayName");
    /// // A cursor saved from a pager over `start` (here made by hand from its parts).
    /// let cursor: DeltaCursor = serde_json::from_value(serde_json::json!({
    ///     "link": "https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=abc",
    ///     "complete": true,
    ///     "fingerprint": {"query": "$select=id,displayName"}
    /// })).unwrap();
    /// assert!(cursor.resume(&start).is_ok());
    /// let other = Request::<Page<serde_json::Value>>::get("/users/delta").query("$select", "id");
    /// let refused = cursor.resume(&other).unwrap_err();
    /// assert_eq!((refused.saved.as_str(), refused.requested.as_str()), ("$select=id,displayName", "$select=id"));
    /// ```
    pub fn resume<T: DeserializeOwned>(
        &self,
        start: &Request<Page<T>>,
    ) -> Result<Request<Page<T>>, CursorMismatch> {
        let now = Fingerprint::of(start);
        if let Some(saved) = &self.fingerprint {
            if saved.query != now.query {
                return Err(CursorMismatch {
                    what: "query options",
                    saved: saved.query.clone(),
                    requested: now.query,
                });
            }
            if saved.prefer != now.prefer {
                return Err(CursorMismatch {
                    what: "Prefer header",
                    saved: saved.prefer.clone().unwrap_or_default(),
                    requested: now.prefer.unwrap_or_default(),
                });
            }
        }
        Ok(self.request())
    }

    /// The link the next read starts from.
    pub fn link(&self) -> &str {
        &self.link
    }

    /// Whether the cursor is a `@odata.deltaLink` (the last round was read to its end).
    pub fn is_round_complete(&self) -> bool {
        self.complete
    }

    /// The request that resumes the read (send it with [`Client::pages`](crate::Client::pages)),
    /// with the recorded `Prefer` header. It does not check the starting request: prefer
    /// [`resume`](DeltaCursor::resume).
    pub fn request<T: DeserializeOwned>(&self) -> Request<Page<T>> {
        let request = Request::get(self.link.clone());
        match self.fingerprint.as_ref().and_then(|f| f.prefer.as_deref()) {
            Some(prefer) => request.header("Prefer", prefer),
            None => request,
        }
    }
}

/// The service no longer knows a delta or paging token (it expired, was never issued, or was
/// altered): the round must start over. Read the whole collection again with
/// [`Client::resync`](crate::Client::resync), which also reports what was deleted meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resync {
    /// The status: `410 Gone`, or `400 Bad Request` with `syncStateNotFound`.
    pub status: http::StatusCode,
    /// The error code: `resyncRequired`, `syncStateNotFound`, `syncStateInvalid`,
    /// `resyncChangesApplyDifferences`, `resyncChangesUploadDifferences`, … (`None` when a 410
    /// came without one).
    pub code: Option<String>,
    /// Where the service says the new round starts (the 410's `Location`), if it said.
    pub restart: Option<String>,
}

/// The error codes Graph documents for a delta state it cannot continue from.
const RESYNC_CODES: &[&str] = &[
    "resyncRequired",
    "syncStateNotFound",
    "syncStateInvalid",
    "resyncChangesApplyDifferences",
    "resyncChangesUploadDifferences",
    "resyncApplyDifferences",
    "resyncUploadDifferences",
];

impl Resync {
    /// The resync outcome an error stands for: any `410 Gone`, or a `400` with one of the
    /// documented resync codes. `None` for other errors.
    pub fn from_error(error: &Error) -> Option<Resync> {
        let api = error.api()?;
        let known = api
            .code
            .as_deref()
            .is_some_and(|c| RESYNC_CODES.iter().any(|k| k.eq_ignore_ascii_case(c)));
        let resync = api.status == http::StatusCode::GONE
            || (api.status == http::StatusCode::BAD_REQUEST && known);
        resync.then(|| Resync {
            status: api.status,
            code: api.code.clone(),
            restart: api.location.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Debug, PartialEq)]
    struct U {
        id: String,
        name: Option<String>,
    }

    #[test]
    fn removed_and_changed_items() {
        let page: Page<Delta<U>> = serde_json::from_value(json!({
            "value": [{"id": "1", "name": "a"}, {"id": "2", "@removed": {"reason": "deleted"}}],
            "@odata.deltaLink": "https://x/users/delta()?$deltatoken=9"
        }))
        .unwrap();
        assert_eq!(
            page.value[0],
            Delta::Changed(U {
                id: "1".into(),
                name: Some("a".into())
            })
        );
        assert_eq!(
            page.value[1],
            Delta::Removed {
                id: "2".into(),
                reason: Some("deleted".into())
            }
        );
        let err = serde_json::from_value::<Delta<U>>(json!({"@removed": {}})).unwrap_err();
        assert!(err.to_string().contains("no `id`"), "{err}");
        assert!(DeltaCursor::new(page.delta_link.unwrap()).is_round_complete());
    }

    #[test]
    fn fingerprints_leave_tokens_out_and_keep_prefer() {
        let a = Request::<Page<U>>::get("/users/delta")
            .query("$select", "id")
            .query("$deltatoken", "x")
            .header("Prefer", "IdType=\"ImmutableId\"");
        let f = Fingerprint::of(&a);
        assert_eq!(f.query, "$select=id");
        assert_eq!(f.prefer.as_deref(), Some("IdType=\"ImmutableId\""));
        let cursor = DeltaCursor::at("https://x/users/delta?$deltatoken=1", true, Some(f));
        let plain = Request::<Page<U>>::get("/users/delta").query("$select", "id");
        let refused = cursor.resume(&plain).unwrap_err();
        assert_eq!(refused.what, "Prefer header");
        assert!(refused.to_string().contains("ImmutableId"), "{refused}");
        let resumed = cursor.resume(&a).unwrap();
        assert_eq!(
            resumed.headers().get("prefer").unwrap(),
            "IdType=\"ImmutableId\""
        );
        let err: Error = refused.into();
        assert!(err.is_build());
    }
}
