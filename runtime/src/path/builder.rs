//! The path builder of generated endpoint methods: segments, keys and function calls, each value
//! percent-encoded.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{SEGMENT, encode_segment};
use crate::Error;
use crate::origin::is_dot_segment;

/// Builds an endpoint path piece by piece, percent-encoding every value (used by generated
/// endpoint methods). The first problem (an empty key, say) is kept and reported by `send`.
///
/// ```
/// use graph_odata_runtime::path::PathBuilder;
/// use graph_odata_runtime::{http::Method, Request};
/// let req: Request = PathBuilder::new()
///     .segment("users").key("id|userPrincipalName", "bob_contoso.com#EXT#@fabrikam.onmicrosoft.com")
///     .segment("drive").segment("root").call_start("getByPath")
///     .quoted_arg("path", "Reports/Q1 'final'.xlsx").call_end()
///     .request(Method::GET);
/// assert_eq!(
///     req.path(),
///     "/users/bob_contoso.com%23EXT%23%40fabrikam.onmicrosoft.com/drive/root/getByPath(path='Reports%2FQ1%20%27%27final%27%27.xlsx')"
/// );
/// ```
#[derive(Debug, Default, Clone)]
#[must_use]
pub struct PathBuilder {
    path: String,
    args: usize,
    error: Option<String>,
}

impl PathBuilder {
    /// An empty path.
    pub fn new() -> PathBuilder {
        PathBuilder::default()
    }

    /// Appends `/text` (a fixed segment, already valid URL text).
    pub fn segment(mut self, text: &str) -> PathBuilder {
        self.path.push('/');
        self.path.push_str(text);
        self
    }

    /// Appends `/value` (a key as a segment), percent-encoded; `name` is the placeholder, for errors.
    pub fn key(mut self, name: &str, value: &str) -> PathBuilder {
        self.path.push('/');
        self.push_key(name, value);
        self
    }

    fn push_key(&mut self, name: &str, value: &str) {
        match encode_segment(value) {
            Ok(v) => self.path.push_str(&v),
            Err(_) if value.is_empty() => self.fail(format!(
                "the key `{{{name}}}` is empty; it would leave an empty path segment (`//`)"
            )),
            Err(_) => self.fail(format!(
                "the key `{{{name}}}` is `{value}`, which cannot be a path segment"
            )),
        }
    }

    /// Appends `:/value:` (OneDrive's path-based addressing after `root` or an item id): the value
    /// keeps its `/` separators (a leading `/` is allowed) and every segment is percent-encoded;
    /// an empty value, an empty segment (`a//b`) or a `.`/`..` segment is an error naming `name`.
    ///
    /// ```
    /// use graph_odata_runtime::path::PathBuilder;
    /// let path = PathBuilder::new().segment("me").segment("drive").segment("root")
    ///     .item_path("itemPath", "Documents/a b#1.txt").segment("content").finish().unwrap();
    /// assert_eq!(path, "/me/drive/root:/Documents/a%20b%231.txt:/content");
    /// assert!(PathBuilder::new().segment("root").item_path("p", "a/../b").finish().is_err());
    /// ```
    pub fn item_path(mut self, name: &str, value: &str) -> PathBuilder {
        let trimmed = value.strip_prefix('/').unwrap_or(value);
        if trimmed.is_empty() {
            self.fail(format!("the item path `{{{name}}}` is empty"));
            return self;
        }
        self.path.push_str(":/");
        for (i, seg) in trimmed.split('/').enumerate() {
            if i > 0 {
                self.path.push('/');
            }
            if seg.is_empty() {
                self.fail(format!(
                    "the item path `{{{name}}}` (`{}`) has an empty segment",
                    crate::redact::printable(value, 80)
                ));
            } else if is_dot_segment(seg) {
                self.fail(format!(
                    "the item path `{{{name}}}` (`{}`) has a `{seg}` segment, which would address another item",
                    crate::redact::printable(value, 80)
                ));
            } else {
                self.path
                    .push_str(&utf8_percent_encode(seg, SEGMENT).to_string());
            }
        }
        self.path.push(':');
        self
    }

