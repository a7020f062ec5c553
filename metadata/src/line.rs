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
//!
//! The macros parse every endpoint line with [`parse`], and `graph-odata-cli check` does the same,
//! so both accept exactly one grammar. [`segments`] turns a parsed line into the segments
//! [`Metadata::resolve_path`](crate::Metadata::resolve_path) walks.
//!
//! ```
//! use graph_odata_metadata::line::{self, Method};
//! let l = line::parse("GET /users('{id}')/todo/lists/{listId}/tasks/delta()").unwrap();
//! assert_eq!(l.method, Method::Get);
//! assert_eq!(line::segments(&l), ["users", "{id}", "todo", "lists", "{listId}", "tasks", "delta()"]);
//! assert!(line::parse("GET /me/drive items").is_err());
//! ```

use std::fmt;

use crate::names::snake_from_camel;

/// An HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PATCH`.
    Patch,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method as written in the line: `GET`.
    pub fn as_str(self) -> &'static str {
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
pub struct Param {
    /// As written, without braces: `id|userPrincipalName`.
    pub wire: String,
    /// The Rust parameter: `todo_task_list_id`, `id_or_user_principal_name`.
    pub rust: String,
}

/// A value inside parentheses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// `'{path}'` (quoted: a string) or `{n}` (unquoted: a number, GUID, …).
    Param {
        /// The placeholder.
        param: Param,
        /// Whether it is written in single quotes.
        quoted: bool,
    },
    /// Fixed text, written as it stands: `'root'`, `42`.
    Literal(String),
}

/// One segment of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Fixed text: a navigation, an entity set, a type cast, an action name.
    Literal(String),
    /// `{param}`: a key (or any value) as a whole segment.
    Key(Param),
    /// `name('{param}')` or `name({param})`: a key in parentheses.
    ParenKey {
        /// The name before `(`: an entity set or a navigation.
        name: String,
        /// The key.
        arg: Arg,
    },
    /// `name()` or `name(a='{p}',b=1)`: a function call.
    Call {
        /// The function or action name.
        name: String,
        /// The parameters, in order: name and value.
        args: Vec<(String, Arg)>,
    },
    /// `:/{itemPath}:` after a drive item (`root:/{itemPath}:`, `{itemId}:/{fileName}:`): a path
    /// below that item, its `/` kept and every segment percent-encoded.
    ItemPath(Param),
}

/// A parsed HTTP line: `POST /me/todo/lists/{todoTaskListId}/tasks`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpLine {
    /// The method.
    pub method: Method,
    /// The path's segments, in order.
    pub segments: Vec<Segment>,
    /// `v1.0` or `beta` when the line was an absolute Graph URL.
    pub version: Option<String>,
}

impl HttpLine {
    /// Every placeholder, in order.
    pub fn params(&self) -> Vec<&Param> {
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
    pub fn last_name(&self) -> Option<&str> {
        match self.segments.last()? {
            Segment::Literal(l) => Some(l),
            Segment::ParenKey { name, .. } | Segment::Call { name, .. } => Some(name),
            Segment::Key(_) | Segment::ItemPath(_) => None,
        }
    }
}

/// What is wrong with an HTTP line; the message names the offending part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    /// What is wrong, naming the part of the line.
    pub message: String,
}

impl std::error::Error for PathError {}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn fail<T>(message: String) -> Result<T, PathError> {
    Err(PathError { message })
}

/// The methods an HTTP line may start with, as written.
pub const METHODS: &[&str] = &["GET", "POST", "PATCH", "PUT", "DELETE"];

/// Parses one HTTP line.
pub fn parse(line: &str) -> Result<HttpLine, PathError> {
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

/// The path segments [`Metadata::resolve_path`](crate::Metadata::resolve_path) walks: keys as
/// `{…}`, calls by name with `()`; a path below a drive item (`root:/{itemPath}:`) stays on the
/// item it starts from.
///
/// ```
/// use graph_odata_metadata::line;
/// let l = line::parse("PUT /me/drive/root:/{itemPath}:/content").unwrap();
/// assert_eq!(line::segments(&l), ["me", "drive", "root", "content"]);
/// ```
pub fn segments(line: &HttpLine) -> Vec<String> {
    let mut out = Vec::new();
    for s in &line.segments {
        match s {
            Segment::Literal(l) => out.push(l.clone()),
            Segment::Key(p) => out.push(format!("{{{}}}", p.wire)),
            Segment::ParenKey { name, arg } => {
                out.push(name.clone());
                out.push(match arg {
                    Arg::Param { param, .. } => format!("{{{}}}", param.wire),
                    Arg::Literal(l) => l.clone(),
                });
            }
            Segment::Call { name, .. } => out.push(format!("{name}()")),
            Segment::ItemPath(_) => {}
        }
    }
    out
}

/// A path already written as the resolver's segments (`/me/todo/lists/{l}`, with or without the
/// leading `/`), split at `/` with empty segments dropped. Nothing is checked: for tests, examples
/// and benchmarks; an endpoint line goes through [`parse`] and [`segments`].
///
/// ```
/// use graph_odata_metadata::line::split_path;
/// assert_eq!(split_path("/me/todo/lists/{l}"), ["me", "todo", "lists", "{l}"]);
/// assert_eq!(split_path("users/john.doe@contoso.com"), ["users", "john.doe@contoso.com"]);
/// ```
pub fn split_path(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests;
