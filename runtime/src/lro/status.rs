//! What a monitor's answer says: the state of the operation, its progress, and where its result
//! is, for each shape Graph and OData services use.
//!
//! - Drive `asyncJobStatus` (copying an item): `status` (`notStarted`, `inProgress`,
//!   `completed`, `failed`, …), `percentageComplete`, and `resourceId` once completed.
//! - `teamsAsyncOperation` (creating, cloning, archiving a team): `status` (`notStarted`,
//!   `inProgress`, `succeeded`, `failed`), `targetResourceLocation` once succeeded, `error`.
//! - External connection `connectionOperation` (registering a schema): `status`
//!   (`inProgress`, `completed`, `failed`) and `error`.
//! - Any body with `resourceLocation`: the URL of the result.

use serde_json::Value;

/// The state a monitor body reports.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum State {
    /// Still running (also for states this crate does not know: the deadline bounds them).
    Running,
    /// Finished; where the result is, if the body says.
    Succeeded(Option<Target>),
    /// Failed; the operation's `error` object (`code`, `message`), if any.
    Failed(Option<Value>),
}

/// Where a finished operation's result is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Target {
    /// `resourceLocation` or `targetResourceLocation`: a URL or a path below the service root.
    Location(String),
    /// `resourceId`: an id in the collection the operation was started in (a drive's items).
    Id(String),
}

/// The status fields of a monitor body (`None` when the body is not an object with `status`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Report {
    pub(super) state: State,
    /// `status` as sent (bounded and printable, for messages and tracing).
    pub(super) status: String,
    pub(super) percent: Option<f64>,
}

/// Reads a monitor body. `None` when it has no `status` text (a plain result, or nothing).
pub(super) fn read(body: &Value) -> Option<Report> {
    let object = body.as_object()?;
    let status = object.get("status")?.as_str()?;
    let text = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let state = match status.to_ascii_lowercase().as_str() {
        "completed" | "succeeded" | "success" => Succeeded(
            text("resourceLocation")
                .or_else(|| text("targetResourceLocation"))
                .map(Target::Location)
                .or_else(|| text("resourceId").map(Target::Id)),
        ),
        "failed" | "cancelled" | "canceled" | "deletefailed" => {
            Failed(object.get("error").filter(|e| e.is_object()).cloned())
        }
        _ => Running,
    };
    Some(Report {
        state,
        status: crate::redact::printable(status, 40),
        percent: object.get("percentageComplete").and_then(Value::as_f64),
    })
}

use State::{Failed, Running, Succeeded};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drive_job_status() {
        let r = read(
            &json!({"operation": "ItemCopy", "status": "inProgress", "percentageComplete": 37.5}),
        )
        .unwrap();
        assert_eq!(r.state, Running);
        assert_eq!(r.percent, Some(37.5));
        let r = read(&json!({"status": "completed", "resourceId": "01ABC"})).unwrap();
        assert_eq!(r.state, Succeeded(Some(Target::Id("01ABC".into()))));
    }

    #[test]
    fn teams_operation() {
        let r = read(&json!({"status": "succeeded", "targetResourceLocation": "/teams('t1')"}))
            .unwrap();
        assert_eq!(
            r.state,
            Succeeded(Some(Target::Location("/teams('t1')".into())))
        );
        let r = read(&json!({"status": "failed", "error": {"code": "Conflict", "message": "m"}}))
            .unwrap();
        assert_eq!(
            r.state,
            Failed(Some(json!({"code": "Conflict", "message": "m"})))
        );
    }

    #[test]
    fn connection_operation_and_plain_bodies() {
        let r = read(&json!({"id": "op", "status": "completed"})).unwrap();
        assert_eq!(r.state, Succeeded(None));
        assert_eq!(read(&json!({"id": "1", "name": "a result"})), None);
        assert_eq!(read(&json!({"status": 3})), None);
        assert_eq!(read(&json!("text")), None);
        let odd = read(&json!({"status": "\u{1b}[31mnew\u{7}state"})).unwrap();
        assert_eq!(odd.state, Running, "unknown states keep polling");
        assert!(!odd.status.contains('\u{1b}'), "{}", odd.status);
    }
}
