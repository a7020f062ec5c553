//! Streaming downloads: a body read piece by piece, never held whole in memory, resumed with
//! `Range` after a dropped connection.
//!
//! Graph answers `GET /me/drive/items/{id}/content` with `302 Found` and a pre-authenticated URL on
//! another host; the client follows it **without** the token (the redirect policy drops it on
//! another origin). The body is then read as it arrives, through [`Download::chunk`], a
//! [`Stream`](futures_core::Stream) of [`Bytes`] ([`Download::into_stream`]) or an
//! [`AsyncRead`](tokio::io::AsyncRead) ([`Download::into_reader`]). Memory stays at one piece
//! (tens of KiB) whatever the size: the [size limit](crate::ClientBuilder::max_response_size) of
//! in-memory bodies does not apply; [`Download::max_bytes`] caps a download and
//! [`Download::deadline`] bounds its whole duration (both off by default).
//!
//! What a server cannot pass off: a `206` to a request without `Range` is refused unless its
//! `Content-Range` covers the whole resource; a resume is sent only with a validator of the first
//! answer in `If-Range` (a strong `ETag`, else `Last-Modified`), and a resumed part of another
//! version is refused, so two versions of a file are never spliced.
//!
//! ```no_run
//! # async fn demo(client: graph_odata_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use graph_odata_runtime::Request;
//! let download = client
//!     .download(Request::<()>::get("/me/drive/items/01BYE5RZ/content"))
//!     .await?
//!     .on_progress(|done, total| eprintln!("{done} of {total:?} bytes"));
//! let mut file = tokio::fs::File::create("report.pdf").await?;
//! let copied = tokio::io::copy(&mut download.into_reader(), &mut file).await?;
//! # let _ = copied; Ok(()) }
//! ```
//!
//! Dropping a [`Download`] (or its stream or reader) closes its connection at once.

use std::fmt;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::policy::{BoxFuture, Context, HttpRequest, ResponseBody};
use crate::{ApiError, Client, Error, ErrorKind, Request};

type Progress = Box<dyn FnMut(u64, Option<u64>) + Send>;

/// A body being downloaded. See the [module docs](self).
pub struct Download {
    client: Client,
    request: HttpRequest,
    anonymous: bool,
    client_request_id: String,
    status: StatusCode,
    headers: HeaderMap,
    body: ResponseBody,
    /// The absolute offset of the first byte of this download (non-zero for a ranged request).
    start: u64,
    /// The absolute offset of the next byte.
    pos: u64,
    /// One past the last byte, when the server said.
    end: Option<u64>,
    /// `If-Range` for resumes: a strong `ETag`, else `Last-Modified`.
    validator: Option<HeaderValue>,
    resumable: bool,
    resumes_left: u32,
    idle_timeout: Option<Duration>,
    /// When [`Download::download`] began; the [deadline](Download::deadline) counts from here.
    began: tokio::time::Instant,
    deadline: Option<Duration>,
    max_bytes: Option<u64>,
    progress: Option<Progress>,
    finished: bool,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("request", &self.request)
            .field("status", &self.status)
            .field("received", &self.received())
            .field("total", &self.total())
            .field("resumable", &self.resumable)
            .field("resumes_left", &self.resumes_left)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Sends `request` (usually a `GET …/content`) and returns as soon as the answer's headers are
    /// in, with the body still to read. Redirects are followed as for every call (the token stays
    /// with the service's own origin); the deadline and retries apply to getting the headers.
    ///
    /// A non-2xx answer is an error, as for [`Client::send`]. The request's answer type is not
    /// used (write `Request::<()>::get(…)` for a hand-built one).
    pub async fn download<T>(&self, request: Request<T>) -> Result<Download, Error> {
        let began = tokio::time::Instant::now();
        let (http_request, mut ctx) = self.prepare(&request)?;
        ctx.streaming = true;
        let client_request_id = ctx.client_request_id().to_owned();
        let response = self.answer(&mut ctx, &mut http_request.clone()).await?;
        let headers = response.headers;
        let status = response.status;
        if status == StatusCode::PARTIAL_CONTENT
            && !http_request.headers.contains_key(http::header::RANGE)
        {
            check_unsolicited_range(&headers)?;
        }
        let (start, end) = match content_range(&headers) {
            Some((first, last, _)) if status == StatusCode::PARTIAL_CONTENT => {
                // A hostile `bytes 0-18446744073709551615/*` must not overflow the arithmetic.
                let end = last.checked_add(1).ok_or_else(|| {
                    Error::kinded(
                        ErrorKind::Protocol,
                        format!("the Content-Range ends at byte {last}, past any body"),
                    )
                })?;
                (first, Some(end))
            }
            _ => (0, response.body.announced_length()),
        };
        let resumable = status == StatusCode::PARTIAL_CONTENT
            || headers
                .get("accept-ranges")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("bytes"));
        let validator = headers
            .get(http::header::ETAG)
            .filter(|v| !v.as_bytes().starts_with(b"W/"))
            .or_else(|| headers.get(http::header::LAST_MODIFIED))
            .cloned();
        Ok(Download {
            client: self.clone(),
            request: http_request,
            anonymous: ctx.anonymous,
            client_request_id,
            status,
            headers,
            body: response.body,
            start,
            pos: start,
            end,
            validator,
            resumable,
            resumes_left: 3,
            idle_timeout: self.try_timeout(),
            began,
            deadline: None,
            max_bytes: None,
            progress: None,
            finished: false,
        })
    }
}

