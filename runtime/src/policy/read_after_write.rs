//! The read-after-write policy: a `GET` that answers 404 for an entity this client created moments
//! ago is tried again, because directory objects (users, groups, applications) replicate and a
//! read right after the create can reach a replica that has not seen it yet.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use http::{Method, StatusCode};
use tokio::time::Instant;

use super::{BoxFuture, Context, HttpRequest, HttpResponse, Next, Policy};
use crate::Error;

/// How many created ids the policy remembers (the oldest are forgotten first).
const REMEMBERED: usize = 1024;

/// The read-after-write settings of a client ([`ClientBuilder::read_after_write`](crate::ClientBuilder::read_after_write)).
///
/// On by default: a `GET` answered `404` whose path names, as a segment or a key (`users/{id}`,
/// `users('{id}')`), the id of an entity this client created (a `201` to a `POST`, its
/// `Location` or the `id` of its body) within the last [`window`](ReadAfterWrite::window)
/// (default 5 s) is sent again, up to [`retries`](ReadAfterWrite::retries) times (default 4),
/// waiting [`first_wait`](ReadAfterWrite::first_wait) (default 200 ms) and doubling: at most
/// about 3 s in all. A `DELETE` of the id ends its window. Each retry is logged at `info` level
/// under the `graph_odata::read_after_write` target. Turn it off with [`ReadAfterWrite::off`].
///
/// ```
/// use std::time::Duration;
/// use graph_odata_runtime::{policy::ReadAfterWrite, Client};
/// let patient = Client::builder()
///     .read_after_write(ReadAfterWrite::default().window(Duration::from_secs(30)).retries(6))
///     .build();
/// let strict = Client::builder().read_after_write(ReadAfterWrite::off()).build();
/// # let _ = (patient, strict);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadAfterWrite {
    on: bool,
    window: Duration,
    retries: u32,
    first_wait: Duration,
}

impl Default for ReadAfterWrite {
    fn default() -> Self {
        ReadAfterWrite {
            on: true,
            window: Duration::from_secs(5),
            retries: 4,
            first_wait: Duration::from_millis(200),
        }
    }
}

impl ReadAfterWrite {
    /// No retries of 404s: a read right after a create may fail.
    pub fn off() -> ReadAfterWrite {
        ReadAfterWrite {
            on: false,
            ..ReadAfterWrite::default()
        }
    }

    /// How long after its creation an entity's 404 is retried (default 5 s).
    #[must_use]
    pub fn window(mut self, window: Duration) -> ReadAfterWrite {
        self.window = window;
        self
    }

    /// How many times one `GET` is sent again (default 4).
    #[must_use]
    pub fn retries(mut self, n: u32) -> ReadAfterWrite {
        self.retries = n;
        self
    }

    /// The first wait before sending again; it doubles (default 200 ms).
    #[must_use]
    pub fn first_wait(mut self, wait: Duration) -> ReadAfterWrite {
        self.first_wait = wait;
        self
    }

    pub(crate) fn policy(self) -> Option<ReadAfterWritePolicy> {
        (self.on && self.retries > 0).then(|| ReadAfterWritePolicy {
            settings: self,
            created: Mutex::new(VecDeque::new()),
            remembering: AtomicBool::new(false),
        })
    }
}

/// The policy in the chain, with the ids created recently.
#[derive(Debug)]
pub(crate) struct ReadAfterWritePolicy {
    settings: ReadAfterWrite,
    /// `(id, created at)`, oldest first.
    created: Mutex<VecDeque<(String, Instant)>>,
    /// Whether `created` may hold anything: read without the lock by every `GET`.
    remembering: AtomicBool,
}

impl ReadAfterWritePolicy {
    fn created(&self) -> std::sync::MutexGuard<'_, VecDeque<(String, Instant)>> {
        self.created.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn remember(&self, id: String) {
        let mut created = self.created();
        if created.len() == REMEMBERED {
            created.pop_front();
        }
        created.push_back((id, Instant::now()));
        self.remembering.store(true, Ordering::Release);
    }

