//! The subscription table and Graph's rules for a subscription's body: `changeType`,
//! `notificationUrl`, `resource`, `expirationDateTime` within the resource's maximum lifetime,
//! `clientState` length, and `includeResourceData` with its encryption certificate.

use std::collections::HashMap;

use graph_odata_runtime::edm::DateTimeOffset;
use serde_json::{Map, Value, json};

use super::handshake::{self, CallbackUrl};
use super::rich::Recipient;
use crate::store::{ChangeKind, StorePath};

/// Graph's limit on `clientState`, in characters.
pub(crate) const MAX_CLIENT_STATE: usize = 128;

/// One subscription.
#[derive(Clone)]
pub(crate) struct Subscription {
    pub(crate) id: String,
    /// The resource's segments, canonical (`me/todo/lists('L1')/tasks` → `me, todo, lists, L1, tasks`).
    pub(crate) resource_path: Vec<String>,
    pub(crate) resource: String,
    pub(crate) change_types: Vec<ChangeKind>,
    pub(crate) change_type: String,
    pub(crate) notification_url: CallbackUrl,
    pub(crate) lifecycle_url: Option<CallbackUrl>,
    pub(crate) client_state: Option<String>,
    /// Nanoseconds since the Unix epoch.
    pub(crate) expires: i128,
    pub(crate) expiration_text: String,
    /// The encryption certificate and its id, when the subscription asks for resource data.
    pub(crate) rich: Option<Recipient>,
    /// The properties as the client sent them, with Graph's defaults for those it left out
    /// (what GET answers).
    pub(crate) body: Map<String, Value>,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("resource", &self.resource)
            .field("change_type", &self.change_type)
            .field(
                "client_state",
                &self.client_state.as_ref().map(|_| "** redacted **"),
            )
            .field("expires", &self.expiration_text)
            .finish_non_exhaustive()
    }
}

impl Subscription {
    /// The subscription as Graph answers it.
    pub(crate) fn to_json(&self) -> Value {
        let mut body = self.body.clone();
        body.insert("id".into(), Value::String(self.id.clone()));
        body.insert(
            "expirationDateTime".into(),
            Value::String(self.expiration_text.clone()),
        );
        Value::Object(body)
    }

    pub(crate) fn live(&self, now: i128) -> bool {
        self.expires > now
    }
}

/// The subscriptions, by id.
#[derive(Debug, Default)]
pub(crate) struct Table {
    by_id: HashMap<String, Subscription>,
}

impl Table {
    pub(crate) fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Forgets the subscriptions that expired before `now`; returns how many remain.
    pub(crate) fn prune(&mut self, now: i128) -> usize {
        self.by_id.retain(|_, s| s.live(now));
        self.by_id.len()
    }

    pub(crate) fn insert(&mut self, sub: Subscription) {
        self.by_id.insert(sub.id.clone(), sub);
    }

    pub(crate) fn get(&self, id: &str, now: i128) -> Option<&Subscription> {
        self.by_id.get(id).filter(|s| s.live(now))
    }

    pub(crate) fn get_mut(&mut self, id: &str, now: i128) -> Option<&mut Subscription> {
        self.by_id.get_mut(id).filter(|s| s.live(now))
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<Subscription> {
        self.by_id.remove(id)
    }

    /// The live subscriptions, oldest expiry first (a stable order for listings).
    pub(crate) fn list(&self, now: i128) -> Vec<&Subscription> {
        let mut out: Vec<_> = self.by_id.values().filter(|s| s.live(now)).collect();
        out.sort_by(|a, b| a.expires.cmp(&b.expires).then(a.id.cmp(&b.id)));
        out
    }

    /// The live subscriptions that `kind` on the entity at `path` concerns: the subscription's
    /// resource is the entity's collection or the entity itself, and it asked for `kind`.
    pub(crate) fn matching<'a>(
        &'a self,
        path: &'a [String],
        kind: ChangeKind,
        now: i128,
    ) -> impl Iterator<Item = &'a Subscription> + 'a {
        let collection = &path[..path.len().saturating_sub(1)];
        self.by_id.values().filter(move |s| {
            s.live(now)
                && s.change_types.contains(&kind)
                && (s.resource_path == collection || s.resource_path == path)
        })
    }
}

