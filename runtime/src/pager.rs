//! Following `@odata.nextLink` safely: page by page or item by item.

use std::collections::VecDeque;
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use url::Url;

use crate::redact::log_url;
use crate::{Client, Error, ErrorKind, Page, Request};

/// The next page to read: a request to send, a fetch already running, or an error to report after
/// the page that carried it.
enum Next<T> {
    Send(Box<Request<Page<T>>>),
    Running(Prefetch<T>),
    Fail(Error),
}

/// A page fetch running as its own task, aborted when dropped: dropping the pager cancels the
/// request instead of leaving it running. A dropped `next_page` call leaves it in the pager.
struct Prefetch<T>(tokio::task::JoinHandle<Result<Page<T>, Error>>);

impl<T> Drop for Prefetch<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Pages of a collection, following `@odata.nextLink`.
///
/// - A link is followed only to the client's own scheme, host and port or an allowed host
///   ([`ClientBuilder::allowed_host`](crate::ClientBuilder::allowed_host)); anything else is an
///   [`ErrorKind::Protocol`] error and the token never goes there.
/// - A link equal to one of the latest [`RECENT_LINKS`](crate::limits::RECENT_LINKS) (64) is an
///   [`ErrorKind::Protocol`] error instead of an endless loop; only keyed hashes of those are kept.
/// - At most [`max_pages`](Pager::max_pages) pages are requested (default
///   [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages), 100 000), empty pages
///   included; past it the pager stops with an [`ErrorKind::Protocol`] error naming `max_pages`.
/// - Each page is a normal call: a fresh token, the client's retry policy, its timeouts; it
///   carries the first request's headers, [`without_auth`](Request::without_auth) and
///   [`max_response_size`](Request::max_response_size).
/// - While you work on a page, the next one is already being fetched: at most two pages are held.
/// - Dropping the pager (or the stream made from it) cancels that fetch: nothing keeps running.
/// - [`next_page`](Pager::next_page) is cancellation-safe: a call dropped before it finishes
///   leaves its fetch to the next call, so no page is lost.
///
/// ```no_run
/// # async fn demo(client: graph_odata_runtime::Client) -> Result<(), graph_odata_runtime::Error> {
/// use graph_odata_runtime::{Page, Request};
/// let mut pages = client.pages(Request::<Page<serde_json::Value>>::get("/users").query("$top", "999"));
/// while let Some(page) = pages.next_page().await {
///     for user in page?.value { println!("{}", user["displayName"]); }
/// }
/// # Ok(()) }
/// ```
pub struct Pager<T> {
    client: Client,
    headers: http::HeaderMap,
    /// The first request's own settings, carried onto every page.
    settings: crate::request::Settings,
    next: Option<Next<T>>,
    /// The URL of the request behind `next`: the base of relative links without a context URL.
    next_url: Option<Url>,
    /// Keyed hashes of the latest links followed, oldest first (at most `RECENT_LINKS`).
    recent: VecDeque<u64>,
    /// The key of those hashes, random per pager so a server cannot aim at a collision.
    hasher: std::collections::hash_map::RandomState,
    /// Pages requested so far, the first included.
    requested: u64,
    max_pages: u64,
    prefetch: bool,
    resume: Option<crate::delta::DeltaCursor>,
    /// What the round was started with, recorded in every cursor.
    fingerprint: crate::delta::Fingerprint,
}