    fn forget(&self, request: &HttpRequest) {
        let segments = segments(request);
        self.created().retain(|(id, _)| !segments.contains(id));
    }

    /// Whether anything was created within the window (the ones past it are dropped).
    fn any_recent(&self) -> bool {
        if !self.remembering.load(Ordering::Acquire) {
            return false;
        }
        let mut created = self.created();
        if created.is_empty() {
            self.remembering.store(false, Ordering::Release);
            return false;
        }
        let now = Instant::now();
        // Remembered in the order they were created: the expired ones are at the front.
        while created
            .front()
            .is_some_and(|(_, at)| now.duration_since(*at) >= self.settings.window)
        {
            created.pop_front();
        }
        !created.is_empty()
    }

    /// When the id named in `request`'s path was created, if within the window.
    fn recent(&self, request: &HttpRequest) -> Option<(String, Instant)> {
        let segments = segments(request);
        let now = Instant::now();
        let mut created = self.created();
        created.retain(|(_, at)| now.duration_since(*at) < self.settings.window);
        created
            .iter()
            .rev()
            .find(|(id, _)| segments.contains(id))
            .cloned()
    }
}

/// The path's segments, percent-decoded, with `name('key')` also giving `key`.
fn segments(request: &HttpRequest) -> Vec<String> {
    let mut out = Vec::new();
    for raw in request.url.path().split('/') {
        let seg = percent_encoding::percent_decode_str(raw)
            .decode_utf8_lossy()
            .into_owned();
        if let Some(open) = seg.find('(')
            && let Some(key) = seg[open + 1..].strip_suffix(')')
        {
            out.push(key.trim_matches('\'').to_owned());
        }
        out.push(seg);
    }
    out
}

/// The id of what a `201 Created` made: the body's `id`, else the last key of `Location`.
fn created_id(response: &HttpResponse) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct WithId {
        id: Option<String>,
    }
    if let Some(body) = response.body.as_bytes()
        && let Ok(WithId { id: Some(id) }) = serde_json::from_slice::<WithId>(body)
        && !id.is_empty()
    {
        return Some(id);
    }
    let location = response
        .headers
        .get(http::header::LOCATION)?
        .to_str()
        .ok()?;
    let path = location.split(['?', '#']).next()?;
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let last = match last.find('(') {
        Some(open) => last[open + 1..].strip_suffix(')')?.trim_matches('\''),
        None => last,
    };
    let last = percent_encoding::percent_decode_str(last).decode_utf8_lossy();
    (!last.is_empty()).then(|| last.into_owned())
}