impl Download {
    /// The status of the first answer (`200`, or `206` for a request that asked for a range).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the first answer.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The number of bytes this download will deliver, when the server said.
    pub fn total(&self) -> Option<u64> {
        self.end.map(|end| end - self.start)
    }

    /// The bytes delivered so far.
    pub fn received(&self) -> u64 {
        self.pos - self.start
    }

    /// Calls `f(received, total)` after each piece.
    #[must_use]
    pub fn on_progress(mut self, f: impl FnMut(u64, Option<u64>) + Send + 'static) -> Download {
        self.progress = Some(Box::new(f));
        self
    }

    /// How many times a dropped or stalled body is resumed with `Range` (default 3). Resuming
    /// needs a server that accepts ranges (`Accept-Ranges: bytes`, as Graph's download URLs do)
    /// and a validator in its first answer (a strong `ETag`, else `Last-Modified`), sent as
    /// `If-Range` so the rest belongs to the same content. Without a validator a dropped body is
    /// an error, never resumed: the rest could come from a newer version. A resumed part whose
    /// `ETag` differs from the first answer's, or a `200` with the whole body again (the content
    /// changed), is an [`ErrorKind::Protocol`] error rather than bytes appended; the caller
    /// restarts the download when it can discard what it has.
    #[must_use]
    pub fn max_resumes(mut self, n: u32) -> Download {
        self.resumes_left = n;
        self
    }

    /// How long to wait for the next piece before the connection counts as stalled (then resumed
    /// or failed with [`ErrorKind::Timeout`]). Default: the client's
    /// [per-try timeout](crate::ClientBuilder::try_timeout).
    #[must_use]
    pub fn idle_timeout(mut self, limit: Option<Duration>) -> Download {
        self.idle_timeout = limit;
        self
    }

    /// The most bytes this download delivers (default: no limit). A body that announces more, or
    /// goes on past it, stops with [`ErrorKind::TooLarge`] naming the limit; no byte past it is
    /// delivered. A body longer than its own `Content-Length` (or `Content-Range`) is an
    /// [`ErrorKind::Protocol`] error whatever the limit.
    #[must_use]
    pub fn max_bytes(mut self, limit: Option<u64>) -> Download {
        self.max_bytes = limit;
        self
    }

    /// How long the whole download may take, resumes included, counted from the call to
    /// [`Client::download`] (default: no limit, since a large file on a slow link may take
    /// hours; the client's deadline covers getting the headers, and the
    /// [idle timeout](Download::idle_timeout) a stall). Past it [`Download::chunk`] fails with
    /// [`ErrorKind::Timeout`] and the connection is closed.
    #[must_use]
    pub fn deadline(mut self, limit: Option<Duration>) -> Download {
        self.deadline = limit;
        self
    }