impl<T> std::fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pager")
            .field("pages_requested", &self.requested)
            .field("max_pages", &self.max_pages)
            .field("done", &self.next.is_none())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> Pager<T> {
    pub(crate) fn new(client: Client, first: Request<Page<T>>) -> Pager<T> {
        let next_url = client.url_of(&first).ok();
        let headers = client.headers_of(&first);
        let settings = first.settings();
        let max_pages = client.max_pages();
        let fingerprint = crate::delta::Fingerprint::of(&first);
        Pager {
            client,
            next_url,
            headers,
            settings,
            next: Some(Next::Send(Box::new(first))),
            recent: VecDeque::with_capacity(crate::limits::RECENT_LINKS),
            hasher: std::collections::hash_map::RandomState::new(),
            requested: 1,
            max_pages,
            prefetch: true,
            resume: None,
            fingerprint,
        }
    }

    /// Records `fingerprint` in the cursors instead of the first request's (a resumed round
    /// keeps the fingerprint of the request that started it).
    pub(crate) fn with_fingerprint(mut self, fingerprint: crate::delta::Fingerprint) -> Pager<T> {
        self.fingerprint = fingerprint;
        self
    }

    /// Turns prefetching of the next page off (on by default).
    #[must_use]
    pub fn prefetch(mut self, on: bool) -> Pager<T> {
        self.prefetch = on;
        self
    }

    /// The most pages this pager requests, the first included and empty pages counted (default
    /// [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages), 100 000). The page that
    /// reaches it is handed out; the next call is an [`ErrorKind::Protocol`] error naming
    /// `max_pages`. Zero counts as one: the first page is always requested.
    #[must_use]
    pub fn max_pages(mut self, pages: u64) -> Pager<T> {
        self.max_pages = pages;
        self
    }

    /// The next page, or `None` after the last one (or after an error).
    ///
    /// Cancellation-safe: the fetch runs as its own task and stays in the pager until its page is
    /// handed out, so a call dropped before it finishes (by `tokio::time::timeout`, `select!`)
    /// loses nothing; the next call waits for the same fetch and returns that page.
    pub async fn next_page(&mut self) -> Option<Result<Page<T>, Error>> {
        self.next = match self.next.take() {
            Some(Next::Send(request)) => Some(Next::Running(self.spawn(*request))),
            other => other,
        };
        let page = match self.next.as_mut()? {
            Next::Running(task) => {
                // The only await: until it is ready the fetch stays in `self.next`.
                let joined = (&mut task.0).await;
                self.next = None;
                match joined {
                    Ok(result) => result,
                    Err(_) => Err(Error::kinded(
                        ErrorKind::Connect,
                        "the task fetching the next page stopped before it finished",
                    )),
                }
            }
            Next::Fail(_) | Next::Send(_) => match self.next.take() {
                Some(Next::Fail(error)) => return Some(Err(error)),
                _ => return None,
            },
        };
        let mut page = match page {
            Ok(page) => page,
            Err(error) => return Some(Err(error)),
        };
        let fetched = self.next_url.take();
        // Relative links become absolute here, once: the cursor, the next request and the page
        // handed out all carry the same URL.
        let mut next_url = None;
        if let Some(link) = page.next_link.take() {
            match self.absolute(&page, &link, fetched.as_ref(), "@odata.nextLink") {
                Ok(url) => {
                    page.next_link = Some(url.to_string());
                    next_url = Some(url);
                }
                Err(error) => {
                    page.next_link = Some(link);
                    self.next = Some(Next::Fail(error));
                }
            }
        }
        if let Some(link) = page.delta_link.take() {
            page.delta_link = Some(
                match self.absolute(&page, &link, fetched.as_ref(), "@odata.deltaLink") {
                    Ok(url) => url.to_string(),
                    Err(_) => link,
                },
            );
        }
        self.resume = match (&page.next_link, &page.delta_link) {
            (Some(next), _) => Some(crate::delta::DeltaCursor::at(
                next,
                false,
                Some(self.fingerprint.clone()),
            )),
            (None, Some(delta)) => Some(crate::delta::DeltaCursor::at(
                delta,
                true,
                Some(self.fingerprint.clone()),
            )),
            (None, None) => None,
        };
        if let Some(url) = next_url {
            self.next_url = Some(url.clone());
            self.next = Some(match self.follow(url) {
                Ok(request) if self.prefetch => Next::Running(self.spawn(request)),
                Ok(request) => Next::Send(Box::new(request)),
                Err(error) => Next::Fail(error),
            });
        }
        Some(Ok(page))
    }

    /// Starts fetching `request` as its own task.
    fn spawn(&self, request: Request<Page<T>>) -> Prefetch<T> {
        let client = self.client.clone();
        Prefetch(tokio::spawn(async move { client.send(request).await }))
    }

    /// A link of `page` as an absolute URL (see [`Page::resolve`]).
    fn absolute(
        &self,
        page: &Page<T>,
        link: &str,
        fetched: Option<&Url>,
        what: &str,
    ) -> Result<Url, Error> {
        let root = self.client.service_root();
        page.resolve(link, root, fetched.unwrap_or(root))
            .map_err(|e| {
                Error::kinded(
                    ErrorKind::Protocol,
                    format!(
                        "the {what} `{}` is not a URL, nor one relative to the context URL ({e})",
                        crate::redact::printable(link, 120)
                    ),
                )
            })
    }

    fn follow(&mut self, url: Url) -> Result<Request<Page<T>>, Error> {
        let link = url.as_str().to_owned();
        if !matches!(url.scheme(), "https" | "http") {
            return Err(Error::kinded(
                ErrorKind::Protocol,
                format!(
                    "the @odata.nextLink has the scheme `{}`, not http(s); not following it",
                    crate::redact::printable(url.scheme(), 40)
                ),
            ));
        }
        if !self.client.token_allowed(&url) {
            return Err(Error::kinded(
                ErrorKind::Protocol,
                format!(
                    "the @odata.nextLink leads to `{}`, which is not this service's host nor an allowed one; \
                     not following it (use `ClientBuilder::allowed_host` if you trust it)",
                    log_url(&url)
                ),
            ));
        }
        let hash = self.hasher.hash_one(&link);
        if self.recent.contains(&hash) {
            return Err(Error::kinded(
                ErrorKind::Protocol,
                format!(
                    "the service sent the same @odata.nextLink twice (`{}`); stopping instead of looping",
                    log_url(&url)
                ),
            ));
        }
        if self.requested >= self.max_pages {
            return Err(Error::kinded(
                ErrorKind::Protocol,
                format!(
                    "the service kept sending @odata.nextLinks: stopped after {} pages, the page budget \
                     (`max_pages`; raise it with `ClientBuilder::max_pages` or `Pager::max_pages`)",
                    self.requested
                ),
            ));
        }
        if self.recent.len() == crate::limits::RECENT_LINKS {
            self.recent.pop_front();
        }
        self.recent.push_back(hash);
        self.requested += 1;
        Ok(Request::get(link)
            .with_headers(&self.headers)
            .with_settings(self.settings))
    }

    /// Where to resume after the pages handed out so far: the next page's link, or the
    /// `@odata.deltaLink` once a delta round is complete. `None` before the first page, and after
    /// the last page of a plain (non-delta) collection.
    pub fn cursor(&self) -> Option<crate::delta::DeltaCursor> {
        self.resume.clone()
    }

    /// Reads pages until the collection ends or `limit` items are collected, whichever is first
    /// (pages are fetched one after the other, so nothing is fetched past the limit).
    pub async fn try_collect(mut self, limit: usize) -> Result<Vec<T>, Error> {
        self.prefetch = false;
        let mut out = Vec::new();
        while out.len() < limit {
            let Some(page) = self.next_page().await else {
                break;
            };
            let room = limit - out.len();
            out.extend(page?.value.into_iter().take(room));
        }
        Ok(out)
    }

    /// The items one by one, as a [`Stream`](futures_core::Stream).
    pub fn items(self) -> Items<T> {
        Items {
            buffer: VecDeque::new(),
            state: ItemsState::Idle(Box::new(self)),
        }
    }
}

