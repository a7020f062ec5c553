//! What a request must pass before the emulator acts on it, in this order:
//!
//! 1. a `Host` on loopback (`127.0.0.0/8`, `[::1]`, `localhost`, any port), or 421: a web page
//!    that rebinds its own DNS name to 127.0.0.1 still sends its own name as `Host`;
//! 2. no cross-site browser request: an `Origin` that is not on loopback, or `Sec-Fetch-Site:
//!    cross-site` without a loopback `Origin`, is 403 (clients that are not browsers send
//!    neither and are unaffected);
//! 3. a body no larger than the cap
//!    ([`Emulator::set_max_body_size`](crate::Emulator::set_max_body_size)), read no further
//!    than the cap, or 413.
//!
//! A refused request's body is not read.

use std::net::IpAddr;

use bytes::Bytes;
use http::{HeaderMap, StatusCode, Uri};
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

/// Refuses a request not addressed to a loopback name: its `Host` header (and the authority of
/// an absolute request target, if there is one) must name `localhost`, an IPv4 loopback address
/// or `[::1]`, with any port.
pub(super) fn check_host(headers: &HeaderMap, uri: &Uri) -> Result<(), Reply> {
    let Some(host) = headers.get(http::header::HOST) else {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The request has no `Host` header; the emulator answers only requests addressed to \
             127.0.0.1, [::1] or localhost.",
        ));
    };
    let host = host.to_str().unwrap_or("");
    let target = uri.authority().map(|a| a.as_str());
    match std::iter::once(host)
        .chain(target)
        .find(|authority| !is_loopback_authority(authority))
    {
        None => Ok(()),
        Some(bad) => Err(Reply::error(
            StatusCode::MISDIRECTED_REQUEST,
            "MisdirectedRequest",
            &format!(
                "The request is addressed to `{}`, which is not a loopback name: the emulator \
                 answers only requests addressed to 127.0.0.1, [::1] or localhost (a defence \
                 against DNS rebinding).",
                shown(bad)
            ),
        )),
    }
}

/// Refuses a cross-site browser request: an `Origin` that is not a loopback origin (`null`
/// included), or `Sec-Fetch-Site: cross-site` without a loopback `Origin`.
pub(super) fn check_origin(headers: &HeaderMap) -> Result<(), Reply> {
    let refuse = |why: String| {
        Err(Reply::error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            &format!(
                "{why}: the emulator refuses cross-site browser requests; pages served from \
                 127.0.0.1, [::1] or localhost may call it."
            ),
        ))
    };
    if let Some(origin) = headers.get(http::header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let loopback = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .is_some_and(is_loopback_authority);
        return if loopback {
            Ok(())
        } else {
            refuse(format!(
                "The request comes from a web page at `{}`, which is not on loopback",
                shown(origin)
            ))
        };
    }
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"));
    if cross_site {
        return refuse("The browser marks the request `Sec-Fetch-Site: cross-site`".to_owned());
    }
    Ok(())
}

/// `host[:port]` where host is `localhost`, an IPv4 loopback address or a bracketed IPv6
/// loopback address.
fn is_loopback_authority(authority: &str) -> bool {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inside, after)) => match inside.parse::<std::net::Ipv6Addr>() {
                Ok(ip) if ip.is_loopback() => ("::1", after.strip_prefix(':')),
                _ => return false,
            },
            None => return false,
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port_ok = port.is_none_or(|p| p.is_empty() || p.parse::<u16>().is_ok());
    let host_ok = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    port_ok && host_ok
}

/// A header value quoted in an error message: at most 100 characters.
fn shown(value: &str) -> String {
    match value.char_indices().nth(100) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback_authority;

    #[test]
    fn loopback_authorities() {
        for yes in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.255.0.9:1",
            "localhost",
            "LocalHost:3000",
            "[::1]",
            "[::1]:443",
            "[0:0:0:0:0:0:0:1]:80",
        ] {
            assert!(is_loopback_authority(yes), "{yes}");
        }
        for no in [
            "",
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "127.0.0.1:99999",
            "127.0.0.1:x",
            "::1",
            "[::1",
            "[::2]:80",
            "[::ffff:127.0.0.1]",
            "10.0.0.1:80",
            "user@127.0.0.1",
            "localhost:80:80",
        ] {
            assert!(!is_loopback_authority(no), "{no}");
        }
    }
}
