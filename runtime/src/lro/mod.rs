//! Long-running operations: a call answered `202 Accepted` with a monitor URL in `Location`,
//! polled until the operation ends.
//!
//! [`Client::start`] sends a `Request<Lro<T>>`; a `202` becomes an [`Lro`], any other 2xx answer
//! is the result at once ([`Started::Finished`]). The macros declare such an action with
//! `returns = Lro<T>`. [`Lro::wait`] polls until a terminal state:
//!
//! - Waits between polls: the monitor's `Retry-After` when it sends one, else 1 s doubling to
//!   30 s ([`FIRST_WAIT`], [`MAX_WAIT`]); never less than [`MIN_WAIT`] (100 ms), so a monitor
//!   answering `Retry-After: 0` cannot make the client spin.
//! - A total deadline ([`Lro::deadline`], default [`DEFAULT_DEADLINE`], 10 minutes) for each
//!   `wait`: past it, or when the next wait would end past it, an [`ErrorKind::Timeout`] error
//!   names the last status.
//! - The monitor URL is resolved against the request URL (a relative `Location` works). The token
//!   goes to the monitor only when it is on the service's origin or an allowed host
//!   ([`ClientBuilder::allowed_host`](crate::ClientBuilder::allowed_host)): a drive copy's
//!   monitor is pre-authenticated on another host and gets no `Authorization` header, nor any
//!   other header of the first request.
//! - Terminal states: `completed`/`succeeded` fetch the result (`resourceLocation`,
//!   `targetResourceLocation`, or `resourceId` in the drive the copy went to), a `200`/`201`
//!   without a `status` is the result itself, a `303 See Other` leads to it; `failed` is an
//!   [`ErrorKind::OperationFailed`] error holding the operation's `error`. An operation with no
//!   result (registering a schema) is read as `Lro<()>`.
//! - A monitor that redirects (other than `303`) is followed up to [`MAX_MONITOR_REDIRECTS`]
//!   times per poll; its bodies are read up to the client's response-size limit.
//! - Cancellation-safe and resumable: [`Lro::wait`] borrows the operation, so dropping the future
//!   (a timeout, `select!`) loses nothing, and the [`Monitor`] serializes (serde) to be polled in
//!   another process. The monitor URL is a credential: `Debug` shows only its origin.
//!
//! Each poll is logged at `debug` level under the `graph_odata::lro` target with the status,
//! progress and the wait chosen.

mod status;

use std::marker::PhantomData;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::ApiError;
use crate::redact::{log_url, origin_only};
use crate::{Client, Error, ErrorKind, Request};
use status::{State, Target};

/// The first wait between polls when the monitor sends no `Retry-After`.
pub const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest wait between polls without `Retry-After` (the wait doubles up to it).
pub const MAX_WAIT: Duration = Duration::from_secs(30);
/// The shortest wait between polls, whatever the monitor asks.
pub const MIN_WAIT: Duration = Duration::from_millis(100);
/// How long [`Lro::wait`] polls before it gives up, unless [`Lro::deadline`] says otherwise.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(600);
/// How many redirects (other than `303 See Other`) one poll follows.
pub const MAX_MONITOR_REDIRECTS: usize = 5;

/// Where a running operation reports its state: the monitor URL, and where a result named by id
/// lives. Serialize it to poll the operation later ([`Lro::resume`]).
///
/// The URL is a credential (a drive monitor is pre-authenticated): `Debug` shows its origin only.
///
/// ```
/// use graph_odata_runtime::lro::Monitor;
/// let monitor = Monitor::new("https://monitor.example/jobs/1?tempauth=secret").unwrap();
/// assert!(!format!("{monitor:?}").contains("secret"));
/// let saved = serde_json::to_string(&monitor).unwrap();
/// assert_eq!(serde_json::from_str::<Monitor>(&saved).unwrap(), monitor);
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitor {
    url: String,
    /// The collection (a path below the service root) a `resourceId` result is read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    items: Option<String>,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor")
            .field("origin", &origin_only(&self.url))
            .field("url", &"** redacted **")
            .finish()
    }
}

impl Monitor {
    /// A monitor at an absolute http(s) URL.
    pub fn new(url: &str) -> Result<Monitor, Error> {
        let parsed = parse(url)?;
        Ok(Monitor {
            url: parsed.to_string(),
            items: None,
        })
    }

    /// The monitor URL (a credential: do not log it).
    pub fn url(&self) -> &str {
        &self.url
    }
}

