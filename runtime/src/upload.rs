//! Large file upload through an upload session: slices read from an `AsyncRead`, memory bounded by
//! one slice, resumed from `nextExpectedRanges` after a failure.

use std::fmt;

use bytes::Bytes;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::{Client, Error, ErrorKind, Request};

/// Slices must be multiples of this (320 KiB), as Graph requires.
pub const SLICE_UNIT: usize = 320 * 1024;

/// The default slice: 10 × 320 KiB = 3.125 MiB (Graph suggests 5–10 MiB for fast links; smaller
/// slices lose less on a failure).
pub const DEFAULT_SLICE: usize = 10 * SLICE_UNIT;

/// An upload session, as `createUploadSession` and the session URL answer it.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UploadSession {
    /// The pre-authenticated URL the slices go to (never sent a token).
    #[serde(default)]
    pub upload_url: Option<String>,
    /// When the session expires.
    #[serde(default)]
    pub expiration_date_time: Option<String>,
    /// The byte ranges the service still expects (`["26-"]`, `["0-25", "30-"]`).
    #[serde(default)]
    pub next_expected_ranges: Vec<String>,
}

impl fmt::Debug for UploadSession {
    /// The pre-authenticated `upload_url` is a credential: only its scheme and host are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadSession")
            .field(
                "upload_url",
                &self.upload_url.as_deref().map(crate::redact::origin_only),
            )
            .field("expiration_date_time", &self.expiration_date_time)
            .field("next_expected_ranges", &self.next_expected_ranges)
            .finish()
    }
}

impl UploadSession {
    /// The first byte the service expects next.
    pub fn next_expected_start(&self) -> Option<u64> {
        self.next_expected_ranges
            .first()?
            .split('-')
            .next()?
            .parse()
            .ok()
    }
}

/// How an upload runs.
pub struct UploadOptions {
    slice: usize,
    max_resumes: u32,
    progress: Option<Box<dyn FnMut(u64, u64) + Send>>,
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            slice: DEFAULT_SLICE,
            max_resumes: 3,
            progress: None,
        }
    }
}

impl fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadOptions")
            .field("slice", &self.slice)
            .field("max_resumes", &self.max_resumes)
            .finish_non_exhaustive()
    }
}

impl UploadOptions {
    /// The slice size in bytes: a multiple of [`SLICE_UNIT`], at most 60 MiB.
    #[must_use]
    pub fn slice(mut self, bytes: usize) -> UploadOptions {
        self.slice = bytes;
        self
    }

    /// How many times one slice may be resumed from `nextExpectedRanges` after the client's own
    /// retries gave up (default 3).
    #[must_use]
    pub fn max_resumes(mut self, n: u32) -> UploadOptions {
        self.max_resumes = n;
        self
    }

    /// Called after each slice with (bytes uploaded, total).
    #[must_use]
    pub fn on_progress(mut self, f: impl FnMut(u64, u64) + Send + 'static) -> UploadOptions {
        self.progress = Some(Box::new(f));
        self
    }
}

