//! What never reaches logs, `Debug` output or error messages as it is: the one list of sensitive
//! headers, URLs and paths cut to what is safe to log, and text made safe to print. A leaf: it
//! depends only on `http` and `url`.
//!
//! The list and its predicate are public so that the emulator (and any tool that logs requests)
//! redacts exactly what the client redacts.

use std::fmt;

use http::{HeaderMap, HeaderName};
use url::Url;

/// What a redacted value prints as.
pub const REDACTED: &str = "** redacted **";

/// The headers whose values never appear in `Debug` output or logs, and that a redirect to another
/// origin drops: credentials, cookies (`Set-Cookie` appears in answers, whose `Debug` output
/// redacts it too) and the API-key headers of common gateways (`x-api-key`, `api-key`,
/// `Ocp-Apim-Subscription-Key`, `x-functions-key`).
pub static SENSITIVE_HEADERS: [HeaderName; 8] = [
    http::header::AUTHORIZATION,
    http::header::PROXY_AUTHORIZATION,
    http::header::COOKIE,
    http::header::SET_COOKIE,
    HeaderName::from_static("x-api-key"),
    HeaderName::from_static("api-key"),
    HeaderName::from_static("ocp-apim-subscription-key"),
    HeaderName::from_static("x-functions-key"),
];

/// The query parameters whose values never appear in `Debug` output or logs (compared without
/// regard to case): signatures and tokens of pre-authenticated URLs (`sig`, `signature`, `token`,
/// `access_token`, `tempauth`, `X-Amz-Signature`, …), OAuth secrets (`code`, `client_secret`,
/// `password`) and the fields of an Azure shared access signature (`se`, `sp`, `sv`, `sr`, …), which
/// together with `sig` form the credential. In an absolute URL every query value is redacted.
pub const SENSITIVE_QUERY_PARAMS: &[&str] = &[
    "sig",
    "signature",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "tempauth",
    "code",
    "client_secret",
    "client_assertion",
    "password",
    "key",
    "api_key",
    "apikey",
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "x-goog-signature",
    "x-goog-credential",
    "se",
    "sp",
    "sv",
    "sr",
    "st",
    "spr",
    "skoid",
    "sktid",
];

/// Whether the query parameter `name` is one of [`SENSITIVE_QUERY_PARAMS`].
///
/// ```
/// use graph_odata_runtime::redact::is_sensitive_query_param;
/// assert!(is_sensitive_query_param("SIG"));
/// assert!(!is_sensitive_query_param("$top"));
/// ```
pub fn is_sensitive_query_param(name: &str) -> bool {
    SENSITIVE_QUERY_PARAMS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(name))
}

/// A path or URL safe to print: the password of `user:pass@` removed, the values of
/// [`SENSITIVE_QUERY_PARAMS`] redacted, and for an absolute URL (a pre-authenticated link, whose
/// query is its credential) every query value redacted.
///
/// ```
/// use graph_odata_runtime::redact::redact_url;
/// assert_eq!(redact_url("/me/drive?$top=5&sig=abc"), "/me/drive?$top=5&sig=** redacted **");
/// assert_eq!(
///     redact_url("https://u:p@files.example/x?a=1"),
///     "https://u:** redacted **@files.example/x?a=** redacted **"
/// );
/// ```
pub fn redact_url(text: &str) -> String {
    let absolute = text.contains("://");
    let (before, query) = match text.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (text, None),
    };
    let mut out = String::with_capacity(text.len());
    match before.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(authority_end);
            out.push_str(scheme);
            out.push_str("://");
            match authority.rsplit_once('@') {
                Some((userinfo, host)) => {
                    let user = userinfo.split(':').next().unwrap_or("");
                    out.push_str(user);
                    if userinfo.contains(':') {
                        out.push(':');
                        out.push_str(REDACTED);
                    }
                    out.push('@');
                    out.push_str(host);
                }
                None => out.push_str(authority),
            }
            out.push_str(tail);
        }
        None => out.push_str(before),
    }
    if let Some(query) = query {
        out.push('?');
        let pairs = query.split('&').map(|pair| match pair.split_once('=') {
            Some((k, _)) if absolute || is_sensitive_query_param(k) => format!("{k}={REDACTED}"),
            _ => pair.to_owned(),
        });
        out.push_str(&pairs.collect::<Vec<_>>().join("&"));
    }
    out
}

