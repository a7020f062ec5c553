//! Which workload and partition a request belongs to, from its path below the service root.
//!
//! Outlook and To Do limit concurrent requests per mailbox: a path below `/me` or
//! `/users/{id-or-upn}` that reaches mail, calendars, contacts or To Do is
//! [`Workload::Outlook`], partitioned by its mailbox. Everything else is [`Workload::Other`].

use std::fmt;

/// The longest mailbox key kept as written; longer ones are cut and tagged with their length, so
/// a hostile path cannot make one partition key as big as the path.
const MAX_KEY: usize = 256;

/// The segments below a mailbox that Outlook and To Do serve (compared lower-cased).
const OUTLOOK_SEGMENTS: &[&str] = &[
    "messages",
    "mailfolders",
    "events",
    "calendar",
    "calendars",
    "calendarview",
    "calendargroups",
    "contacts",
    "contactfolders",
    "todo",
    "mailboxsettings",
    "inferenceclassification",
    "outlook",
    "sendmail",
    "microsoft.graph.sendmail",
];

/// A family of Graph services that share throttling limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Workload {
    /// Outlook mail, calendars and contacts, and To Do: at most 4 concurrent requests per
    /// mailbox on Graph.
    Outlook,
    /// Every other path.
    Other,
}

impl Workload {
    /// The workload's name in tracing events and snapshots: `outlook` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Workload::Outlook => "outlook",
            Workload::Other => "other",
        }
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`classify`] tells about a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Classified {
    /// The workload.
    pub workload: Workload,
    /// The mailbox of an Outlook or To Do path, lower-cased and percent-decoded: `me` or
    /// `users/{id-or-upn}`. `None` for other workloads.
    pub mailbox: Option<String>,
}

/// Classifies a path below the service root (`/me/todo/lists`, `users/ADA@contoso.com/messages`),
/// with or without a query. Segments are percent-decoded and compared without regard to case,
/// as Graph does; `users('{id}')` is the same mailbox as `users/{id}`.
///
/// ```
/// use graph_odata_runtime::policy::{classify, Workload};
/// let c = classify("/users/Ada%40Contoso.com/todo/lists");
/// assert_eq!(c.workload, Workload::Outlook);
/// assert_eq!(c.mailbox.as_deref(), Some("users/ada@contoso.com"));
/// assert_eq!(classify("/groups").workload, Workload::Other);
/// ```
pub fn classify(path: &str) -> Classified {
    let other = Classified {
        workload: Workload::Other,
        mailbox: None,
    };
    let end = path
        .bytes()
        .position(|b| b == b'?' || b == b'#')
        .unwrap_or(path.len());
    // Segments are decoded without a copy unless they hold escapes; the mailbox key is only made
    // for an Outlook path, so most requests classify without allocating.
    let mut segments = path[..end]
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decoded);
    let Some(first) = segments.next() else {
        return other;
    };
    // The mailbox, made only once the path is known to be Outlook's.
    enum Mailbox<'a> {
        Me,
        User(std::borrow::Cow<'a, str>),
        Predicate(&'a str),
    }
    let mailbox = if keyword(&first, "me") {
        Mailbox::Me
    } else if keyword(&first, "users") {
        match segments.next() {
            Some(id) => Mailbox::User(id),
            None => return other,
        }
    } else if first
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("users("))
        && first.ends_with(')')
    {
        match &first {
            std::borrow::Cow::Borrowed(f) => Mailbox::Predicate(&f[6..f.len() - 1]),
            // A percent-encoded predicate: rare enough to decide on a copy.
            std::borrow::Cow::Owned(f) => {
                return predicate_mailbox(&f[6..f.len() - 1], segments.next().as_deref());
            }
        }
    } else {
        return other;
    };
    match segments.next() {
        Some(next) if is_outlook(&next) => Classified {
            workload: Workload::Outlook,
            mailbox: Some(match mailbox {
                Mailbox::Me => "me".to_owned(),
                Mailbox::User(id) => format!("users/{}", key(&id.to_lowercase())),
                Mailbox::Predicate(id) => predicate_key(id),
            }),
        },
        _ => other,
    }
}

/// A segment percent-decoded; one without escapes (nearly all) as it is, without scanning it
/// twice.
fn decoded(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.as_bytes().contains(&b'%') {
        percent_encoding::percent_decode_str(segment).decode_utf8_lossy()
    } else {
        std::borrow::Cow::Borrowed(segment)
    }
}

/// Whether a segment below a mailbox is one Outlook and To Do serve.
fn is_outlook(segment: &str) -> bool {
    OUTLOOK_SEGMENTS.iter().any(|s| keyword(segment, s))
}

/// The mailbox of `users({id})`, `users(id='{id}')`: lower-cased, quotes dropped.
fn predicate_key(id: &str) -> String {
    let id = id.to_lowercase();
    let id = id.strip_prefix("id=").unwrap_or(&id).trim_matches('\'');
    format!("users/{}", key(id))
}

fn predicate_mailbox(id: &str, next: Option<&str>) -> Classified {
    match next {
        Some(next) if is_outlook(next) => Classified {
            workload: Workload::Outlook,
            mailbox: Some(predicate_key(id)),
        },
        _ => Classified {
            workload: Workload::Other,
            mailbox: None,
        },
    }
}