impl Client {
    /// Uploads `size` bytes from `reader` through an upload session and returns the created item.
    ///
    /// `create_session` is the `POST …/createUploadSession` request (sent with the token); the
    /// slices go to the session's pre-authenticated URL without it, with `Content-Range`, one slice
    /// in memory at a time. A slice that still fails after the client's retries is resumed from the
    /// session's `nextExpectedRanges`. Only a 200 or 201 to the last slice is the created item; a
    /// 202 there means the service still expects bytes, which are sent again from its
    /// `nextExpectedRanges` (at most [`max_resumes`](UploadOptions::max_resumes) times, then an
    /// [`ErrorKind::Protocol`] error).
    ///
    /// ```no_run
    /// # async fn demo(client: graph_odata_runtime::Client) -> Result<(), graph_odata_runtime::Error> {
    /// use graph_odata_runtime::upload::{UploadOptions, UploadSession};
    /// use graph_odata_runtime::Request;
    /// let report: Vec<u8> = vec![0; 5_000_000]; // any `AsyncRead`: a file, a socket, a slice
    /// let (file, size) = (&report[..], report.len() as u64);
    /// let session = Request::<UploadSession>::post("/me/drive/root:/report.pdf:/createUploadSession", &serde_json::json!({}));
    /// let item: serde_json::Value = client
    ///     .upload(session, file, size, UploadOptions::default().on_progress(|done, total| println!("{done}/{total}")))
    ///     .await?;
    /// # let _ = item; Ok(()) }
    /// ```
    pub async fn upload<T, R>(
        &self,
        create_session: Request<UploadSession>,
        mut reader: R,
        size: u64,
        mut options: UploadOptions,
    ) -> Result<T, Error>
    where
        T: DeserializeOwned,
        R: AsyncRead + Unpin,
    {
        let slice = options.slice;
        if slice == 0 || !slice.is_multiple_of(SLICE_UNIT) || slice > 60 * 1024 * 1024 {
            return Err(Error::build(format!(
                "the upload slice must be a multiple of 320 KiB ({SLICE_UNIT} bytes) up to 60 MiB, not {slice}"
            )));
        }
        if size == 0 {
            return Err(Error::build(
                "an upload session cannot upload an empty file",
            ));
        }
        let session = self.send(create_session).await?;
        let url = session.upload_url.ok_or_else(|| {
            Error::kinded(ErrorKind::Protocol, "the upload session has no `uploadUrl`")
        })?;
        let mut buf = vec![0u8; slice.min(usize::try_from(size).unwrap_or(usize::MAX))];
        let mut offset: u64 = 0;
        loop {
            let want = (size - offset).min(slice as u64) as usize;
            reader.read_exact(&mut buf[..want]).await.map_err(|e| {
                Error::build(format!(
                    "the reader ended or failed at byte {offset} of {size}: {e}"
                ))
            })?;
            let last = offset + want as u64 == size;
            let mut from = 0usize;
            let mut resumes = 0;
            loop {
                let first = offset + from as u64;
                let end = offset + want as u64 - 1;
                let chunk = Bytes::copy_from_slice(&buf[from..want]);
                let range = format!("bytes {first}-{end}/{size}");
                let outcome = if last {
                    let request = Request::<serde_json::Value>::new(http::Method::PUT, url.clone())
                        .body_bytes(chunk, "application/octet-stream")
                        .header("Content-Range", &range)
                        .without_auth()
                        .decode_with(decode_last_slice::<T>);
                    match self.send(request).await {
                        Ok(LastSlice::Created(item)) => {
                            if let Some(progress) = options.progress.as_mut() {
                                progress(size, size);
                            }
                            return Ok(item);
                        }
                        Ok(LastSlice::Pending(status)) => Ok(Some(status)),
                        Err(e) => Err(e),
                    }
                } else {
                    let request = Request::<serde_json::Value>::new(http::Method::PUT, url.clone())
                        .body_bytes(chunk, "application/octet-stream")
                        .header("Content-Range", &range)
                        .without_auth();
                    self.send(request).await.map(|_| None)
                };
                let status = match outcome {
                    Ok(None) => break,
                    // A 202 to the last slice: the service still wants bytes of it.
                    Ok(Some(status)) => {
                        if resumes >= options.max_resumes {
                            return Err(Error::kinded(
                                ErrorKind::Protocol,
                                format!(
                                    "the upload session answered the last slice with 202 {} times, still \
                                     expecting {} instead of creating the item (`UploadOptions::max_resumes` is {})",
                                    resumes + 1,
                                    crate::redact::printable(
                                        &status.next_expected_ranges.join(","),
                                        80
                                    ),
                                    options.max_resumes
                                ),
                            ));
                        }
                        resumes += 1;
                        status
                    }
                    Err(error) => {
                        let resumable = error.is_connect()
                            || error.is_timeout()
                            || error.is_throttled()
                            || error
                                .status()
                                .is_some_and(|s| s.is_server_error() || s.as_u16() == 416);
                        if !resumable || resumes >= options.max_resumes {
                            return Err(error);
                        }
                        resumes += 1;
                        self.send(Request::<UploadSession>::get(url.clone()).without_auth())
                            .await?
                    }
                };
                let next = status.next_expected_start().ok_or_else(|| {
                    Error::kinded(
                        ErrorKind::Protocol,
                        "the upload session did not say which bytes it expects",
                    )
                })?;
                if next < offset || next > offset + want as u64 {
                    return Err(Error::kinded(
                        ErrorKind::Protocol,
                        format!(
                            "the upload session expects byte {next}, outside the slice {offset}-{end} still in memory"
                        ),
                    ));
                }
                if next == offset + want as u64 {
                    break;
                }
                tracing::info!(next, "resuming the upload from nextExpectedRanges");
                from = (next - offset) as usize;
            }
            if last {
                return Err(Error::kinded(
                    ErrorKind::Protocol,
                    "the upload session holds every byte but never returned the created item",
                ));
            }
            offset += want as u64;
            if let Some(progress) = options.progress.as_mut() {
                progress(offset, size);
            }
        }
    }
}

/// The answer to the last slice: the created item (200 or 201), or the session's status (202:
/// the service still expects bytes, listed in `nextExpectedRanges`).
enum LastSlice<T> {
    Created(T),
    Pending(UploadSession),
}

/// Decodes the answer to the last slice: only 200 and 201 carry the created item.
fn decode_last_slice<T: DeserializeOwned>(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: Bytes,
) -> Result<LastSlice<T>, Error> {
    match status.as_u16() {
        200 | 201 => crate::decode::decode_json(status, headers, body).map(LastSlice::Created),
        202 => crate::decode::decode_json(status, headers, body).map(LastSlice::Pending),
        other => Err(Error::kinded(
            ErrorKind::Protocol,
            format!(
                "the upload session answered the last slice with {other}, neither the created item \
                 (200 or 201) nor the bytes it still expects (202)"
            ),
        )),
    }
}