fn parse(url: &str) -> Result<Url, Error> {
    match Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "https" | "http") => Ok(u),
        _ => Err(Error::kinded(
            ErrorKind::Protocol,
            format!(
                "the monitor URL `{}` is not an absolute http(s) URL",
                origin_only(url)
            ),
        )),
    }
}

/// A running long-running operation whose result is a `T` (see the [module](self) for the
/// rules). Made by [`Client::start`] or [`Lro::resume`].
pub struct Lro<T> {
    monitor: Monitor,
    deadline: Duration,
    _t: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Lro<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lro")
            .field("monitor", &self.monitor)
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// A request typed `Request<Lro<T>>` declares an operation that answers `202 Accepted`: send it
/// with [`Client::start`]. Sent with [`Client::send`] instead, its answer does not decode: the
/// error says to use `start`.
impl<'de, T> Deserialize<'de> for Lro<T> {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom(
            "this request starts a long-running operation: send it with `Client::start`, which polls its monitor",
        ))
    }
}

impl<T> Clone for Lro<T> {
    fn clone(&self) -> Self {
        Lro {
            monitor: self.monitor.clone(),
            deadline: self.deadline,
            _t: PhantomData,
        }
    }
}

/// What [`Client::start`] got back.
#[derive(Debug)]
#[must_use = "a running operation does nothing until it is polled"]
pub enum Started<T> {
    /// The service answered at once with the result.
    Finished(T),
    /// `202 Accepted`: the operation runs; poll it.
    Running(Lro<T>),
}

impl<T: DeserializeOwned> Started<T> {
    /// The result: at once, or after [`Lro::wait`].
    pub async fn wait(self, client: &Client) -> Result<T, Error> {
        match self {
            Started::Finished(value) => Ok(value),
            Started::Running(lro) => lro.wait(client).await,
        }
    }
}

/// One poll's answer: still running (with what the monitor said), or the result.
#[derive(Debug)]
#[non_exhaustive]
pub enum Progress<T> {
    /// Not finished yet.
    Running {
        /// `status` as the monitor sent it (printable, bounded), if it sent one.
        status: Option<String>,
        /// `percentageComplete`, if sent.
        percent_complete: Option<f64>,
        /// The `Retry-After` the monitor asked for, if any.
        retry_after: Option<Duration>,
    },
    /// Finished with this result.
    Done(T),
}

impl<T: DeserializeOwned> Lro<T> {
    /// Polls the operation at `monitor` (one saved from an earlier [`Lro::monitor`]).
    pub fn resume(monitor: Monitor) -> Lro<T> {
        Lro {
            monitor,
            deadline: DEFAULT_DEADLINE,
            _t: PhantomData,
        }
    }

    /// The total time one [`wait`](Lro::wait) polls (default [`DEFAULT_DEADLINE`]).
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Lro<T> {
        self.deadline = deadline;
        self
    }

    /// The monitor, to save and [`resume`](Lro::resume) later.
    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// Polls until the operation ends or the deadline passes. Cancellation-safe: it borrows the
    /// operation and keeps no state of its own, so a dropped call can be made again.
    pub async fn wait(&self, client: &Client) -> Result<T, Error> {
        let end = crate::limits::instant_after(self.deadline);
        let mut backoff = FIRST_WAIT;
        // The status of the latest answer, for the deadline's message.
        let mut last: Option<String> = None;
        loop {
            let progress = match tokio::time::timeout_at(end, self.poll(client)).await {
                Ok(progress) => progress?,
                Err(_) => return Err(self.past_deadline(last.as_deref())),
            };
            let (status, retry_after) = match progress {
                Progress::Done(value) => return Ok(value),
                Progress::Running {
                    status,
                    retry_after,
                    ..
                } => (status, retry_after),
            };
            let wait = retry_after.unwrap_or(backoff).max(MIN_WAIT);
            backoff = (backoff * 2).min(MAX_WAIT);
            if status.is_some() {
                last = status;
            }
            if crate::limits::instant_after(wait) >= end {
                return Err(self.past_deadline(last.as_deref()));
            }
            tracing::debug!(target: "graph_odata::lro", ?wait, "operation still running");
            tokio::time::sleep(wait).await;
        }
    }

    fn past_deadline(&self, status: Option<&str>) -> Error {
        Error::kinded(
            ErrorKind::Timeout,
            format!(
                "the long-running operation at `{}` had not finished within its deadline of {:?} \
                 (last status: `{}`); poll it again later with `Lro::resume`",
                origin_only(&self.monitor.url),
                self.deadline,
                status.unwrap_or("none")
            ),
        )
    }

