//! JSON `$batch`: many typed requests in few round trips.

use std::collections::HashMap;
use std::marker::PhantomData;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::decode::Decoder;
use crate::error::ApiError;
use crate::redact::{RedactedHeaders, printable};
use crate::{Error, ErrorKind, Request};

mod json;
mod send;

/// Graph's limit of requests in one `$batch`.
pub const MAX_BATCH: usize = 20;

/// A set of requests sent as JSON `$batch` calls (see [`Client::send_batch`](crate::Client::send_batch)).
///
/// ```no_run
/// # async fn demo(client: graph_odata_runtime::Client) -> Result<(), graph_odata_runtime::Error> {
/// use graph_odata_runtime::{batch::Batch, Request};
/// use serde_json::{json, Value};
/// let mut batch = Batch::new();
/// let me = batch.add(Request::<Value>::get("/me"));
/// let list = batch.add(Request::<Value>::post("/me/todo/lists", &json!({"displayName": "Groceries"})));
/// let task = batch.add_after(
///     Request::<Value>::post("/me/todo/lists/{id}/tasks", &json!({"title": "Milk"})),
///     &[list.id()],
/// );
/// let results = client.send_batch(batch).await?;
/// let me: Value = results.get(&me)?;
/// # let _ = (me, task); Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct Batch {
    items: Vec<Item>,
    per_call: Option<usize>,
}

#[derive(Clone)]
struct Item {
    id: String,
    method: http::Method,
    url: String,
    /// `url` with its secrets redacted, for `Debug` output.
    shown_url: String,
    headers: HeaderMap,
    eventual: bool,
    body: Option<Value>,
    depends_on: Vec<String>,
    error: Option<String>,
}

/// A typed ticket for one request of a [`Batch`]; redeem it with [`BatchResults::get`].
#[derive(Debug)]
pub struct Handle<T> {
    index: usize,
    id: String,
    decode: Decoder<T>,
    _t: PhantomData<fn() -> T>,
}

impl<T> Handle<T> {
    /// The request's `id` in the batch (for `dependsOn`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// A path below the entity this request creates, for a later request of the same batch:
    /// `$<id>/rest` on the wire (an OData content-ID reference), resolved by the service to the
    /// new entity. The later request is made to depend on this one.
    ///
    /// ```
    /// use graph_odata_runtime::{batch::Batch, Request};
    /// use serde_json::{json, Value};
    /// let mut batch = Batch::new();
    /// let list = batch.add(Request::<Value>::post("/me/todo/lists", &json!({"displayName": "Trip"})));
    /// let task = batch.add(Request::<Value>::post(list.path("tasks"), &json!({"title": "Book"})));
    /// assert_eq!(list.path("tasks"), "/$1/tasks");
    /// # let _ = task;
    /// ```
    pub fn path(&self, rest: &str) -> String {
        let rest = rest.trim_start_matches('/');
        if rest.is_empty() {
            format!("/${}", self.id)
        } else {
            format!("/${}/{rest}", self.id)
        }
    }
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// The number of requests.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a request; its response type comes back through the handle.
    pub fn add<T>(&mut self, request: Request<T>) -> Handle<T> {
        self.add_after(request, &[])
    }

    /// The most requests sent in one `$batch` call. By default [`MAX_BATCH`] (Graph's limit of 20)
    /// when the service root is Graph, and no limit for other OData services (the spec sets none:
    /// the whole batch goes in one call). Requests that depend on each other always travel
    /// together.
    ///
    /// ```
    /// use graph_odata_runtime::batch::Batch;
    /// let batch = Batch::new().max_per_call(100);
    /// assert_eq!(batch.get_max_per_call(), Some(100));
    /// ```
    #[must_use]
    pub fn max_per_call(mut self, n: usize) -> Batch {
        self.per_call = Some(n.max(1));
        self
    }

    /// The limit set with [`Batch::max_per_call`], if any.
    pub fn get_max_per_call(&self) -> Option<usize> {
        self.per_call
    }

    /// Adds a request that runs only after `depends_on` (ids of requests added before) succeeded;
    /// otherwise it answers 424. Dependent requests always travel in the same `$batch` call.
    pub fn add_after<T>(&mut self, request: Request<T>, depends_on: &[&str]) -> Handle<T> {
        let index = self.items.len();
        let id = (index + 1).to_string();
        let mut error = request.build_error().map(str::to_owned);
        let url = request.url_path();
        // The same path check as `Client::send`: a refused item is answered with the error and
        // never sent.
        if let Err(e) = crate::path::check(&url) {
            error.get_or_insert(e.to_string());
        }
        if !url.starts_with('/') {
            error.get_or_insert(format!(
                "a $batch request needs a path relative to the service root, not `{}`",
                url.split('?').next().unwrap_or_default()
            ));
        }
        let body = match request.body() {
            None => None,
            Some(bytes) => match serde_json::from_slice::<Value>(bytes) {
                Ok(v) => Some(v),
                Err(_) => {
                    error.get_or_insert("a $batch request body must be JSON".to_owned());
                    None
                }
            },
        };
        let mut depends: Vec<String> = depends_on.iter().map(|d| (*d).to_owned()).collect();
        // A content-ID reference (`/$1/tasks`, from `Handle::path`) depends on that request.
        if let Some(reference) = url.strip_prefix("/$") {
            let target = reference
                .split(['/', '?'])
                .next()
                .unwrap_or_default()
                .to_owned();
            if !depends.contains(&target) {
                depends.push(target);
            }
        }
        for d in &depends {
            if !self.items.iter().any(|i| i.id == *d) {
                error.get_or_insert(format!(
                    "request {id} depends on `{}`, which is not an earlier request of this batch",
                    crate::redact::printable(d, 40)
                ));
            }
        }
        self.items.push(Item {
            id: id.clone(),
            method: request.method(),
            url,
            shown_url: request.shown_url_path(),
            headers: request.headers().clone(),
            eventual: request.is_eventual_consistency(),
            body,
            depends_on: depends,
            error,
        });
        Handle {
            index,
            id,
            decode: request.decoder(),
            _t: PhantomData,
        }
    }

