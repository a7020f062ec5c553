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
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut segments = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy());
    let other = Classified {
        workload: Workload::Other,
        mailbox: None,
    };
    let Some(first) = segments.next() else {
        return other;
    };
    let first = first.to_lowercase();
    let mailbox = if first == "me" {
        "me".to_owned()
    } else if first == "users" {
        match segments.next() {
            Some(id) => format!("users/{}", key(&id.to_lowercase())),
            None => return other,
        }
    } else if let Some(id) = first
        .strip_prefix("users(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        let id = id.strip_prefix("id=").unwrap_or(id).trim_matches('\'');
        format!("users/{}", key(id))
    } else {
        return other;
    };
    match segments.next() {
        Some(next) if OUTLOOK_SEGMENTS.contains(&next.to_lowercase().as_str()) => Classified {
            workload: Workload::Outlook,
            mailbox: Some(mailbox),
        },
        _ => other,
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