    /// Asks the monitor once.
    pub async fn poll(&self, client: &Client) -> Result<Progress<T>, Error> {
        let mut url = parse(&self.monitor.url)?;
        for _ in 0..=MAX_MONITOR_REDIRECTS {
            let (status, headers, body) = get_raw(client, &url).await?;
            let location = || -> Result<Url, Error> {
                let raw = headers
                    .get(http::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        Error::kinded(
                            ErrorKind::Protocol,
                            format!("the monitor answered {status} without a valid `Location`"),
                        )
                    })?;
                url.join(raw).map_err(|_| {
                    Error::kinded(
                        ErrorKind::Protocol,
                        "the monitor's `Location` is not a valid URL",
                    )
                })
            };
            if status == http::StatusCode::SEE_OTHER {
                return fetch(client, location()?).await.map(Progress::Done);
            }
            if status.is_redirection() {
                url = location()?;
                continue;
            }
            if !status.is_success() {
                return Err(Error::from_api(ApiError::from_response(
                    status, &headers, &body,
                )));
            }
            let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
            let report = json.as_ref().and_then(status::read);
            let retry_after =
                crate::retry::after::parse_retry_after(&headers, std::time::SystemTime::now());
            let Some(report) = report else {
                if status == http::StatusCode::ACCEPTED {
                    return Ok(Progress::Running {
                        status: None,
                        percent_complete: None,
                        retry_after,
                    });
                }
                // A 200/201 without a status: the result itself.
                return decode::<T>(status, &headers, body).map(Progress::Done);
            };
            tracing::debug!(
                target: "graph_odata::lro",
                status = %report.status,
                percent = ?report.percent,
                monitor = %origin_only(&self.monitor.url),
                "monitor polled"
            );
            return match report.state {
                State::Running => Ok(Progress::Running {
                    status: Some(report.status),
                    percent_complete: report.percent,
                    retry_after,
                }),
                State::Failed(error) => Err(failed(status, &headers, error, &report.status)),
                State::Succeeded(None) => {
                    decode::<T>(status, &headers, Bytes::from_static(b"null"))
                        .map(Progress::Done)
                        .map_err(|e| {
                            e.with_message(
                                "the operation completed without naming its result; \
                                 read it as `Lro<()>` or fetch it yourself",
                            )
                        })
                }
                State::Succeeded(Some(target)) => {
                    let at = match target {
                        Target::Location(l) => self.target_url(client, &url, &l)?,
                        Target::Id(id) => self.item_url(client, &id)?,
                    };
                    fetch(client, at).await.map(Progress::Done)
                }
            };
        }
        Err(Error::kinded(
            ErrorKind::Redirect,
            format!(
                "the monitor redirected more than {MAX_MONITOR_REDIRECTS} times (last to `{}`)",
                log_url(&url)
            ),
        ))
    }

    /// `resourceLocation` / `targetResourceLocation`: an absolute URL, or a path below the
    /// service root (Teams sends `/teams('…')`).
    fn target_url(&self, client: &Client, monitor: &Url, location: &str) -> Result<Url, Error> {
        if location.starts_with('/') {
            return crate::path::resolve(client.service_root(), location, true);
        }
        monitor.join(location).map_err(|_| {
            Error::kinded(
                ErrorKind::Protocol,
                "the operation's result location is not a URL",
            )
        })
    }

    /// `resourceId`: an item of the collection the operation was started in.
    fn item_url(&self, client: &Client, id: &str) -> Result<Url, Error> {
        let items = self.monitor.items.as_deref().ok_or_else(|| {
            Error::kinded(
                ErrorKind::Protocol,
                "the operation completed with a `resourceId` but the request it came from \
                 names no collection to read it from; fetch it yourself",
            )
        })?;
        let id = crate::path::encode_segment(id)?;
        crate::path::resolve(client.service_root(), &format!("{items}/{id}"), true)
    }
}

/// A `GET` to a monitor: the token only for the service's own (or an allowed) origin, redirects
/// handed back, retries and limits as for any call.
async fn get_raw(
    client: &Client,
    url: &Url,
) -> Result<(http::StatusCode, http::HeaderMap, Bytes), Error> {
    let mut request = Request::<serde_json::Value>::get(url.as_str());
    if !client.token_allowed(url) {
        request = request.without_auth();
    }
    let (mut http_request, mut ctx) = client.prepare(&request)?;
    ctx.keep_redirects = true;
    let response = client.dispatch(&mut ctx, &mut http_request).await?;
    let body = response.body.as_bytes().cloned().unwrap_or_default();
    Ok((response.status, response.headers, body))
}