    /// The next piece of the body, `None` at the end. A connection dropped (or stalled) before
    /// the announced end is resumed from the next byte.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let Some(limit) = self.deadline.filter(|_| !self.finished) else {
            return self.next_piece().await;
        };
        match tokio::time::timeout_at(self.began + limit, self.next_piece()).await {
            Ok(read) => read,
            Err(_) => {
                self.finished = true;
                self.body = ResponseBody::from(Bytes::new());
                Err(Error::kinded(
                    ErrorKind::Timeout,
                    format!(
                        "the download passed its deadline of {limit:?} (Download::deadline) at \
                         byte {}",
                        self.pos
                    ),
                ))
            }
        }
    }

    /// [`Download::chunk`] without the deadline.
    async fn next_piece(&mut self) -> Result<Option<Bytes>, Error> {
        if !self.finished
            && let Some(err) = self.past_max_bytes(0)
        {
            return Err(err);
        }
        loop {
            if self.finished {
                return Ok(None);
            }
            let read = match self.idle_timeout {
                Some(limit) => match tokio::time::timeout(limit, self.body.chunk()).await {
                    Ok(r) => r,
                    Err(_) => Err(Error::kinded(
                        ErrorKind::Timeout,
                        format!("no data for {limit:?} while downloading"),
                    )),
                },
                None => self.body.chunk().await,
            };
            let failure = match read {
                Ok(Some(piece)) => {
                    let len = piece.len() as u64;
                    if let Some(err) = self.past_max_bytes(len) {
                        return Err(err);
                    }
                    if self
                        .end
                        .is_some_and(|end| self.pos.saturating_add(len) > end)
                    {
                        self.finished = true;
                        return Err(Error::kinded(
                            ErrorKind::Protocol,
                            "the server sent more bytes than it announced",
                        ));
                    }
                    self.pos += len;
                    let (received, total) = (self.received(), self.total());
                    if let Some(progress) = &mut self.progress {
                        progress(received, total);
                    }
                    return Ok(Some(piece));
                }
                Ok(None) => match self.end {
                    Some(end) if self.pos < end => Error::kinded(
                        ErrorKind::Connect,
                        format!("the body ended at byte {} of {end}", self.pos),
                    ),
                    _ => {
                        self.finished = true;
                        return Ok(None);
                    }
                },
                Err(e) => e,
            };
            if !self.resumable || self.resumes_left == 0 {
                self.finished = true;
                return Err(failure);
            }
            if self.validator.is_none() {
                // Without `If-Range` the rest could come from a newer version of the content and
                // be spliced onto the first part: the download fails instead.
                self.finished = true;
                return Err(Error::kinded(
                    failure.kind(),
                    format!(
                        "the body stopped at byte {} ({failure}) and is not resumed: the first \
                         answer had no strong ETag or Last-Modified to send in If-Range",
                        self.pos
                    ),
                )
                .with_source(failure));
            }
            self.resumes_left -= 1;
            tracing::info!(from = self.pos, error = %failure, "resuming the download with Range");
            if let Err(e) = self.resume().await {
                self.finished = true;
                return Err(e);
            }
        }
    }

    /// Asks for the rest of the body from `self.pos`.
    async fn resume(&mut self) -> Result<(), Error> {
        let mut request = self.request.clone();
        let range = match self.end {
            Some(end) => format!("bytes={}-{}", self.pos, end - 1),
            None => format!("bytes={}-", self.pos),
        };
        request.headers.insert(
            http::header::RANGE,
            HeaderValue::try_from(range).map_err(|_| Error::build("an invalid Range"))?,
        );
        if let Some(v) = &self.validator {
            request.headers.insert(http::header::IF_RANGE, v.clone());
        }
        let mut ctx = Context::new(self.client_request_id.clone(), 0);
        ctx.streaming = true;
        ctx.anonymous = self.anonymous;
        let mut request = request;
        let response = self.client.answer(&mut ctx, &mut request).await?;
        match response.status {
            StatusCode::PARTIAL_CONTENT => {
                let from = content_range(&response.headers).map(|(first, _, _)| first);
                if from != Some(self.pos) {
                    return Err(Error::kinded(
                        ErrorKind::Protocol,
                        format!(
                            "asked to resume at byte {}, the server answered a range from {}",
                            self.pos,
                            from.map_or("an unreadable position".to_owned(), |f| f.to_string())
                        ),
                    ));
                }
                if let Some(shown) = self.changed_etag(&response.headers) {
                    return Err(Error::kinded(
                        ErrorKind::Protocol,
                        format!(
                            "asked to resume at byte {}, the server answered a part of another \
                             version (ETag `{shown}`)",
                            self.pos
                        ),
                    ));
                }
                self.body = response.body;
                Ok(())
            }
            status if status.is_success() => Err(Error::kinded(
                ErrorKind::Protocol,
                format!(
                    "asked to resume at byte {}, the server sent the whole body again ({status}): \
                     the content changed, or the server ignores Range",
                    self.pos
                ),
            )),
            status => {
                let body = response.body.as_bytes().cloned().unwrap_or_default();
                Err(Error::from_api(ApiError::from_response(
                    status,
                    &response.headers,
                    &body,
                )))
            }
        }
    }

    /// The error for a download that would pass [`Download::max_bytes`] with `more` bytes (or
    /// announces it would); the download is then over and its connection closed.
    fn past_max_bytes(&mut self, more: u64) -> Option<Error> {
        let limit = self.max_bytes?;
        let announced = self.total().filter(|&total| total > limit);
        let reached = self.received().saturating_add(more);
        if announced.is_none() && reached <= limit {
            return None;
        }
        self.finished = true;
        self.body = ResponseBody::from(Bytes::new());
        let what = match announced {
            Some(total) => format!("the server announced {total} bytes"),
            None => format!("the body went past byte {}", self.received()),
        };
        Some(Error::kinded(
            ErrorKind::TooLarge,
            format!(
                "{what}, more than the download's limit of {limit} bytes (Download::max_bytes)"
            ),
        ))
    }

    /// The `ETag` of a resumed part (its first 100 characters; `Display` of the error makes them
    /// safe to show), when it differs from the strong `ETag` of the first
    /// answer.
    fn changed_etag(&self, resumed: &HeaderMap) -> Option<String> {
        let first = self.headers.get(http::header::ETAG)?;
        if first.as_bytes().starts_with(b"W/") {
            return None;
        }
        let now = resumed.get(http::header::ETAG)?;
        (now != first).then(|| {
            String::from_utf8_lossy(now.as_bytes())
                .chars()
                .take(100)
                .collect()
        })
    }

    /// The body as a [`Stream`](futures_core::Stream) of pieces; it ends after the first error.
    pub fn into_stream(self) -> DownloadStream {
        DownloadStream {
            idle: Some(self),
            pending: None,
        }
    }

    /// The body as an [`AsyncRead`](tokio::io::AsyncRead), e.g. for `tokio::io::copy`. Errors
    /// arrive as `std::io::Error`s wrapping the [`Error`].
    pub fn into_reader(self) -> DownloadReader {
        DownloadReader {
            stream: self.into_stream(),
            piece: Bytes::new(),
        }
    }
}

