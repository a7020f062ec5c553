//! One page of a collection, as Graph returns it.

use serde::{Deserialize, Deserializer};

/// `{"value": [...], "@odata.nextLink": ..., "@odata.count": ..., "@odata.deltaLink": ...}`.
///
/// ```
/// use graph_odata_runtime::Page;
/// let page: Page<serde_json::Value> = serde_json::from_str(
///     r#"{"@odata.count":"12","value":[{"id":"1"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=X"}"#,
/// ).unwrap();
/// assert_eq!(page.value.len(), 1);
/// assert_eq!(page.count, Some(12));
/// assert!(page.next_link.is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    /// Where the next page is, if any, as the service wrote it: Graph writes absolute URLs, other
    /// OData services may write them relative to the context URL. A [`Pager`](crate::Pager)
    /// resolves it (and hands out the page with the absolute URL here).
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
    /// The total count, when `$count=true` was asked (a number or, under `IEEE754Compatible`, a string).
    #[serde(rename = "@odata.count", default, deserialize_with = "count")]
    pub count: Option<i64>,
    /// The link for the next delta query, on the last page of a delta response (resolved like
    /// `next_link` by a pager).
    #[serde(rename = "@odata.deltaLink", default)]
    pub delta_link: Option<String>,
    /// The context URL (`@odata.context`), as written: the base relative links are resolved
    /// against (itself relative to the service root's `$metadata` when relative).
    #[serde(rename = "@odata.context", default)]
    pub context: Option<String>,
}

impl<T> Page<T> {
    /// Resolves a link of this page (`next_link`, `delta_link`, an `@odata.id`) to an absolute URL,
    /// per OData JSON Format 4.01 §4.3: against the context URL when the page has one, else against
    /// `request_url`, the URL that fetched the page. A relative context URL is resolved against
    /// `request_url` as the standard says, or against `service_root` when only that reading names
    /// the metadata document `{service_root}/$metadata` (services that write `$metadata#…` at any
    /// depth).
    ///
    /// ```
    /// use graph_odata_runtime::{Page, url::Url};
    /// let page: Page<serde_json::Value> = serde_json::from_str(
    ///     r#"{"@odata.context":"$metadata#Tasks(1)/linkedResources","value":[],
    ///         "@odata.nextLink":"Tasks(1)/linkedResources?$skiptoken=3"}"#,
    /// ).unwrap();
    /// let root = Url::parse("https://odata.example/svc").unwrap();
    /// let fetched = Url::parse("https://odata.example/svc/Tasks(1)/linkedResources").unwrap();
    /// let next = page.resolve(page.next_link.as_deref().unwrap(), &root, &fetched).unwrap();
    /// assert_eq!(next.as_str(), "https://odata.example/svc/Tasks(1)/linkedResources?$skiptoken=3");
    /// ```
    pub fn resolve(
        &self,
        link: &str,
        service_root: &url::Url,
        request_url: &url::Url,
    ) -> Result<url::Url, url::ParseError> {
        let base = match &self.context {
            Some(context) => {
                crate::response::context_base(service_root, Some(request_url), context)?
            }
            None => request_url.clone(),
        };
        base.join(link)
    }
}

fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<crate::edm::Int64>::deserialize(d)?.map(|c| c.0))
}
