//! What a request must pass before the emulator acts on it: a body no larger than the cap
//! ([`Emulator::set_max_body_size`](crate::Emulator::set_max_body_size)), read no further than
//! the cap.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::routes::Reply;

/// Reads the whole body of a request, or refuses it with 413 as soon as it is known to be larger
/// than `cap` bytes: from `Content-Length` before any byte is read, or after `cap + 1` bytes of
/// a body without one. A body that breaks off for another reason (the client went away) reads as
/// empty.
pub(super) async fn read_body(
    body: hyper::body::Incoming,
    headers: &HeaderMap,
    cap: usize,
) -> Result<Bytes, Reply> {
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > cap as u64) {
        return Err(too_large(cap));
    }
    match Limited::new(body, cap).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large(cap)),
        Err(_) => Ok(Bytes::new()),
    }
}

/// 413 naming the limit and how to change it.
fn too_large(cap: usize) -> Reply {
    Reply::error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "RequestEntityTooLarge",
        &format!(
            "The request body is larger than the emulator's limit of {cap} bytes \
             (`Emulator::set_max_body_size`, or `--max-body-size` of the emulator binary)."
        ),
    )
}