/// Nanoseconds since the Unix epoch, now.
pub(crate) fn now_nanos() -> i128 {
    DateTimeOffset::now().unix_nanos()
}

/// Graph's maximum subscription lifetime, in minutes, for a resource (its segments): the table of
/// Graph's subscription documentation. Resources it does not list get the most common limit,
/// 4230 minutes.
pub(crate) fn max_lifetime_minutes(path: &[String]) -> i64 {
    let has = |name: &str| path.iter().any(|s| s.eq_ignore_ascii_case(name));
    let first = path.first().map(String::as_str).unwrap_or_default();
    if first.eq_ignore_ascii_case("communications") && has("presences") || has("presence") {
        60
    } else if first.eq_ignore_ascii_case("security") {
        43200
    } else if has("callRecords") {
        4230
    } else if has("chats") || has("channels") || has("messages") && has("teams") {
        4320
    } else if has("messages") || has("events") || has("contacts") {
        10080
    } else if has("drive") || has("drives") || has("lists") && has("sites") {
        42300
    } else if has("conversations") || has("threads") {
        4230
    } else if path.len() <= 2 && matches!(first, "users" | "groups" | "directory" | "devices") {
        41760
    } else {
        4230
    }
}

/// Why a subscription's body was refused: the message of the `400`.
pub(crate) type Refusal = String;

/// Checks a new subscription's body against Graph's rules, except the handshake.
pub(crate) fn parse_new(body: Option<&Value>, now: i128) -> Result<Subscription, Refusal> {
    let Some(Value::Object(object)) = body else {
        return Err("The request body must be a JSON object with the subscription.".into());
    };
    let text = |name: &str| -> Result<Option<&str>, Refusal> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(format!("The property '{name}' must be a string.")),
        }
    };
    let required = |name: &str| -> Result<&str, Refusal> {
        text(name)?
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| format!("The property '{name}' is required."))
    };
    let change_type = required("changeType")?;
    let change_types = change_types(change_type)?;
    let notification_url = handshake::check_url("notificationUrl", required("notificationUrl")?)?;
    let lifecycle_url = text("lifecycleNotificationUrl")?
        .map(|u| handshake::check_url("lifecycleNotificationUrl", u))
        .transpose()?;
    let resource = required("resource")?;
    let resource_path = resource_path(resource)?;
    let client_state = text("clientState")?;
    if client_state.is_some_and(|c| c.chars().count() > MAX_CLIENT_STATE) {
        return Err(format!(
            "The property 'clientState' is longer than {MAX_CLIENT_STATE} characters."
        ));
    }
    let (expires, expiration_text) =
        expiration(required("expirationDateTime")?, &resource_path, now)?;
    let include_data = match object.get("includeResourceData") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("The property 'includeResourceData' must be a boolean.".into()),
    };
    let rich = if include_data {
        let certificate = text("encryptionCertificate")?.ok_or(
            "A subscription with 'includeResourceData' needs 'encryptionCertificate' (a base64 DER X.509 certificate with an RSA key).",
        )?;
        let certificate_id = text("encryptionCertificateId")?
            .filter(|s| !s.is_empty())
            .ok_or("A subscription with 'includeResourceData' needs 'encryptionCertificateId'.")?;
        let app_id = text("notificationUrlAppId")?.map(str::to_owned);
        Some(Recipient::new(certificate, certificate_id, app_id)?)
    } else {
        None
    };
    let mut body = object.clone();
    body.remove("@odata.type");
    body.insert("resource".into(), Value::String(resource.to_owned()));
    body.entry("includeResourceData")
        .or_insert(json!(include_data));
    body.entry("latestSupportedTlsVersion")
        .or_insert(json!("v1_2"));
    for absent in [
        "clientState",
        "lifecycleNotificationUrl",
        "encryptionCertificate",
        "encryptionCertificateId",
        "notificationQueryOptions",
        "notificationUrlAppId",
        "creatorId",
    ] {
        body.entry(absent).or_insert(Value::Null);
    }
    Ok(Subscription {
        id: uuid::Uuid::new_v4().to_string(),
        resource_path,
        resource: resource.to_owned(),
        change_types,
        change_type: change_type.to_owned(),
        notification_url,
        lifecycle_url,
        client_state: client_state.map(str::to_owned),
        expires,
        expiration_text,
        rich,
        body,
    })
}