/// Reads the result at `url`, with the token only where it may go.
async fn fetch<T: DeserializeOwned>(client: &Client, url: Url) -> Result<T, Error> {
    let mut request = Request::<T>::get(url.as_str());
    if !client.token_allowed(&url) {
        request = request.without_auth();
    }
    client.send(request).await
}

fn decode<T: DeserializeOwned>(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: Bytes,
) -> Result<T, Error> {
    crate::decode::decode_json::<T>(status, headers, body)
}

/// The error of a failed operation, with its `error` object as Graph's error JSON.
fn failed(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    error: Option<serde_json::Value>,
    state: &str,
) -> Error {
    let error = error.unwrap_or_else(|| {
        serde_json::json!({"code": "operationFailed", "message": format!("the operation ended `{state}`")})
    });
    let body = serde_json::to_vec(&serde_json::json!({ "error": error })).unwrap_or_default();
    Error::operation_failed(ApiError::from_response(status, headers, &body))
}

impl Client {
    /// Sends a request that may start a long-running operation: a `202 Accepted` with a monitor
    /// URL in `Location` becomes [`Started::Running`], any other 2xx is the result at once.
    /// Other services than Graph answer `202` when asked with `Prefer: respond-async`
    /// (add it with [`Request::header`]).
    ///
    /// The request's type, `Request<Lro<T>>`, says it answers `202` (the macros declare it with
    /// `returns = Lro<T>`); the result is a `T`.
    ///
    /// ```no_run
    /// # async fn demo(client: graph_odata_runtime::Client) -> Result<(), graph_odata_runtime::Error> {
    /// use graph_odata_runtime::{lro::Lro, Request};
    /// use serde_json::{json, Value};
    /// let copy = Request::<Lro<Value>>::post("/me/drive/items/01ABC/copy", &json!({"name": "plan (copy).txt"}));
    /// let item: Value = client.start(copy).await?.wait(&client).await?;
    /// # let _ = item; Ok(()) }
    /// ```
    pub async fn start<T: DeserializeOwned>(
        &self,
        request: Request<Lro<T>>,
    ) -> Result<Started<T>, Error> {
        let items = drive_items(&request);
        let request = request.expect::<T>();
        let (mut http_request, mut ctx) = self.prepare(&request)?;
        let response = self.answer(&mut ctx, &mut http_request).await?;
        if response.status != http::StatusCode::ACCEPTED {
            let body = response.body.as_bytes().cloned().unwrap_or_default();
            return request
                .decode(response.status, &response.headers, body)
                .map(Started::Finished);
        }
        let location = response
            .headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                Error::kinded(
                    ErrorKind::Protocol,
                    "the service answered 202 Accepted without a `Location` to poll",
                )
            })?;
        // Graph writes some monitors as a path below the service root without its version
        // (`/teams('…')/operations('…')`); any other relative `Location` is relative to the
        // request URL.
        let root = self.service_root();
        let root_path = root.path().trim_end_matches('/');
        let url = if location.starts_with('/')
            && !location.starts_with("//")
            && !root_path.is_empty()
            && !location.starts_with(&format!("{root_path}/"))
        {
            crate::path::resolve(root, location, true)
        } else {
            http_request.url.join(location).map_err(|_| {
                Error::kinded(
                    ErrorKind::Protocol,
                    "the `Location` of the 202 answer is not a valid URL",
                )
            })
        }?;
        let mut monitor = Monitor::new(url.as_str())?;
        monitor.items = items;
        Ok(Started::Running(Lro::resume(monitor)))
    }
}

/// For `POST …/items/{id}/copy`: the items collection the copy lands in (the target drive of
/// `parentReference.driveId`, else the source's).
fn drive_items<T>(request: &Request<T>) -> Option<String> {
    let path = request.path();
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let source = path.strip_suffix("/copy")?;
    let at = source.rfind("/items/")?;
    let target_drive = request
        .body_json()
        .and_then(|b| b["parentReference"]["driveId"].as_str().map(str::to_owned));
    match target_drive {
        Some(drive) => {
            Some(format!("/drives/{}", crate::path::encode_segment(&drive).ok()?) + "/items")
        }
        None => Some(source[..at + "/items".len()].to_owned()),
    }
}

#[cfg(test)]
mod tests;