    /// Appends a key in parentheses: `('value')` when `quoted` (a string: quotes doubled,
    /// percent-encoded), else `(value)`, where the value must be a bare literal (a number, a GUID,
    /// a date, `true`: letters, digits and `.`, `-`, `+`, `:` only). Other text in an unquoted
    /// key is an error naming the placeholder: a server decodes the percent-encoding, so a `,`,
    /// `=`, `'` or `)` there would add key parts or close the key early.
    ///
    /// ```
    /// use graph_odata_runtime::path::PathBuilder;
    /// let path = PathBuilder::new().segment("Products").paren_key("id", "42", false).finish();
    /// assert_eq!(path.unwrap(), "/Products(42)");
    /// let err = PathBuilder::new().segment("Products").paren_key("id", "1,x='y'", false).finish();
    /// assert!(err.unwrap_err().to_string().contains("without quotes"));
    /// ```
    pub fn paren_key(mut self, name: &str, value: &str, quoted: bool) -> PathBuilder {
        if value.is_empty() {
            self.fail(format!("the key `{{{name}}}` is empty"));
        }
        self.path.push('(');
        if quoted {
            self.push_quoted(value);
        } else if value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+' | b':'))
        {
            self.push_key(name, value);
        } else {
            self.fail(format!(
                "the key `{{{name}}}` is written without quotes in the path (`({{{name}}})`), so it must be \
                 a number, GUID or other bare literal, and `{}` is not one; a string key is written \
                 `('{{{name}}}')`",
                crate::redact::printable(value, 80)
            ));
        }
        self.path.push(')');
        self
    }

    /// Opens a function call: `name(`.
    pub fn call_start(mut self, name: &str) -> PathBuilder {
        self.path.push('/');
        self.path.push_str(name);
        self.path.push('(');
        self.args = 0;
        self
    }

    /// Adds `name='value'` to an open call (a string: quotes doubled, percent-encoded).
    pub fn quoted_arg(mut self, name: &str, value: &str) -> PathBuilder {
        self.arg_name(name);
        self.push_quoted(value);
        self
    }

    /// Adds `name=literal` to an open call; `literal` is OData literal text (a number, `true`, a
    /// GUID, `'quoted'`), percent-encoded here.
    pub fn literal_arg(mut self, name: &str, literal: &str) -> PathBuilder {
        self.arg_name(name);
        self.path
            .push_str(&utf8_percent_encode(literal, LITERAL).to_string());
        self
    }

    /// Closes a function call: `)`.
    pub fn call_end(mut self) -> PathBuilder {
        self.path.push(')');
        self
    }

    fn arg_name(&mut self, name: &str) {
        if self.args > 0 {
            self.path.push(',');
        }
        self.args += 1;
        self.path.push_str(name);
        self.path.push('=');
    }

    fn push_quoted(&mut self, value: &str) {
        self.path.push('\'');
        self.path
            .push_str(&utf8_percent_encode(&value.replace('\'', "''"), SEGMENT).to_string());
        self.path.push('\'');
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// The path so far, or the first problem.
    pub fn finish(self) -> Result<String, Error> {
        match self.error {
            Some(e) => Err(Error::build(e)),
            None => Ok(self.path),
        }
    }

    /// A request for this path; a problem becomes a [`Build`](crate::ErrorKind::Build) error at send.
    pub fn request<T: serde::de::DeserializeOwned>(
        self,
        method: http::Method,
    ) -> crate::Request<T> {
        let error = self.error.clone();
        let request = crate::Request::new(method, self.path);
        match error {
            Some(e) => request.with_error(e),
            None => request,
        }
    }
}

/// OData literals in a function call keep `'`, `-`, `:`, `.` and `@` (parameter aliases) readable.
const LITERAL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'\'')
    .remove(b':')
    .remove(b'@');

#[cfg(test)]
mod builder_tests {
    use super::*;

    #[test]
    fn empty_keys_are_reported_with_their_placeholder() {
        let err = PathBuilder::new()
            .segment("me")
            .key("todoTaskListId", "")
            .finish()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request: the key `{todoTaskListId}` is empty; it would leave an empty path segment (`//`)"
        );
        let err = PathBuilder::new().key("id", "..").finish().unwrap_err();
        assert!(err.to_string().contains("`..`"), "{err}");
    }

    #[test]
    fn calls_and_parenthesised_keys() {
        let p = PathBuilder::new()
            .segment("users")
            .paren_key("id", "O'Neil@x.com", true)
            .call_start("f")
            .literal_arg("n", "42")
            .quoted_arg("s", "a&b")
            .literal_arg("when", "2026-01-01T00:00:00Z")
            .call_end()
            .finish()
            .unwrap();
        assert_eq!(
            p,
            "/users('O%27%27Neil%40x.com')/f(n=42,s='a%26b',when=2026-01-01T00:00:00Z)"
        );
        let p = PathBuilder::new()
            .call_start("delta")
            .call_end()
            .finish()
            .unwrap();
        assert_eq!(p, "/delta()");
    }
}