/// A URL shown only by its scheme and host (`https://files.example/…`): for pre-authenticated URLs,
/// whose path may carry the credential too.
pub(crate) fn origin_only(text: &str) -> String {
    match Url::parse(text) {
        Ok(url) => format!("{}://{}/…", url.scheme(), url.host_str().unwrap_or("")),
        Err(_) => REDACTED.to_owned(),
    }
}

/// Whether `name` is one of [`SENSITIVE_HEADERS`].
///
/// ```
/// use graph_odata_runtime::{http, redact::is_sensitive_header};
/// assert!(is_sensitive_header(&http::header::AUTHORIZATION));
/// assert!(!is_sensitive_header(&http::header::ACCEPT));
/// ```
pub fn is_sensitive_header(name: &HeaderName) -> bool {
    SENSITIVE_HEADERS.contains(name)
}

/// The text shown for a header value: `** redacted **` for a sensitive header or a value marked
/// sensitive (`HeaderValue::set_sensitive`).
fn shown<'a>(name: &HeaderName, value: &'a http::HeaderValue) -> &'a str {
    if is_sensitive_header(name) || value.is_sensitive() {
        REDACTED
    } else {
        value.to_str().unwrap_or("<binary>")
    }
}

/// Headers for `Debug` output, with the values of [`SENSITIVE_HEADERS`] redacted.
pub(crate) struct RedactedHeaders<'a> {
    headers: &'a HeaderMap,
    as_list: bool,
}

impl<'a> RedactedHeaders<'a> {
    /// Printed as a map: `{"accept": "application/json"}`.
    pub(crate) fn map(headers: &'a HeaderMap) -> RedactedHeaders<'a> {
        RedactedHeaders {
            headers,
            as_list: false,
        }
    }

    /// Printed as a list of pairs: `[("accept", "application/json")]`.
    pub(crate) fn list(headers: &'a HeaderMap) -> RedactedHeaders<'a> {
        RedactedHeaders {
            headers,
            as_list: true,
        }
    }
}

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pairs = self.headers.iter().map(|(k, v)| (k.as_str(), shown(k, v)));
        if self.as_list {
            f.debug_list().entries(pairs).finish()
        } else {
            f.debug_map().entries(pairs).finish()
        }
    }
}

/// A path for logs and errors: without its query string, which may carry tokens (pre-authenticated
/// URLs) or personal data (`$filter`).
pub(crate) fn log_path(path: &str) -> &str {
    path.split('?').next().unwrap_or(path)
}

/// A URL for logs and errors: its origin and path, printable, without the query string.
pub(crate) fn log_url(url: &Url) -> String {
    // An opaque origin (`file:`, `data:`…) serialises as `null`: show the scheme instead.
    let origin = match url.origin() {
        origin @ url::Origin::Tuple(..) => origin.ascii_serialization(),
        url::Origin::Opaque(_) => format!("{}:", url.scheme()),
    };
    printable(&format!("{origin}{}", url.path()), 200)
}

/// The default of [`max_shown_text`]: 1 KiB.
pub const DEFAULT_MAX_SHOWN_TEXT: usize = 1024;

static MAX_SHOWN_TEXT: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(DEFAULT_MAX_SHOWN_TEXT);

/// The most characters of one piece of server text (an error's `code` or `message`, a request-id)
/// that `Display` of an error shows, [`DEFAULT_MAX_SHOWN_TEXT`] unless set with
/// [`set_max_shown_text`]. Longer text is cut with `…` and its length in bytes; the whole text
/// stays available through [`ApiError`](crate::ApiError)'s fields.
pub fn max_shown_text() -> usize {
    MAX_SHOWN_TEXT.load(std::sync::atomic::Ordering::Relaxed)
}

/// Sets [`max_shown_text`] for the whole process (at least 16 characters).
pub fn set_max_shown_text(chars: usize) {
    MAX_SHOWN_TEXT.store(chars.max(16), std::sync::atomic::Ordering::Relaxed);
}