/// `created,updated` → the kinds; anything else is refused.
fn change_types(text: &str) -> Result<Vec<ChangeKind>, Refusal> {
    text.split(',')
        .map(|t| match t.trim() {
            "created" => Ok(ChangeKind::Created),
            "updated" => Ok(ChangeKind::Updated),
            "deleted" => Ok(ChangeKind::Deleted),
            other => Err(format!(
                "The changeType '{other}' is not supported; use 'created', 'updated' or 'deleted', separated by commas."
            )),
        })
        .collect()
}

/// The resource's segments: a path below the version (`/v1.0/` or `https://…` refused as Graph
/// does), its query (`?$filter=…`) ignored.
fn resource_path(resource: &str) -> Result<Vec<String>, Refusal> {
    if resource.contains("://") {
        return Err(format!(
            "The resource '{resource}' must be a path without the service root, such as 'me/messages'."
        ));
    }
    let path = resource.split('?').next().unwrap_or_default();
    let segments = StorePath::parse(path)?.0;
    match segments.first().map(String::as_str) {
        None => Err("The property 'resource' is empty.".into()),
        Some("v1.0" | "beta") => Err(format!(
            "The resource '{resource}' must not include the version; use a path such as 'me/messages'."
        )),
        Some(_) => Ok(segments),
    }
}

