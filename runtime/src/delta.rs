//! Delta queries: changes since the last round, and a cursor that survives a restart.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::{Page, Request};

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
}

impl DeltaCursor {
    /// A cursor at `link` (an absolute `@odata.nextLink` or `@odata.deltaLink`).
    pub fn new(link: impl Into<String>) -> DeltaCursor {
        let link = link.into();
        let complete = link.contains("deltatoken") || link.contains("deltaToken");
        DeltaCursor { link, complete }
    }

    pub(crate) fn at(link: &str, complete: bool) -> DeltaCursor {
        DeltaCursor {
            link: link.to_owned(),
            complete,
        }
    }

    /// The link the next read starts from.
    pub fn link(&self) -> &str {
        &self.link
    }

    /// Whether the cursor is a `@odata.deltaLink` (the last round was read to its end).
    pub fn is_round_complete(&self) -> bool {
        self.complete
    }

    /// The request that resumes the read (send it with [`Client::pages`](crate::Client::pages)).
    pub fn request<T: DeserializeOwned>(&self) -> Request<Page<T>> {
        Request::get(self.link.clone())
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
}
