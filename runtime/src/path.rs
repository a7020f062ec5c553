//! Percent-encoding of key values and query strings: the one place graph-odata turns user values into
//! URL text.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Error;

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

#[cfg(test)]
mod tests {
    use super::*;

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