/// Whether a decoded segment is `word` (lower-case ASCII) without regard to case, as
/// `to_lowercase` compares (an ASCII segment needs no copy).
fn keyword(segment: &str, word: &str) -> bool {
    if segment.is_ascii() {
        segment.eq_ignore_ascii_case(word)
    } else {
        segment.to_lowercase() == word
    }
}

/// `id` as a partition key: as is up to [`MAX_KEY`] bytes, else cut at a character boundary and
/// tagged with its length.
fn key(id: &str) -> String {
    if id.len() <= MAX_KEY {
        return id.to_owned();
    }
    let mut end = MAX_KEY;
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…({} bytes)", &id[..end], id.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(path: &str) -> Option<String> {
        let c = classify(path);
        assert_eq!(
            c.mailbox.is_some(),
            c.workload == Workload::Outlook,
            "{path}"
        );
        c.mailbox
    }

    #[test]
    fn outlook_and_todo_paths_by_mailbox() {
        for (path, expected) in [
            ("/me/messages", "me"),
            ("/me/mailFolders/inbox/messages?$top=5", "me"),
            ("/me/events/AAMk=", "me"),
            ("/me/calendar/events", "me"),
            ("/me/contacts", "me"),
            ("/me/todo/lists/x/tasks", "me"),
            ("/users/42/messages", "users/42"),
            ("/users/Ada@Contoso.com/todo/lists", "users/ada@contoso.com"),
            ("/users('ada@contoso.com')/events", "users/ada@contoso.com"),
            ("/me/microsoft.graph.sendMail", "me"),
        ] {
            assert_eq!(mailbox(path).as_deref(), Some(expected), "{path}");
        }
    }

    #[test]
    fn other_workloads() {
        for path in [
            "",
            "/",
            "/me",
            "/me/drive/root",
            "/users",
            "/users/42",
            "/users/42/memberOf",
            "/groups/g/events",
            "/$batch",
            "/sites/root/lists",
        ] {
            assert_eq!(classify(path).workload, Workload::Other, "{path}");
        }
    }

    #[test]
    fn odd_case_and_percent_encoding_land_in_one_partition() {
        let a = classify("/USERS/ADA%40contoso.com/TODO/lists");
        let b = classify("/users/ada@CONTOSO.com/todo/lists");
        let c = classify("/Me/MESSAGES");
        assert_eq!(a, b);
        assert_eq!(a.mailbox.as_deref(), Some("users/ada@contoso.com"));
        assert_eq!(c.mailbox.as_deref(), Some("me"));
        // An encoded slash stays inside the id: it names one mailbox, not a deeper path.
        assert_eq!(
            mailbox("/users/a%2Fmessages/todo/lists").as_deref(),
            Some("users/a/messages")
        );
        assert_eq!(mailbox("/users/a%2Fmessages"), None);
        // Broken encodings and invalid UTF-8 do not panic.
        assert_eq!(
            mailbox("/users/%FF%FE%/messages").as_deref(),
            Some("users/\u{fffd}\u{fffd}%")
        );
    }

    #[test]
    fn predicates_case_and_escapes_in_every_spelling() {
        for path in [
            "/USERS('Ada@Contoso.com')/Events",
            "/users(id='ada@contoso.com')/events",
            "/users%28%27ada%40contoso.com%27%29/events",
            "/Users(%27ADA@contoso.com%27)/calendar",
        ] {
            assert_eq!(
                mailbox(path).as_deref(),
                Some("users/ada@contoso.com"),
                "{path}"
            );
        }
        assert_eq!(mailbox("/users('ada')/drive"), None);
        assert_eq!(mailbox("/users(/messages"), None);
        assert_eq!(mailbox("/users()/messages").as_deref(), Some("users/"));
        // Non-ASCII segments compare as `to_lowercase` does: the Kelvin sign is a `k`, so this is
        // not `me`, and `İ` never equals an ASCII keyword.
        assert_eq!(mailbox("/ME/\u{212a}essages"), None);
        assert_eq!(mailbox("/\u{130}/messages"), None);
        assert_eq!(
            mailbox("/users/\u{212a}ate/messages").as_deref(),
            Some("users/kate")
        );
    }

    #[test]
    fn dot_segments_are_resolved_by_the_url_before_classifying() {
        let url = url::Url::parse("https://h/v1.0/me/../users/x/messages").unwrap();
        assert_eq!(url.path(), "/v1.0/users/x/messages");
        assert_eq!(
            mailbox(url.path().trim_start_matches("/v1.0")).as_deref(),
            Some("users/x")
        );
        // A raw `..` is just a name here; `path::check` refuses it before any request is built.
        assert_eq!(mailbox("/users/../messages").as_deref(), Some("users/.."));
    }

    #[test]
    fn very_long_ids_give_bounded_keys() {
        let long = format!("/users/{}/messages", "é".repeat(100_000));
        let key = mailbox(&long).unwrap();
        assert!(key.len() < MAX_KEY + 40, "{}", key.len());
        assert!(key.ends_with("(200000 bytes)"));
        let deep = format!("/me/todo{}", "/lists".repeat(50_000));
        assert_eq!(mailbox(&deep).as_deref(), Some("me"));
    }
}