type PageFuture<T> =
    Pin<Box<dyn Future<Output = (Box<Pager<T>>, Option<Result<Page<T>, Error>>)> + Send>>;

enum ItemsState<T> {
    Idle(Box<Pager<T>>),
    Fetching(PageFuture<T>),
    Done,
}

/// The items of a collection, across pages, as a `Stream<Item = Result<T, Error>>` (from
/// [`Client::stream`] or [`Pager::items`]). An error ends the stream after it is yielded.
pub struct Items<T> {
    buffer: VecDeque<T>,
    state: ItemsState<T>,
}

impl<T> Unpin for Items<T> {}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            ItemsState::Idle(_) => "idle",
            ItemsState::Fetching(_) => "fetching",
            ItemsState::Done => "done",
        };
        f.debug_struct("Items")
            .field("buffered", &self.buffer.len())
            .field("state", &state)
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> futures_core::Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::mem::replace(&mut this.state, ItemsState::Done) {
                ItemsState::Done => return Poll::Ready(None),
                ItemsState::Idle(mut pager) => {
                    this.state = ItemsState::Fetching(Box::pin(async move {
                        let page = pager.next_page().await;
                        (pager, page)
                    }));
                }
                ItemsState::Fetching(mut fut) => match fut.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = ItemsState::Fetching(fut);
                        return Poll::Pending;
                    }
                    Poll::Ready((_, None)) => return Poll::Ready(None),
                    Poll::Ready((_, Some(Err(e)))) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready((pager, Some(Ok(page)))) => {
                        this.buffer.extend(page.value);
                        this.state = ItemsState::Idle(pager);
                    }
                },
            }
        }
    }
}

impl Client {
    /// The pages of a collection (see [`Pager`]).
    pub fn pages<T: DeserializeOwned + Send + 'static>(&self, first: Request<Page<T>>) -> Pager<T> {
        Pager::new(self.clone(), first)
    }

    /// The items of a collection across pages, as a `Stream` (see [`Pager`] for the rules).
    ///
    /// ```no_run
    /// # async fn demo(client: graph_odata_runtime::Client) -> Result<(), graph_odata_runtime::Error> {
    /// use futures_util::TryStreamExt;
    /// use graph_odata_runtime::{Page, Request};
    /// let mut users = client.stream(Request::<Page<serde_json::Value>>::get("/users"));
    /// while let Some(user) = users.try_next().await? {
    ///     println!("{}", user["id"]);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream<T: DeserializeOwned + Send + 'static>(
        &self,
        first: Request<Page<T>>,
    ) -> Items<T> {
        self.pages(first).items()
    }
}