/// A `206` to a request without `Range` is the body only when its `Content-Range` covers the
/// whole resource (`bytes 0-{total-1}/{total}`); any other part would pass for the whole file.
/// Checked for downloads and for every [`Client::send`] / [`Client::execute`].
pub(crate) fn check_unsolicited_range(headers: &HeaderMap) -> Result<(), Error> {
    match content_range(headers) {
        Some((0, last, Some(total))) if last.checked_add(1) == Some(total) => Ok(()),
        _ => {
            let shown = headers
                .get(http::header::CONTENT_RANGE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_else(|| "no Content-Range".to_owned());
            let shown: String = shown.chars().take(100).collect();
            Err(Error::kinded(
                ErrorKind::Protocol,
                format!(
                    "the server answered 206 with Content-Range `{shown}` to a request for the \
                     whole body: a part would pass for the whole file"
                ),
            ))
        }
    }
}

/// `Content-Range: bytes first-last/total` (total may be `*`).
fn content_range(headers: &HeaderMap) -> Option<(u64, u64, Option<u64>)> {
    let v = headers.get(http::header::CONTENT_RANGE)?.to_str().ok()?;
    let (range, total) = v.strip_prefix("bytes ")?.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let (first, last): (u64, u64) = (first.trim().parse().ok()?, last.trim().parse().ok()?);
    (first <= last).then_some((first, last, total.trim().parse().ok()))
}

type Step = BoxFuture<'static, (Download, Result<Option<Bytes>, Error>)>;

/// A [`Download`] as a [`Stream`](futures_core::Stream) of [`Bytes`].
pub struct DownloadStream {
    idle: Option<Download>,
    pending: Option<Step>,
}

impl fmt::Debug for DownloadStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DownloadStream")
            .field("download", &self.idle)
            .field("reading", &self.pending.is_some())
            .finish()
    }
}

impl futures_core::Stream for DownloadStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            let Some(mut download) = this.idle.take() else {
                return Poll::Ready(None);
            };
            this.pending = Some(Box::pin(async move {
                let r = download.chunk().await;
                (download, r)
            }));
        }
        let Some(step) = this.pending.as_mut() else {
            return Poll::Ready(None);
        };
        match step.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((download, result)) => {
                this.pending = None;
                let item = result.transpose();
                if matches!(item, Some(Ok(_))) {
                    this.idle = Some(download);
                }
                Poll::Ready(item)
            }
        }
    }
}

/// A [`Download`] as an [`AsyncRead`](tokio::io::AsyncRead).
#[derive(Debug)]
pub struct DownloadReader {
    stream: DownloadStream,
    piece: Bytes,
}

impl tokio::io::AsyncRead for DownloadReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        while this.piece.is_empty() {
            match futures_core::Stream::poll_next(Pin::new(&mut this.stream), cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(std::io::Error::other(e))),
                Poll::Ready(Some(Ok(piece))) => this.piece = piece,
            }
        }
        let n = this.piece.len().min(buf.remaining());
        buf.put_slice(&this.piece.split_to(n));
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        let h = |v: &'static str| {
            let mut m = HeaderMap::new();
            m.insert(http::header::CONTENT_RANGE, HeaderValue::from_static(v));
            content_range(&m)
        };
        assert_eq!(h("bytes 0-9/10"), Some((0, 9, Some(10))));
        assert_eq!(h("bytes 5-9/*"), Some((5, 9, None)));
        assert_eq!(h("bytes 9-5/10"), None);
        assert_eq!(h("items 0-9/10"), None);
        assert_eq!(h("bytes */10"), None);
    }
}
