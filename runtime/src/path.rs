//! Percent-encoding of key values and query strings: the one place graph-odata turns user values into
//! URL text; and the check and resolution of a request path against the service root.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

use crate::Error;
use crate::origin::{check_scheme, is_dot_segment};
use crate::redact::log_path;

mod builder;

pub use builder::PathBuilder;

/// Everything but RFC 3986 "unreserved" characters is encoded in a key segment: `/`, `#`, `?`, `%`,
/// `'`, space, `+` and `@` (`alice@contoso.com` → `alice%40contoso.com`, as Microsoft's SDKs send it).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// In a query value, OData's own punctuation stays readable (`$filter=startswith(displayName,'a')`),
/// and what would end or split the value is encoded.
const QUERY: &AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Encodes a key value (an id, a user principal name, …) as one URL path segment.
///
/// Errors when the value is empty (which would produce `//`) or is `.`/`..` (which URL parsers treat
/// as "this folder"/"parent folder").
///
/// ```
/// use graph_odata_runtime::path::encode_segment;
/// assert_eq!(encode_segment("alice@contoso.com").unwrap(), "alice%40contoso.com");
/// assert_eq!(encode_segment("bob_contoso.com#EXT#@fabrikam.onmicrosoft.com").unwrap(),
///            "bob_contoso.com%23EXT%23%40fabrikam.onmicrosoft.com");
/// assert!(encode_segment("").is_err());
/// ```
pub fn encode_segment(value: &str) -> Result<Cow<'_, str>, Error> {
    match value {
        "" => Err(Error::build(
            "a key value is empty; it would leave an empty path segment (`//`)",
        )),
        "." | ".." => Err(Error::build(format!(
            "the key value `{value}` cannot be used as a path segment"
        ))),
        _ => Ok(utf8_percent_encode(value, SEGMENT).into()),
    }
}

/// Encodes one query-string key or value.
///
/// ```
/// use graph_odata_runtime::path::encode_query_component;
/// assert_eq!(encode_query_component("startswith(displayName,'a b')"), "startswith(displayName,'a%20b')");
/// assert_eq!(encode_query_component("a&b=c+d"), "a%26b%3Dc%2Bd");
/// ```
pub fn encode_query_component(value: &str) -> Cow<'_, str> {
    utf8_percent_encode(value, QUERY).into()
}

/// Checks a request path (relative, or an absolute http(s) URL, with its query) before anything is
/// built from it: control characters, `#`, backslashes and `.`/`..` segments (raw or
/// percent-encoded) are refused. The one check for every way a request is made: [`resolve`] runs
/// it for `Client::send` (and so for pager links, uploads and downloads), and a `$batch` runs it
/// for each item.
pub(crate) fn check(path: &str) -> Result<(), Error> {
    // One pass over the bytes decides the common path: printable ASCII without `#` or `\`, and
    // without a `.` or `%` that could make a dot segment.
    let (mut plain, mut dots) = (true, false);
    for &b in path.as_bytes() {
        match b {
            b'#' | b'\\' | 0..0x20 | 0x7f.. => {
                plain = false;
                break;
            }
            b'.' | b'%' => dots = true,
            _ => {}
        }
    }
    if plain && !dots {
        return Ok(());
    }
    if let Some(bad) = path
        .chars()
        .find(|c| c.is_control() || matches!(c, '#' | '\\'))
    {
        return Err(Error::build(format!(
            "the path `{}` contains {}",
            log_path(path),
            match bad {
                '#' => "`#`; encode key values with `path::encode_segment`".to_owned(),
                '\\' => "a backslash".to_owned(),
                _ => "a control character".to_owned(),
            }
        )));
    }
    // A `.` or `..` segment, raw or percent-encoded, would be normalised by the URL parser (or
    // by the server) into another route, reached with the token: refuse it before sending.
    let path_part = path.split_once('?').map_or(path, |(p, _)| p);
    let after_origin = match path_part
        .strip_prefix("https://")
        .or_else(|| path_part.strip_prefix("http://"))
    {
        Some(rest) => rest.find('/').map_or("", |i| &rest[i..]),
        None => path_part,
    };
    if let Some(seg) = after_origin.split('/').find(|seg| is_dot_segment(seg)) {
        return Err(Error::build(format!(
            "the path `{}` has a `{seg}` segment, which would address another route; \
             encode key values with `path::encode_segment`",
            log_path(path)
        )));
    }
    Ok(())
}