    /// Splits the items into `$batch` calls of at most `per_call`, keeping every request with
    /// the requests it depends on (and those depending on it).
    fn chunks(&self, indices: &[usize], per_call: usize) -> Result<Vec<Vec<usize>>, Error> {
        // Union-find over dependsOn edges: a group must travel together.
        let mut parent: Vec<usize> = (0..self.items.len()).collect();
        fn root(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        let index_of: HashMap<&str, usize> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id.as_str(), i))
            .collect();
        for &i in indices {
            for d in &self.items[i].depends_on {
                if let Some(&j) = index_of.get(d.as_str()) {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
            }
        }
        let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
        for &i in indices {
            let r = root(&mut parent, i);
            match groups.iter_mut().find(|(g, _)| *g == r) {
                Some((_, members)) => members.push(i),
                None => groups.push((r, vec![i])),
            }
        }
        let mut chunks: Vec<Vec<usize>> = Vec::new();
        for (_, members) in groups {
            if members.len() > per_call {
                return Err(Error::build(format!(
                    "{} requests depend on each other; a $batch call holds at most {} here",
                    members.len(),
                    per_call
                )));
            }
            match chunks.last_mut() {
                Some(c) if c.len() + members.len() <= per_call => c.extend(members),
                _ => chunks.push(members),
            }
        }
        for c in &mut chunks {
            c.sort_unstable();
        }
        Ok(chunks)
    }
}

impl std::fmt::Debug for Item {
    /// Shows id, method, path and headers with their secrets redacted; the body by presence only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Item")
            .field("id", &self.id)
            .field("method", &self.method)
            .field("url", &self.shown_url)
            .field("headers", &RedactedHeaders::list(&self.headers))
            .field("has_body", &self.body.is_some())
            .field("depends_on", &self.depends_on)
            .field("error", &self.error.as_deref().map(|e| printable(e, 200)))
            .finish()
    }
}

/// One item's answer.
#[derive(Clone)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// Still throttled (429/503/504) when the retry budget ran out: reported as
    /// [`ErrorKind::Throttled`], as a single call would be, after this many sends.
    gave_up_after: Option<u32>,
}

impl std::fmt::Debug for Answer {
    /// Shows the status and the headers with their secrets redacted; the body by size only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders::list(&self.headers))
            .field("body_len", &self.body.len())
            .field("gave_up_after", &self.gave_up_after)
            .finish()
    }
}

/// A problem with one item that is not an HTTP answer (kept as parts: `Error` is not `Clone`).
#[derive(Debug, Clone)]
struct ItemError {
    kind: ErrorKind,
    message: String,
}

impl ItemError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> ItemError {
        ItemError {
            kind,
            message: message.into(),
        }
    }
}

/// The answers of a batch, redeemed by handle.
#[derive(Debug)]
pub struct BatchResults {
    answers: Vec<Result<Answer, ItemError>>,
    calls: u32,
    /// The client's `max_decoded_size` for one answer.
    max_decoded_size: u64,
}

impl BatchResults {
    /// The decoded answer to one request, or its error (typed like a single call's: status, code,
    /// message, request-id).
    pub fn get<T>(&self, handle: &Handle<T>) -> Result<T, Error> {
        match self.answers.get(handle.index) {
            None => Err(Error::build("this handle belongs to another batch")),
            Some(Err(e)) => Err(Error::kinded(e.kind, e.message.clone())),
            Some(Ok(a)) if a.status.is_success() => {
                crate::decode::scoped(self.max_decoded_size, || {
                    (handle.decode)(a.status, &a.headers, a.body.clone())
                })
            }
            Some(Ok(a)) if a.gave_up_after.is_some() => Err(Error::throttled(
                ApiError::from_response(a.status, &a.headers, &a.body),
            )
            .with_attempts(a.gave_up_after.unwrap_or(1))),
            Some(Ok(a)) => Err(Error::from_api(ApiError::from_response(
                a.status, &a.headers, &a.body,
            ))),
        }
    }

    /// The HTTP status of one request's answer, if it got one.
    pub fn status<T>(&self, handle: &Handle<T>) -> Option<StatusCode> {
        self.answers
            .get(handle.index)?
            .as_ref()
            .ok()
            .map(|a| a.status)
    }

    /// How many `$batch` calls were made (chunks and re-sends of throttled items).
    pub fn calls(&self) -> u32 {
        self.calls
    }
}
