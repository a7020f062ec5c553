//! JSON `$batch`: many typed requests in few round trips.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde_json::{Map, Value, json};

use crate::decode::Decoder;
use crate::error::ApiError;
use crate::{Client, Error, ErrorKind, Request};

/// Graph's limit of requests in one `$batch`.
pub const MAX_BATCH: usize = 20;

/// A set of requests sent as JSON `$batch` calls (see [`Client::send_batch`]).
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

#[derive(Debug, Clone)]
struct Item {
    id: String,
    method: http::Method,
    url: String,
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

/// One item's answer.
#[derive(Debug, Clone)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// Still throttled (429/503/504) when the retry budget ran out: reported as
    /// [`ErrorKind::Throttled`], as a single call would be, after this many sends.
    gave_up_after: Option<u32>,
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
}

impl BatchResults {
    /// The decoded answer to one request, or its error (typed like a single call's: status, code,
    /// message, request-id).
    pub fn get<T>(&self, handle: &Handle<T>) -> Result<T, Error> {
        match self.answers.get(handle.index) {
            None => Err(Error::build("this handle belongs to another batch")),
            Some(Err(e)) => Err(Error::kinded(e.kind, e.message.clone())),
            Some(Ok(a)) if a.status.is_success() => {
                (handle.decode)(a.status, &a.headers, a.body.clone())
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

/// One request of a `$batch` body. The URL is written as Graph documents it for Graph roots
/// (`/users`, relative to the version root) and as the OData spec gives it for other services
/// (`users`, relative to the service root, which may have a path of its own); a content-ID
/// reference is `$1/tasks` for both.
fn item_json(item: &Item, graph: bool) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), Value::String(item.id.clone()));
    o.insert(
        "method".into(),
        Value::String(item.method.as_str().to_owned()),
    );
    let url = if item.url.starts_with("/$") || !graph {
        item.url.trim_start_matches('/').to_owned()
    } else {
        item.url.clone()
    };
    o.insert("url".into(), Value::String(url));
    let mut headers = Map::new();
    for (k, v) in &item.headers {
        if let Ok(v) = v.to_str() {
            headers.insert(k.as_str().to_owned(), Value::String(v.to_owned()));
        }
    }
    if item.eventual && graph {
        headers
            .entry("consistencylevel")
            .or_insert_with(|| Value::String("eventual".into()));
    }
    if let Some(body) = &item.body {
        headers
            .entry("content-type")
            .or_insert_with(|| Value::String("application/json".into()));
        o.insert("body".into(), body.clone());
    }
    if !headers.is_empty() {
        o.insert("headers".into(), Value::Object(headers));
    }
    if !item.depends_on.is_empty() {
        o.insert("dependsOn".into(), json!(item.depends_on));
    }
    Value::Object(o)
}

fn answer_of(response: &Value) -> Option<(String, Answer)> {
    let id = response.get("id")?.as_str()?.to_owned();
    let status =
        StatusCode::from_u16(u16::try_from(response.get("status")?.as_u64()?).ok()?).ok()?;
    let mut headers = HeaderMap::new();
    if let Some(Value::Object(h)) = response.get("headers") {
        for (k, v) in h {
            if let (Ok(k), Some(Ok(v))) = (
                HeaderName::try_from(k.as_str()),
                v.as_str().map(HeaderValue::try_from),
            ) {
                headers.insert(k, v);
            }
        }
    }
    // The body is JSON for JSON answers, a string for `text/*` (a `$count`, a CSV report) and
    // base64 for anything else.
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_ascii_lowercase();
    let json = content_type.starts_with("application/json") || content_type.contains("+json");
    let body = match response.get("body") {
        None | Some(Value::Null) => Bytes::new(),
        Some(Value::String(s)) if content_type.starts_with("text/") => Bytes::from(s.clone()),
        Some(Value::String(s)) if !json => match crate::edm::Binary::from_base64(s) {
            Ok(b) => Bytes::from(b.0),
            Err(_) => Bytes::from(s.clone()),
        },
        Some(v) => Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
    };
    Some((
        id,
        Answer {
            status,
            headers,
            body,
            gave_up_after: None,
        },
    ))
}

impl Client {
    /// Sends a [`Batch`] as `$batch` calls of at most 20 requests. The whole call is retried like
    /// any request; items answered 429/503 (and 504 for idempotent methods) are sent again in a
    /// later call after their own `Retry-After` (or the backoff), together with the requests that
    /// depend on them, within the client's retry budget.
    pub async fn send_batch(&self, batch: Batch) -> Result<BatchResults, Error> {
        let mut answers: Vec<Option<Result<Answer, ItemError>>> = vec![None; batch.items.len()];
        let mut pending: Vec<usize> = Vec::new();
        for (i, item) in batch.items.iter().enumerate() {
            match &item.error {
                Some(e) => answers[i] = Some(Err(ItemError::new(ErrorKind::Build, e.clone()))),
                None => pending.push(i),
            }
        }
        let policy = self.retry_policy();
        let mut retries = 0u32;
        let mut waited = Duration::ZERO;
        let mut calls = 0u32;
        let mut sends: Vec<u32> = vec![0; batch.items.len()];
        loop {
            let mut again: Vec<usize> = Vec::new();
            let mut wait: Option<Duration> = None;
            let graph = self.is_graph();
            let per_call = batch
                .per_call
                .unwrap_or(if graph { MAX_BATCH } else { usize::MAX });
            for chunk in batch.chunks(&pending, per_call)? {
                let body = json!({"requests": chunk.iter().map(|&i| item_json(&batch.items[i], graph)).collect::<Vec<_>>()});
                calls += 1;
                let reply: Value = self.send(Request::post("/$batch", &body)).await?;
                let responses = reply
                    .get("responses")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                // Every answer is matched to its request by id; an id answered twice, never, or
                // one that was not asked is a protocol error, never resolved by guessing.
                let mut by_id: HashMap<String, Vec<Answer>> = HashMap::new();
                let mut unreadable = 0usize;
                for response in &responses {
                    match answer_of(response) {
                        Some((id, answer)) => by_id.entry(id).or_default().push(answer),
                        None => unreadable += 1,
                    }
                }
                let unknown: Vec<String> = by_id
                    .keys()
                    .filter(|id| !chunk.iter().any(|&i| &batch.items[i].id == *id))
                    .cloned()
                    .collect();
                if !unknown.is_empty() || unreadable > 0 {
                    tracing::warn!(
                        unknown = unknown.len(),
                        unreadable,
                        "$batch response holds answers that match no request"
                    );
                }
                for &i in &chunk {
                    let item = &batch.items[i];
                    sends[i] += 1;
                    let answer = match by_id.remove(&item.id) {
                        Some(mut list) if list.len() == 1 => list.remove(0),
                        Some(list) => {
                            answers[i] = Some(Err(ItemError::new(
                                ErrorKind::Protocol,
                                format!(
                                    "the $batch response answers request {} {} times",
                                    item.id,
                                    list.len()
                                ),
                            )));
                            continue;
                        }
                        None => {
                            let mut message = format!(
                                "the $batch response has no answer for request {}",
                                item.id
                            );
                            if !unknown.is_empty() {
                                message.push_str(&format!(
                                    " (it answers ids that were not asked: {})",
                                    crate::redact::printable(&unknown.join(", "), 120)
                                ));
                            }
                            if unreadable > 0 {
                                message.push_str(&format!(
                                    " ({unreadable} answers have no readable id or status)"
                                ));
                            }
                            answers[i] = Some(Err(ItemError::new(ErrorKind::Protocol, message)));
                            continue;
                        }
                    };
                    let throttled =
                        crate::retry::rules::is_retryable_status(answer.status, &item.method);
                    let failed_dependency = answer.status == StatusCode::FAILED_DEPENDENCY;
                    if throttled || failed_dependency {
                        if throttled {
                            let ra = crate::retry::after::parse_retry_after(
                                &answer.headers,
                                SystemTime::now(),
                            )
                            .unwrap_or_else(|| policy.backoff(retries + 1));
                            wait = Some(wait.map_or(ra, |w| w.max(ra)));
                        }
                        again.push(i);
                    }
                    answers[i] = Some(Ok(answer));
                }
            }
            // Items that failed only because a throttled dependency did are sent again with it.
            let throttled_ids: Vec<&str> = again
                .iter()
                .filter(|&&i| {
                    answers[i].as_ref().is_some_and(|a| {
                        a.as_ref()
                            .is_ok_and(|a| a.status != StatusCode::FAILED_DEPENDENCY)
                    })
                })
                .map(|&i| batch.items[i].id.as_str())
                .collect();
            again.retain(|&i| {
                let status = answers[i]
                    .as_ref()
                    .and_then(|a| a.as_ref().ok())
                    .map(|a| a.status);
                status != Some(StatusCode::FAILED_DEPENDENCY)
                    || batch.items[i]
                        .depends_on
                        .iter()
                        .any(|d| throttled_ids.contains(&d.as_str()))
            });
            let Some(delay) = wait else { break };
            if again.is_empty() {
                break;
            }
            if retries >= policy.get_max_retries() || waited + delay > policy.get_max_total_wait() {
                // Items still throttled are reported as a single call would be: `Throttled`.
                for &i in &again {
                    if let Some(Ok(answer)) = &mut answers[i]
                        && crate::retry::rules::is_retryable_status(
                            answer.status,
                            &batch.items[i].method,
                        )
                    {
                        answer.gave_up_after = Some(sends[i]);
                    }
                }
                tracing::warn!(
                    items = again.len(),
                    "giving up on throttled $batch items: retry budget spent"
                );
                break;
            }
            tracing::info!(
                items = again.len(),
                ?delay,
                "re-sending throttled $batch items"
            );
            tokio::time::sleep(delay).await;
            waited += delay;
            retries += 1;
            pending = again;
        }
        Ok(BatchResults {
            answers: answers
                .into_iter()
                .map(|a| {
                    a.unwrap_or_else(|| {
                        Err(ItemError::new(ErrorKind::Build, "the request was not sent"))
                    })
                })
                .collect(),
            calls,
        })
    }
}

#[cfg(test)]
mod url_form_tests {
    use super::*;

    #[test]
    fn item_urls_follow_graph_for_graph_roots_and_the_spec_otherwise() {
        let mut batch = Batch::new();
        let list = batch.add(Request::<Value>::post("/me/todo/lists", &json!({})));
        let _ = batch.add(Request::<Value>::get(list.path("tasks")).query("$top", "2"));
        let urls = |graph: bool| -> Vec<Value> {
            batch
                .items
                .iter()
                .map(|i| item_json(i, graph)["url"].clone())
                .collect()
        };
        assert_eq!(
            urls(true),
            [json!("/me/todo/lists"), json!("$1/tasks?$top=2")]
        );
        assert_eq!(
            urls(false),
            [json!("me/todo/lists"), json!("$1/tasks?$top=2")]
        );
        assert_eq!(batch.items[1].depends_on, ["1"]);
    }
}