/// Server text for `Display`: [`printable`], on one line, at most [`max_shown_text`] characters;
/// where it was cut, `…` and the original length follow (`…(10485760 bytes)`).
pub(crate) fn shown_text(text: &str) -> String {
    let max = max_shown_text();
    let mut out = printable(text, max);
    if out.ends_with('…') && text.chars().nth(max).is_some() {
        out.push_str(&format!("({} bytes)", text.len()));
    }
    out
}

/// `text` made safe to print: control characters (and the invisible ones that reorder text in a
/// terminal) written as escapes, at most `max` characters, a `…` where it was cut.
pub(crate) fn printable(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        if c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Up to `max` characters of `body` around byte `at`, lossily decoded and on one line.
pub(crate) fn snippet(body: &[u8], at: usize, max: usize) -> String {
    let at = at.min(body.len());
    let start = at.saturating_sub(max / 2);
    let end = (start + max).min(body.len());
    let text = String::from_utf8_lossy(&body[start..end]);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if end < body.len() {
        out.push('…');
    }
    if start > 0 {
        out.insert(0, '…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_control_and_bidi_characters() {
        assert_eq!(printable("a\u{1b}[31mb\nc", 50), "a\\u{1b}[31mb\\nc");
        assert_eq!(printable("x\u{202e}y", 50), "x\\u{202e}y");
        assert_eq!(printable("abcdef", 3), "abc…");
        assert_eq!(printable("café ✓", 50), "café ✓");
    }

    #[test]
    fn urls_lose_passwords_and_credential_query_values() {
        assert_eq!(
            redact_url("/a?$top=1&SIG=x&token=y"),
            "/a?$top=1&SIG=** redacted **&token=** redacted **"
        );
        assert_eq!(
            redact_url("https://h.example/p?x=1&y"),
            "https://h.example/p?x=** redacted **&y"
        );
        assert_eq!(redact_url("http://ann@h/p"), "http://ann@h/p");
        assert_eq!(redact_url("/plain"), "/plain");
        assert_eq!(
            origin_only("https://up.example/a/b?c=d"),
            "https://up.example/…"
        );
        assert_eq!(origin_only("not a url"), REDACTED);
    }

    #[test]
    fn shown_text_is_printable_and_bounded_with_its_length() {
        assert_eq!(shown_text("a\nb"), "a\\nb");
        let long = "x".repeat(5000);
        let shown = shown_text(&long);
        assert!(shown.ends_with("…(5000 bytes)"), "{shown}");
        assert_eq!(
            shown.chars().count(),
            DEFAULT_MAX_SHOWN_TEXT + "…(5000 bytes)".len() - 2
        );
    }

    #[test]
    fn snippet_marks_cut_ends() {
        assert_eq!(snippet(b"abcdefghij", 5, 4), "…defg…");
        assert_eq!(snippet(b"abc", 1, 10), "abc");
        assert_eq!(snippet(b"", 0, 10), "");
    }

    #[test]
    fn credentials_and_cookies_both_ways_are_sensitive() {
        for name in [
            "authorization",
            "proxy-authorization",
            "cookie",
            "set-cookie",
        ] {
            assert!(
                is_sensitive_header(&HeaderName::from_static(name)),
                "{name}"
            );
        }
        assert!(!is_sensitive_header(&http::header::LOCATION));
    }

    #[test]
    fn sensitive_headers_are_redacted_in_both_forms() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::ACCEPT, "application/json".parse().unwrap());
        for name in &SENSITIVE_HEADERS {
            headers.insert(name.clone(), "secret".parse().unwrap());
        }
        for text in [
            format!("{:?}", RedactedHeaders::map(&headers)),
            format!("{:?}", RedactedHeaders::list(&headers)),
        ] {
            assert!(!text.contains("secret"), "{text}");
            assert!(text.contains("application/json"), "{text}");
        }
        assert_eq!(
            format!("{:?}", RedactedHeaders::list(&headers))
                .chars()
                .next(),
            Some('[')
        );
    }
}
