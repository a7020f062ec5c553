//! Paths as the permissions reference writes them: lower-case, every key or placeholder `{id}`,
//! a key in parentheses as its own segment, a call without arguments as its bare name.
//!
//! Input:  `/Users('{id|userPrincipalName}')/todo/lists/{todoTaskListId}/delta()`
//! Output: `["users", "{id}", "todo", "lists", "{id}", "delta"]`

use crate::line::{HttpLine, Segment};

/// The longest path looked up, in bytes; a longer one is unknown (no template is near it).
pub(super) const MAX_PATH_BYTES: usize = 2048;
/// The most segments a looked-up path may have.
pub(super) const MAX_SEGMENTS: usize = 64;

/// The one spelling of a placeholder.
pub(super) const ID: &str = "{id}";

/// The segments of `path` in the reference's spelling, or `None` when the path cannot name a
/// resource: empty, too long, an empty, `.` or `..` segment, an unbalanced brace or parenthesis.
/// A query (`?…`) or fragment is dropped first.
pub(super) fn normalize(path: &str) -> Option<Vec<String>> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if path.len() > MAX_PATH_BYTES {
        return None;
    }
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for raw in split_outside_parens(path)? {
        let lower = raw.to_lowercase();
        // A dot segment, also percent-encoded (`%2e%2e`), names no resource.
        let decoded = lower.replace("%2e", ".");
        if lower.is_empty() || decoded == "." || decoded == ".." {
            return None;
        }
        segment(&lower, &mut out)?;
        if out.len() > MAX_SEGMENTS {
            return None;
        }
    }
    Some(out)
}

/// Splits at `/` outside parentheses (`range(address='A1/B2')` stays one segment).
fn split_outside_parens(path: &str) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in path.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1)?,
            '/' if depth == 0 => {
                parts.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return None;
    }
    parts.push(&path[start..]);
    Some(parts)
}

/// One lower-cased segment, appended to `out` (a key in parentheses adds two).
fn segment(s: &str, out: &mut Vec<String>) -> Option<()> {
    let Some(open) = s.find('(') else {
        out.push(placeholders(s)?);
        return Some(());
    };
    let name = &s[..open];
    let inner = s[open + 1..].strip_suffix(')')?;
    if name.is_empty() || name.contains(['{', '}']) {
        return None;
    }
    if inner.is_empty() {
        out.push(name.to_owned());
    } else if inner.contains('=') {
        let mut args = Vec::new();
        for arg in inner.split(',') {
            let (k, _) = arg.split_once('=')?;
            args.push(format!("{}={ID}", k.trim()));
        }
        out.push(format!("{name}({})", args.join(",")));
    } else {
        out.push(name.to_owned());
        out.push(ID.to_owned());
    }
    Some(())
}

/// `{anything}` → `{id}`, keeping text around it (`{id}:` after an item path).
fn placeholders(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        if rest[open + 1..close].contains('{') {
            return None;
        }
        out.push_str(ID);
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return None;
    }
    out.push_str(rest);
    Some(out)
}

/// A parsed endpoint line in the reference's spelling: every placeholder and literal key in
/// parentheses `{id}`, call arguments `name={id}`, a path below a drive item `root:/{id}:`.
pub(super) fn line_segments(line: &HttpLine) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in &line.segments {
        match s {
            Segment::Literal(l) => out.push(l.to_lowercase()),
            Segment::Key(_) => out.push(ID.to_owned()),
            Segment::ParenKey { name, .. } => {
                out.push(name.to_lowercase());
                out.push(ID.to_owned());
            }
            Segment::Call { name, args } if args.is_empty() => out.push(name.to_lowercase()),
            Segment::Call { name, args } => {
                let args: Vec<String> = args
                    .iter()
                    .map(|(k, _)| format!("{}={ID}", k.to_lowercase()))
                    .collect();
                out.push(format!("{}({})", name.to_lowercase(), args.join(",")));
            }
            Segment::ItemPath(_) => {
                if let Some(last) = out.last_mut() {
                    last.push(':');
                }
                out.push(format!("{ID}:"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_meet() {
        let n = |p: &str| normalize(p).map(|s| s.join("/"));
        assert_eq!(
            n("/Users('{id|userPrincipalName}')/todo/lists/{todoTaskListId}/delta()").as_deref(),
            Some("users/{id}/todo/lists/{id}/delta")
        );
        assert_eq!(
            n("/me/drive/root:/{itemPath}:/workbook").as_deref(),
            Some("me/drive/root:/{id}:/workbook")
        );
        assert_eq!(
            n("/reports/getTeamsTeamCounts(period='{period}')?$top=1").as_deref(),
            Some("reports/getteamsteamcounts(period={id})")
        );
        assert_eq!(
            n("/servicePrincipals(appId={value})/createdObjects").as_deref(),
            Some("serviceprincipals(appid={id})/createdobjects")
        );
    }

    #[test]
    fn paths_that_name_nothing_are_refused() {
        for p in [
            "",
            "/",
            "/me//drive",
            "/me/../users",
            "/me/%2E%2e/users",
            "/me/%2e",
            "/me/./drive",
            "/me/drive(",
            "/me/drive)",
            "/me/{id",
            "/me/id}",
            "/me/{{id}}",
            "/me/(x)",
        ] {
            assert_eq!(normalize(p), None, "{p}");
        }
        assert_eq!(normalize(&"/a".repeat(MAX_SEGMENTS + 1)), None);
        assert_eq!(normalize(&format!("/{}", "x".repeat(MAX_PATH_BYTES))), None);
    }

    #[test]
    fn lines_and_strings_agree() {
        for text in [
            "GET /users('{id}')/todo/lists",
            "POST /me/drive/root:/{itemPath}:/createUploadSession",
            "GET /me/reminderView(startDateTime='{s}',endDateTime='{e}')",
            "GET /users/delta()",
        ] {
            let line = crate::line::parse(text).unwrap();
            let path = text.split_once(' ').unwrap().1;
            assert_eq!(Some(line_segments(&line)), normalize(path), "{text}");
        }
    }
}