impl Policy for ReadAfterWritePolicy {
    fn send<'a>(
        &'a self,
        ctx: &'a Context,
        request: &'a mut HttpRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        // Only a create, a delete, or a read while something created lately is remembered needs
        // the answer: everything else goes straight on (no layer of its own in the call).
        let watched = match request.method {
            Method::POST | Method::DELETE => true,
            Method::GET => self.any_recent(),
            _ => false,
        };
        if !watched {
            return next.send(ctx, request);
        }
        Box::pin(async move {
            let mut response = next.send(ctx, &mut *request).await?;
            match (&request.method, response.status) {
                (&Method::POST, StatusCode::CREATED) => {
                    if let Some(id) = created_id(&response) {
                        self.remember(id);
                    }
                }
                (&Method::DELETE, status) if status.is_success() => self.forget(request),
                (&Method::GET, StatusCode::NOT_FOUND) => {
                    let Some((_, at)) = self.recent(request) else {
                        return Ok(response);
                    };
                    let mut wait = self.settings.first_wait;
                    for retry in 1..=self.settings.retries {
                        if at.elapsed() + wait > self.settings.window {
                            break;
                        }
                        tracing::info!(
                            target: "graph_odata::read_after_write",
                            retry,
                            ?wait,
                            path = %crate::redact::log_path(request.url.path()),
                            "404 for an entity created {:?} ago; reading again",
                            at.elapsed()
                        );
                        ctx.sleep(wait).await?;
                        wait *= 2;
                        response = next.send(ctx, &mut *request).await?;
                        if response.status != StatusCode::NOT_FOUND {
                            break;
                        }
                    }
                }
                _ => {}
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::testing::{Script, ctx, get, run, status};
    use std::sync::Arc;

    fn created(id: &str) -> HttpResponse {
        HttpResponse::new(
            StatusCode::CREATED,
            http::HeaderMap::new(),
            format!(r#"{{"id":"{id}","displayName":"x"}}"#),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn a_404_on_a_fresh_id_is_read_again() {
        let policy = Arc::new(ReadAfterWrite::default().policy().unwrap());
        let script = Script::new(vec![Box::new(|_| Ok(created("u1")))]);
        let mut post = get("https://graph.microsoft.com/v1.0/users");
        post.method = Method::POST;
        run(policy.clone(), script, &ctx(), post).await.unwrap();
        let script = Script::new(vec![
            Box::new(|_| Ok(status(404))),
            Box::new(|_| Ok(status(404))),
            Box::new(|_| Ok(status(200))),
        ]);
        let r = run(
            policy.clone(),
            script.clone(),
            &ctx(),
            get("https://graph.microsoft.com/v1.0/users('u1')"),
        )
        .await
        .unwrap();
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(script.seen().len(), 3);
        // Another id's 404 is the answer at once.
        let script = Script::new(vec![Box::new(|_| Ok(status(404)))]);
        let r = run(
            policy.clone(),
            script.clone(),
            &ctx(),
            get("https://graph.microsoft.com/v1.0/users/u2"),
        )
        .await
        .unwrap();
        assert_eq!((r.status.as_u16(), script.seen().len()), (404, 1));
    }

    #[tokio::test(start_paused = true)]
    async fn retries_are_bounded_by_count_and_window() {
        let policy = Arc::new(ReadAfterWrite::default().policy().unwrap());
        policy.remember("u1".into());
        let script = Script::new(vec![Box::new(|_| Ok(status(404)))]);
        let r = run(
            policy.clone(),
            script.clone(),
            &ctx(),
            get("https://x/v1.0/users/u1"),
        )
        .await
        .unwrap();
        assert_eq!(r.status.as_u16(), 404);
        assert_eq!(script.seen().len(), 5, "the first try and 4 retries");
        tokio::time::advance(Duration::from_secs(6)).await;
        let script = Script::new(vec![Box::new(|_| Ok(status(404)))]);
        run(
            policy.clone(),
            script.clone(),
            &ctx(),
            get("https://x/v1.0/users/u1"),
        )
        .await
        .unwrap();
        assert_eq!(script.seen().len(), 1, "past the window");
    }

    #[tokio::test(start_paused = true)]
    async fn a_delete_ends_the_window() {
        let policy = Arc::new(ReadAfterWrite::default().policy().unwrap());
        policy.remember("u1".into());
        let mut delete = get("https://x/v1.0/users/u1");
        delete.method = Method::DELETE;
        run(
            policy.clone(),
            Script::new(vec![Box::new(|_| Ok(status(204)))]),
            &ctx(),
            delete,
        )
        .await
        .unwrap();
        let script = Script::new(vec![Box::new(|_| Ok(status(404)))]);
        run(
            policy.clone(),
            script.clone(),
            &ctx(),
            get("https://x/v1.0/users/u1"),
        )
        .await
        .unwrap();
        assert_eq!(script.seen().len(), 1);
        assert!(ReadAfterWrite::off().policy().is_none());
    }

    #[test]
    fn ids_from_location() {
        let r = HttpResponse::new(
            StatusCode::CREATED,
            {
                let mut h = http::HeaderMap::new();
                h.insert(
                    "location",
                    "https://x/v1.0/groups('g%201')".parse().unwrap(),
                );
                h
            },
            bytes::Bytes::new(),
        );
        assert_eq!(created_id(&r).as_deref(), Some("g 1"));
    }
}
