//! The HTTP-line grammar: `METHOD /segment/{param}/…` exactly as the Graph docs print it. Pure: it
//! works on strings and is unit-tested without rustc.
//!
//! ```text
//! line     = method SP path
//! path     = "/" segment *( "/" segment )            (or https://graph.microsoft.com/{v1.0|beta}/…)
//! segment  = "{" alternatives "}"                      key as segment: {taskId}, {id|userPrincipalName}
//!          | name "(" [ key | args ] ")"               users('{id}'), items({id}), delta(), getByPath(path='{path}')
//!          | name                                      me, todo, microsoft.graph.sharedDriveItem, $value
//! item     = segment ":/" "{" name "}" ":"              root:/{itemPath}:, {itemId}:/{fileName}: (OneDrive's
//!                                                      path-based addressing; at most once, then more segments)
//! ```

use std::fmt;

use super::names::snake_from_camel;

/// An HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// A placeholder: `{todoTaskListId}` or `{id|userPrincipalName}` (alternative key names, one value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Param {
    /// As written, without braces: `id|userPrincipalName`.
    pub(crate) wire: String,
    /// The Rust parameter: `todo_task_list_id`, `id_or_user_principal_name`.
    pub(crate) rust: String,
}

/// A value inside parentheses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Arg {
    /// `'{path}'` (quoted: a string) or `{n}` (unquoted: a number, GUID, …).
    Param { param: Param, quoted: bool },
    /// Fixed text, written as it stands: `'root'`, `42`.
    Literal(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    /// Fixed text: a navigation, an entity set, a type cast, an action name.
    Literal(String),
    /// `{param}`: a key (or any value) as a whole segment.
    Key(Param),
    /// `name('{param}')` or `name({param})`: a key in parentheses.
    ParenKey { name: String, arg: Arg },
    /// `name()` or `name(a='{p}',b=1)`: a function call.
    Call {
        name: String,
        args: Vec<(String, Arg)>,
    },
    /// `:/{itemPath}:` after a drive item (`root:/{itemPath}:`, `{itemId}:/{fileName}:`): a path
    /// below that item, its `/` kept and every segment percent-encoded.
    ItemPath(Param),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HttpLine {
    pub(crate) method: Method,
    pub(crate) segments: Vec<Segment>,
    /// `v1.0` or `beta` when the line was an absolute Graph URL.
    pub(crate) version: Option<String>,
}

impl HttpLine {
    /// Every placeholder, in order.
    pub(crate) fn params(&self) -> Vec<&Param> {
        let mut out = Vec::new();
        for s in &self.segments {
            match s {
                Segment::Key(p) | Segment::ItemPath(p) => out.push(p),
                Segment::ParenKey {
                    arg: Arg::Param { param, .. },
                    ..
                } => out.push(param),
                Segment::Call { args, .. } => {
                    for (_, a) in args {
                        if let Arg::Param { param, .. } = a {
                            out.push(param);
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The name of the last segment (`createLink`, `linkedResources`, `delta`).
    pub(crate) fn last_name(&self) -> Option<&str> {
        match self.segments.last()? {
            Segment::Literal(l) => Some(l),
            Segment::ParenKey { name, .. } | Segment::Call { name, .. } => Some(name),
            Segment::Key(_) | Segment::ItemPath(_) => None,
        }
    }
}

/// What is wrong with an HTTP line; the message names the offending part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PathError {
    pub(crate) message: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn fail<T>(message: String) -> Result<T, PathError> {
    Err(PathError { message })
}

const METHODS: &[&str] = &["GET", "POST", "PATCH", "PUT", "DELETE"];

/// Parses one HTTP line.
pub(crate) fn parse(line: &str) -> Result<HttpLine, PathError> {
    let line = line.trim();
    let (method_text, path) = match line.split_once(char::is_whitespace) {
        Some((m, p)) => (m, p.trim()),
        None => {
            return fail(format!(
                "expected `METHOD /path`, e.g. `POST /me/todo/lists`, found `{line}`"
            ));
        }
    };
    let method = match method_text {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PATCH" => Method::Patch,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        other if METHODS.contains(&other.to_ascii_uppercase().as_str()) => {
            return fail(format!(
                "write the HTTP method in capitals: `{}`",
                other.to_ascii_uppercase()
            ));
        }
        other => {
            return fail(format!(
                "unknown HTTP method `{other}`; expected one of GET, POST, PATCH, PUT, DELETE"
            ));
        }
    };
    if let Some(c) = path.chars().find(|c| c.is_whitespace()) {
        return fail(format!(
            "the path `{path}` contains whitespace ({c:?}); write only `METHOD /path`"
        ));
    }
    if let Some(i) = path.find('\\') {
        // Up to 8 bytes either side, widened to whole characters.
        let mut from = i.saturating_sub(8);
        while !path.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (i + 8).min(path.len());
        while !path.is_char_boundary(to) {
            to += 1;
        }
        return fail(format!(
            "the path `{path}` contains a backslash at `{}`; paths use `/`",
            &path[from..to]
        ));
    }
    if path.contains('?') {
        return fail(format!(
            "the path `{path}` contains `?`; query options are not part of an endpoint path"
        ));
    }
    if path.contains('#') {
        return fail(format!("the path `{path}` contains `#`, which ends a URL"));
    }
    let (path, version) = strip_graph_root(path)?;
    let Some(rest) = path.strip_prefix('/') else {
        return fail(format!(
            "the path `{path}` must start with `/` (relative to the version root, as in the Graph docs)"
        ));
    };
    if rest.is_empty() {
        return fail("the path `/` names no resource".into());
    }
    let mut segments = Vec::new();
    // Path-based addressing: `…/root:/{itemPath}:/more`. Split it out before splitting on `/`,
    // since the item path is one placeholder whose value keeps its own `/`.
    let (before, item, after) = match rest.split_once(":/") {
        None => (rest, None, ""),
        Some((before, tail)) => {
            let form = "path-based addressing is written `root:/{itemPath}:` or \
                        `items/{itemId}:/{fileName}:`, optionally followed by `/content`, `/children`, …";
            let Some(inner) = tail.strip_prefix('{') else {
                return fail(format!(
                    "in `{path}`, `:/` must be followed by a placeholder; {form}"
                ));
            };
            let Some((name, tail)) = inner.split_once('}') else {
                return Err(unbalanced(tail));
            };
            let Some(after) = tail.strip_prefix(':') else {
                return fail(format!(
                    "in `{path}`, the item path `{{{name}}}` must end with `:`; {form}"
                ));
            };
            if !after.is_empty() && !after.starts_with('/') {
                return fail(format!(
                    "in `{path}`, a `/` must follow the item path's closing `:`; {form}"
                ));
            }
            if before.is_empty() || before.ends_with('/') {
                return fail(format!(
                    "in `{path}`, `:/{{{name}}}:` must follow a drive item (`root` or `{{itemId}}`); {form}"
                ));
            }
            if after.contains(":/") {
                return fail(format!("`{path}` uses path-based addressing twice; {form}"));
            }
            let param = placeholder(name, &format!("{{{name}}}"))?;
            (before, Some(param), after.strip_prefix('/').unwrap_or(""))
        }
    };
    let parts: Vec<&str> = before.split('/').collect();
    let mut tail_parts: Vec<&str> = Vec::new();
    if item.is_some() && !after.is_empty() {
        tail_parts = after.split('/').collect();
    }
    for raw in parts.iter().copied() {
        if raw.is_empty() {
            return fail(format!(
                "the path `{path}` has an empty segment (`//` or a trailing `/`)"
            ));
        }
        segments.push(segment(raw)?);
    }
    if let Some(param) = item {
        segments.push(Segment::ItemPath(param));
    }
    for raw in tail_parts {
        if raw.is_empty() {
            return fail(format!(
                "the path `{path}` has an empty segment (`//` or a trailing `/`)"
            ));
        }
        segments.push(segment(raw)?);
    }
    let line = HttpLine {
        method,
        segments,
        version,
    };
    let params = line.params();
    for (i, p) in params.iter().enumerate() {
        if params[..i].iter().any(|q| q.rust == p.rust) {
            return fail(format!(
                "the placeholder `{{{}}}` appears twice in `{path}`; each must name a different value",
                p.wire
            ));
        }
    }
    Ok(line)
}

/// `https://graph.microsoft.com/v1.0/me` → (`/me`, `v1.0`).
fn strip_graph_root(path: &str) -> Result<(&str, Option<String>), PathError> {
    let Some(after_scheme) = path.strip_prefix("https://") else {
        if path.starts_with("http://") {
            return fail(format!(
                "`{path}` is an absolute http URL; write the path relative to the version root"
            ));
        }
        return Ok((path, None));
    };
    let (host, rest) = after_scheme.split_once('/').unwrap_or((after_scheme, ""));
    const HOSTS: &[&str] = &[
        "graph.microsoft.com",
        "graph.microsoft.us",
        "dod-graph.microsoft.us",
        "microsoftgraph.chinacloudapi.cn",
    ];
    if !HOSTS.contains(&host) {
        return fail(format!(
            "`{path}` is not a Microsoft Graph URL; write the path relative to the service root"
        ));
    }
    let Some((version, tail)) = rest.split_once('/') else {
        return fail(format!(
            "`{path}` names no resource: add the path after the version, e.g. `https://{host}/{}/users`",
            if rest == "beta" { "beta" } else { "v1.0" }
        ));
    };
    if version != "v1.0" && version != "beta" {
        return fail(format!(
            "`{path}`: expected `v1.0` or `beta` after the host, found `{version}`"
        ));
    }
    // `tail` is what follows `{version}/`: the path starts at that slash.
    let at = path.len() - tail.len() - 1;
    Ok((&path[at..], Some(version.to_owned())))
}

fn identifier_error(text: &str) -> Option<&'static str> {
    let mut chars = text.chars();
    match chars.next() {
        None => Some("is empty"),
        Some(c) if !(c.is_ascii_alphabetic() || c == '_') => Some("must start with a letter"),
        _ if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            Some("may only contain letters, digits and `_`")
        }
        _ => None,
    }
}

fn placeholder(inner: &str, whole: &str) -> Result<Param, PathError> {
    if inner.is_empty() {
        return fail(format!(
            "the placeholder `{whole}` is empty; name it, e.g. `{{itemId}}`"
        ));
    }
    let mut rust = Vec::new();
    for alt in inner.split('|') {
        if let Some(why) = identifier_error(alt) {
            return fail(format!(
                "the placeholder `{whole}` is not an identifier: `{alt}` {why}"
            ));
        }
        rust.push(snake_from_camel(alt));
    }
    Ok(Param {
        wire: inner.to_owned(),
        rust: rust.join("_or_"),
    })
}

fn unbalanced(raw: &str) -> PathError {
    PathError {
        message: format!("unbalanced braces in the path segment `{raw}`"),
    }
}

fn segment(raw: &str) -> Result<Segment, PathError> {
    if let Some(inner) = raw.strip_prefix('{') {
        let inner = inner.strip_suffix('}').ok_or_else(|| unbalanced(raw))?;
        if inner.contains(['{', '}']) {
            return Err(unbalanced(raw));
        }
        return placeholder(inner, raw).map(Segment::Key);
    }
    if let Some(open) = raw.find('(') {
        let name = &raw[..open];
        let inner = raw[open + 1..].strip_suffix(')').ok_or_else(|| PathError {
            message: format!("the path segment `{raw}` opens `(` but does not end with `)`"),
        })?;
        check_name(name, raw)?;
        if inner.is_empty() {
            return Ok(Segment::Call {
                name: name.to_owned(),
                args: Vec::new(),
            });
        }
        if inner.contains('=') {
            let mut args = Vec::new();
            for part in inner.split(',') {
                let (k, v) = part.split_once('=').ok_or_else(|| PathError {
                    message: format!(
                        "in `{raw}`, the function parameter `{part}` needs a value: `name=value`"
                    ),
                })?;
                if let Some(why) = identifier_error(k) {
                    return fail(format!("in `{raw}`, the parameter name `{k}` {why}"));
                }
                args.push((k.to_owned(), arg(v, raw)?));
            }
            return Ok(Segment::Call {
                name: name.to_owned(),
                args,
            });
        }
        return Ok(Segment::ParenKey {
            name: name.to_owned(),
            arg: arg(inner, raw)?,
        });
    }
    if raw.contains(['{', '}', ')']) {
        return Err(unbalanced(raw));
    }
    check_name(raw, raw)?;
    Ok(Segment::Literal(raw.to_owned()))
}

/// A literal segment: a name, a dotted (namespace-qualified or type-cast) name, or `$value`/`$ref`/`$count`.
fn check_name(name: &str, raw: &str) -> Result<(), PathError> {
    if let Some(system) = name.strip_prefix('$') {
        return match system {
            "value" | "ref" | "count" | "batch" | "metadata" | "entity" => Ok(()),
            _ => fail(format!("unknown system segment `{name}` in `{raw}`")),
        };
    }
    for part in name.split('.') {
        if let Some(why) = identifier_error(part) {
            return fail(format!(
                "the path segment `{raw}` is not a name: `{part}` {why}"
            ));
        }
    }
    Ok(())
}

fn arg(text: &str, raw: &str) -> Result<Arg, PathError> {
    let (body, quoted) = match text.strip_prefix('\'') {
        Some(t) => (
            t.strip_suffix('\'').ok_or_else(|| PathError {
                message: format!("unbalanced quote in `{raw}`"),
            })?,
            true,
        ),
        None => (text, false),
    };
    if let Some(inner) = body.strip_prefix('{') {
        let inner = inner.strip_suffix('}').ok_or_else(|| unbalanced(raw))?;
        return Ok(Arg::Param {
            param: placeholder(inner, &format!("{{{inner}}}"))?,
            quoted,
        });
    }
    if body.contains(['{', '}']) {
        return Err(unbalanced(raw));
    }
    Ok(Arg::Literal(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> HttpLine {
        match parse(line) {
            Ok(l) => l,
            Err(e) => panic!("{line}: {e}"),
        }
    }

    fn err(line: &str) -> String {
        match parse(line) {
            Ok(l) => panic!("{line} parsed: {l:?}"),
            Err(e) => e.message,
        }
    }

    fn rust_params(l: &HttpLine) -> Vec<String> {
        l.params().iter().map(|p| p.rust.clone()).collect()
    }

    #[test]
    fn seed_lines_parse() {
        let l = ok("POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources");
        assert_eq!(l.method, Method::Post);
        assert_eq!(rust_params(&l), ["todo_task_list_id", "task_id"]);
        assert_eq!(l.last_name(), Some("linkedResources"));
        let l = ok(
            "POST /users/{id|userPrincipalName}/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
        );
        assert_eq!(l.params()[0].wire, "id|userPrincipalName");
        assert_eq!(l.params()[0].rust, "id_or_user_principal_name");
        let l = ok(
            "POST /me/joinedGroups/{groupId}/sites/{siteId}/items/{baseItemId}/microsoft.graph.sharedDriveItem/root/createLink",
        );
        assert!(
            l.segments
                .contains(&Segment::Literal("microsoft.graph.sharedDriveItem".into()))
        );
        let l = ok("POST https://graph.microsoft.com/beta/drives/{drivesId}/root/createLink");
        assert_eq!(l.version.as_deref(), Some("beta"));
        assert_eq!(l.segments[0], Segment::Literal("drives".into()));
    }

    #[test]
    fn keys_in_parentheses_and_function_calls() {
        let l = ok("GET /users('{id}')/drive");
        assert!(
            matches!(&l.segments[0], Segment::ParenKey { name, arg: Arg::Param { quoted: true, .. } } if name == "users")
        );
        let l = ok("GET /drives/{driveId}/root/delta()");
        assert_eq!(
            l.segments[3],
            Segment::Call {
                name: "delta".into(),
                args: vec![]
            }
        );
        let l = ok("GET /me/drive/root/getByPath(path='{path}')/children");
        let Segment::Call { args, .. } = &l.segments[3] else {
            panic!()
        };
        assert_eq!(args[0].0, "path");
        assert!(matches!(&args[0].1, Arg::Param { quoted: true, param } if param.rust == "path"));
        let l = ok("GET /reports/getOffice365ActiveUserDetail(period='D7')");
        assert!(
            matches!(&l.segments[1], Segment::Call { args, .. } if args[0].1 == Arg::Literal("'D7'".into()))
        );
        ok("GET /me/photo/$value");
    }

    #[test]
    fn malformed_lines_name_the_problem() {
        let cases = [
            ("FETCH /me", "unknown HTTP method `FETCH`"),
            ("post /me", "capitals: `POST`"),
            ("/me", "expected `METHOD /path`"),
            ("GET me/drive", "must start with `/`"),
            ("GET /me//drive", "empty segment"),
            ("GET /me/drive/", "empty segment"),
            (
                "POST https://graph.microsoft.com/docs\\api/connections",
                "backslash at `com/docs\\api/con`",
            ),
            ("GET /me?$select=id", "contains `?`"),
            ("GET /me#x", "contains `#`"),
            (
                "GET /users/{id",
                "unbalanced braces in the path segment `{id`",
            ),
            ("GET /users/id}", "unbalanced braces"),
            ("GET /users/{}", "placeholder `{}` is empty"),
            ("GET /users/{user-id}", "`user-id` may only contain"),
            ("GET /users/{1st}", "`1st` must start with a letter"),
            ("GET /drives/{id}/items/{id}", "`{id}` appears twice"),
            ("GET /users/{id}/x/{Id}", "appears twice"),
            ("GET /users('{id}'", "does not end with `)`"),
            ("GET /users('{id})", "unbalanced quote"),
            ("GET /me/drive items", "whitespace"),
            ("GET /me/$foo", "unknown system segment `$foo`"),
            ("GET /me/drive-items", "`drive-items` may only contain"),
            (
                "GET https://evil.example/v1.0/me",
                "not a Microsoft Graph URL",
            ),
            ("GET https://graph.microsoft.com/v2/me", "found `v2`"),
            (
                "GET http://graph.microsoft.com/v1.0/me",
                "absolute http URL",
            ),
            ("GET /", "names no resource"),
            (
                "GET https://graph.microsoft.com/v1.0",
                "names no resource: add the path after the version",
            ),
            (
                "GET https://graph.microsoft.com/beta",
                "`https://graph.microsoft.com/beta/users`",
            ),
        ];
        for (line, want) in cases {
            let e = err(line);
            assert!(e.contains(want), "{line}: {e}");
        }
    }
}

#[cfg(test)]
mod item_path_tests {
    use super::*;

    #[test]
    fn path_based_addressing_parses() {
        let l = parse("PUT /me/drive/root:/{itemPath}:/content").unwrap();
        assert_eq!(l.segments.len(), 5);
        assert!(matches!(&l.segments[3], Segment::ItemPath(p) if p.rust == "item_path"));
        assert_eq!(l.segments[4], Segment::Literal("content".into()));
        let l = parse("POST /me/drive/items/{parentId}:/{fileName}:/createUploadSession").unwrap();
        let names: Vec<String> = l.params().iter().map(|p| p.rust.clone()).collect();
        assert_eq!(names, ["parent_id", "file_name"]);
        assert_eq!(l.last_name(), Some("createUploadSession"));
        let l = parse("GET /drives/{driveId}/root:/{path}:").unwrap();
        assert!(matches!(l.segments.last(), Some(Segment::ItemPath(_))));
    }

    #[test]
    fn malformed_path_based_addressing_says_how_to_write_it() {
        for (line, says) in [
            (
                "GET /me/drive/root:/Documents/a.txt:",
                "must be followed by a placeholder",
            ),
            ("GET /me/drive/root:/{p}", "must end with `:`"),
            ("GET /me/drive/root:/{p}:content", "a `/` must follow"),
            ("GET /:/{p}:", "must follow a drive item"),
            ("GET /me/drive/root:/{p}:/children/x:/{q}:", "twice"),
            ("GET /me/drive/root:/{p:", "unbalanced"),
            ("GET /me/drive/root:/{p}://x", "empty segment"),
            ("GET /me/drive/root:/{item-path}:", "not an identifier"),
            ("GET /me/drive/{itemPath}:/{itemPath}:", "appears twice"),
        ] {
            let e = parse(line).unwrap_err().message;
            assert!(e.contains(says), "{line}: {e}");
        }
    }
}

#[cfg(test)]
mod no_panic_tests {
    use super::*;

    #[test]
    fn non_ascii_text_near_a_backslash_is_an_error_not_a_panic() {
        for line in [
            "GET /éééééé\\ééééééé",
            "GET /\\😀😀😀😀",
            "GET /日本語のパス\\ドライブ",
            "GET /a\\",
        ] {
            let e = parse(line).unwrap_err().message;
            assert!(e.contains("backslash"), "{line}: {e}");
        }
    }
}