/// The absolute URL of a request path: `root` plus `path` (which starts with `/` and may hold a
/// query string), or `path` itself when it is an absolute http(s) URL. Refused before anything is
/// sent: what [`check`] refuses, and a scheme the client may not use (see
/// [`check_scheme`](crate::origin::check_scheme)).
pub(crate) fn resolve(root: &Url, path: &str, allow_http: bool) -> Result<Url, Error> {
    check(path)?;
    let url = if path.starts_with('/') {
        // The root's path plus `path`, as a path-absolute reference against the parsed root:
        // its scheme and host are copied, not parsed and validated again on every call.
        let root_path = root.path().trim_end_matches('/');
        let mut joined = String::with_capacity(root_path.len() + path.len());
        joined.push_str(root_path);
        joined.push_str(path);
        if joined.starts_with("//") {
            // Under a root without a path, `//x/y` would be read as another host: set it as the
            // path of the root's own URL instead.
            let (p, q) = joined
                .split_once('?')
                .map_or((joined.as_str(), None), |(p, q)| (p, Some(q)));
            let mut url = root.clone();
            url.set_path(p);
            url.set_query(q);
            Ok(url)
        } else {
            root.join(&joined)
        }
    } else if path.starts_with("https://") || path.starts_with("http://") {
        Url::parse(path)
    } else {
        return Err(Error::build(format!(
            "the path `{}` must start with `/` (relative to the service root) \
             or be an absolute http(s) URL",
            log_path(path)
        )));
    }
    .map_err(|e| Error::build(format!("`{}` is not a valid URL: {e}", log_path(path))))?;
    check_scheme(&url, allow_http).map_err(|e| Error::build(e.to_string()))?;
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `check` refuses, written the long way: every character, then every segment.
    fn refused_the_long_way(path: &str) -> bool {
        if path
            .chars()
            .any(|c| c.is_control() || matches!(c, '#' | '\\'))
        {
            return true;
        }
        let path_part = path.split_once('?').map_or(path, |(p, _)| p);
        let after_origin = match path_part
            .strip_prefix("https://")
            .or_else(|| path_part.strip_prefix("http://"))
        {
            Some(rest) => rest.find('/').map_or("", |i| &rest[i..]),
            None => path_part,
        };
        after_origin.split('/').any(crate::origin::is_dot_segment)
    }

    #[test]
    fn the_one_pass_check_refuses_exactly_what_the_long_way_refuses() {
        // Every string of up to four pieces from an alphabet of the characters that matter.
        let pieces = [
            "/", ".", "%2e", "%2E", "%", "a", "?", "#", "\\", "\u{0}", "\u{1f}", "\u{7f}",
            "\u{85}", "é", "http://h", "2e",
        ];
        let mut paths = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for p in &paths {
                for piece in pieces {
                    next.push(format!("{p}{piece}"));
                }
            }
            paths.extend(next);
        }
        paths.sort();
        paths.dedup();
        let mut refused = 0;
        for path in &paths {
            let long = refused_the_long_way(path);
            assert_eq!(check(path).is_err(), long, "{path:?}");
            refused += usize::from(long);
        }
        // Both outcomes were exercised.
        assert!(refused > 1000 && refused < paths.len() - 1000, "{refused}");
    }

    #[test]
    fn a_path_stays_on_the_roots_host_whatever_it_starts_with() {
        for (root, path, want) in [
            (
                "http://127.0.0.1:9",
                "//evil.example/x",
                "http://127.0.0.1:9//evil.example/x",
            ),
            (
                "http://127.0.0.1:9/",
                "//evil.example/x?a=1",
                "http://127.0.0.1:9//evil.example/x?a=1",
            ),
            (
                "https://graph.microsoft.com/v1.0",
                "//evil.example/x",
                "https://graph.microsoft.com/v1.0//evil.example/x",
            ),
            (
                "https://graph.microsoft.com/v1.0/",
                "/me?$select=id",
                "https://graph.microsoft.com/v1.0/me?$select=id",
            ),
            (
                "https://graph.microsoft.com/v1.0",
                "/users/a b?$filter=x eq 'y'",
                "https://graph.microsoft.com/v1.0/users/a%20b?$filter=x%20eq%20%27y%27",
            ),
        ] {
            let url = resolve(&Url::parse(root).unwrap(), path, true).unwrap();
            assert_eq!(url.as_str(), want, "{root} + {path}");
            assert_eq!(url.host_str(), Url::parse(root).unwrap().host_str());
        }
    }

    #[test]
    fn paths_are_checked_before_sending() {
        let root = Url::parse("https://graph.microsoft.com/v1.0").unwrap();
        let bad = |p: &str| resolve(&root, p, false).unwrap_err().to_string();
        assert!(bad("me").contains("must start with `/`"));
        assert!(bad("/docs\\api/connections").contains("backslash"));
        assert!(bad("/users/a#b").contains("`#`"));
        assert!(bad("http://evil.example/x").contains("refusing plain http"));
        // Dot segments, raw or percent-encoded, in hand-built paths and absolute links: never
        // normalised into another route.
        for p in [
            "/users/../admin",
            "/users/./me",
            "/users/%2e%2e/admin",
            "/users/%2E%2E",
            "/users/.%2e/admin",
            "/users/%2e./admin",
            "/users/%2e",
            "/..",
            "https://graph.microsoft.com/v1.0/users/../../beta/admin",
            "https://graph.microsoft.com/v1.0/%2E%2E/beta/me?$top=1",
        ] {
            let msg = bad(p);
            assert!(
                msg.contains("segment, which would address another route"),
                "{p}: {msg}"
            );
        }
        // Dots inside a segment, and in the query, are ordinary text.
        for p in [
            "/drives/b/items/a..b",
            "/users/.hidden",
            "/me/messages?$filter=a eq '..'",
        ] {
            assert!(resolve(&root, p, false).is_ok(), "{p}");
        }
        assert_eq!(
            resolve(&root, "/users/a%40b.com/todo?$top=2", false)
                .unwrap()
                .as_str(),
            "https://graph.microsoft.com/v1.0/users/a%40b.com/todo?$top=2"
        );
    }

    #[test]
    fn segments_encode_every_reserved_character() {
        let cases = [
            ("a/b", "a%2Fb"),
            ("a#b", "a%23b"),
            ("a?b", "a%3Fb"),
            ("100%", "100%25"),
            ("O'Neil", "O%27Neil"),
            ("a b", "a%20b"),
            ("a+b", "a%2Bb"),
            ("zoë", "zo%C3%AB"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("alice@contoso.com", "alice%40contoso.com"),
            ("AAMkAGI2T-_.~", "AAMkAGI2T-_.~"),
            ("...", "..."),
        ];
        for (raw, want) in cases {
            assert_eq!(encode_segment(raw).unwrap(), want, "{raw}");
        }
    }

    #[test]
    fn empty_and_dot_segments_are_errors_naming_the_value() {
        let err = encode_segment("").unwrap_err();
        assert!(err.is_build());
        assert!(err.to_string().contains("empty"), "{err}");
        let err = encode_segment("..").unwrap_err();
        assert!(err.to_string().contains("`..`"), "{err}");
    }

    #[test]
    fn query_keeps_odata_punctuation() {
        assert_eq!(
            encode_query_component("displayName eq 'x' and id in ('a','b')"),
            "displayName%20eq%20'x'%20and%20id%20in%20('a','b')"
        );
        assert_eq!(encode_query_component("$select"), "$select");
        assert_eq!(encode_query_component("a/b:c@d,e"), "a/b:c@d,e");
        assert_eq!(encode_query_component("50%#"), "50%25%23");
    }
}