/// The expiration as nanoseconds and as text, if it lies in the future and within the resource's
/// maximum lifetime.
pub(crate) fn expiration(
    text: &str,
    resource_path: &[String],
    now: i128,
) -> Result<(i128, String), Refusal> {
    let at: DateTimeOffset = text.parse().map_err(|e| {
        format!("The property 'expirationDateTime' is not a valid DateTimeOffset: {e}.")
    })?;
    let at_nanos = at.unix_nanos();
    if at_nanos <= now {
        return Err("Subscription expiration must be in the future.".into());
    }
    let max = max_lifetime_minutes(resource_path);
    if at_nanos - now > i128::from(max) * 60 * 1_000_000_000 {
        return Err(format!(
            "Subscription expiration can only be {max} minutes in the future for this resource."
        ));
    }
    Ok((
        at_nanos,
        DateTimeOffset::from_unix_nanos(at_nanos)
            .as_str()
            .to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        StorePath::parse(p).unwrap().0
    }

    #[test]
    fn lifetimes_follow_graphs_table() {
        assert_eq!(max_lifetime_minutes(&segs("me/messages")), 10080);
        assert_eq!(max_lifetime_minutes(&segs("users/u1/events")), 10080);
        assert_eq!(max_lifetime_minutes(&segs("users")), 41760);
        assert_eq!(max_lifetime_minutes(&segs("groups/g1")), 41760);
        assert_eq!(max_lifetime_minutes(&segs("me/drive/root")), 42300);
        assert_eq!(
            max_lifetime_minutes(&segs("communications/presences/u1")),
            60
        );
        assert_eq!(max_lifetime_minutes(&segs("security/alerts")), 43200);
        assert_eq!(max_lifetime_minutes(&segs("chats/c1/messages")), 4320);
        assert_eq!(
            max_lifetime_minutes(&segs("teams/t/channels/c/messages")),
            4320
        );
        assert_eq!(max_lifetime_minutes(&segs("me/todo/lists/L1/tasks")), 4230);
    }

    #[test]
    fn only_live_subscriptions_with_the_change_type_and_resource_match() {
        let now = now_nanos();
        let sub = |id: &str, resource: &str, kinds: Vec<ChangeKind>, expires: i128| Subscription {
            id: id.to_owned(),
            resource_path: segs(resource),
            resource: resource.to_owned(),
            change_types: kinds,
            change_type: String::new(),
            notification_url: handshake::check_url("n", "http://127.0.0.1:1/").unwrap(),
            lifecycle_url: None,
            client_state: None,
            expires,
            expiration_text: String::new(),
            rich: None,
            body: Map::new(),
        };
        let mut table = Table::default();
        let hour = 3_600_000_000_000;
        table.insert(sub("live", "users", vec![ChangeKind::Updated], now + hour));
        table.insert(sub("expired", "users", vec![ChangeKind::Updated], now - 1));
        table.insert(sub(
            "deletes",
            "users",
            vec![ChangeKind::Deleted],
            now + hour,
        ));
        table.insert(sub(
            "entity",
            "users/u1",
            vec![ChangeKind::Updated],
            now + hour,
        ));
        table.insert(sub(
            "other",
            "groups",
            vec![ChangeKind::Updated],
            now + hour,
        ));
        let path = segs("users/u1");
        let mut ids: Vec<_> = table
            .matching(&path, ChangeKind::Updated, now)
            .map(|s| s.id.as_str())
            .collect();
        ids.sort();
        assert_eq!(ids, ["entity", "live"]);
        assert_eq!(table.prune(now), 4);
        assert!(format!("{:?}", table.get("live", now)).contains("live"));
    }

    #[test]
    fn debug_hides_the_client_state() {
        let mut s = parse_new(
            Some(&json!({
                "changeType": "created",
                "notificationUrl": "http://127.0.0.1:1/hook",
                "resource": "me/messages",
                "expirationDateTime": DateTimeOffset::from_unix_nanos(now_nanos() + 60_000_000_000).as_str(),
                "clientState": "hush-hush",
            })),
            now_nanos(),
        )
        .unwrap();
        s.id = "s1".into();
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("hush-hush") && shown.contains("redacted"),
            "{shown}"
        );
    }

    #[test]
    fn change_types_are_checked() {
        assert_eq!(
            change_types("created, deleted").unwrap(),
            vec![ChangeKind::Created, ChangeKind::Deleted]
        );
        let e = change_types("created,renamed").unwrap_err();
        assert!(e.contains("'renamed'"), "{e}");
    }

    #[test]
    fn resources_are_paths_below_the_version() {
        assert_eq!(
            resource_path("me/todo/lists('L1')/tasks").unwrap(),
            segs("me/todo/lists/L1/tasks")
        );
        assert_eq!(
            resource_path("/me/messages?$filter=isRead eq false").unwrap(),
            segs("me/messages")
        );
        assert!(resource_path("https://graph.microsoft.com/v1.0/me").is_err());
        assert!(
            resource_path("/v1.0/me/messages")
                .unwrap_err()
                .contains("version")
        );
    }

    #[test]
    fn expirations_must_be_future_and_within_the_limit() {
        let now = now_nanos();
        let at = |mins: i128| {
            DateTimeOffset::from_unix_nanos(now + mins * 60 * 1_000_000_000)
                .as_str()
                .to_owned()
        };
        let path = segs("me/messages");
        assert!(expiration(&at(60), &path, now).is_ok());
        assert!(
            expiration(&at(-1), &path, now)
                .unwrap_err()
                .contains("future")
        );
        assert!(
            expiration(&at(10081), &path, now)
                .unwrap_err()
                .contains("10080 minutes")
        );
        assert!(
            expiration("tomorrow", &path, now)
                .unwrap_err()
                .contains("DateTimeOffset")
        );
    }
}
