//! The generic entity store: collections of JSON objects addressed by path.
//!
//! The store knows no schema. A collection comes into being when something is first POSTed to its
//! path (or [`Store::create_collection`] declares it); its members are JSON objects keyed by their
//! `id`. A path is walked left to right: after a collection segment, the next segment is a key
//! (an `id`, or a `userPrincipalName` for users). A key that is not in its collection is a 404,
//! so POSTing under a parent that does not exist fails as it does in Graph.

use std::collections::HashMap;

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

/// One collection: members in insertion order, with an index by id.
#[derive(Debug, Default, Clone)]
pub(crate) struct Collection {
    items: Vec<(String, Value)>,
    index: HashMap<String, usize>,
    /// Change tracking for delta queries: the store version of each member's last change, and the
    /// members removed, with the version of their removal.
    changed: HashMap<String, u64>,
    removed: Vec<(String, u64)>,
}

impl Collection {
    fn position(&self, key: &str) -> Option<usize> {
        if let Some(i) = self.index.get(key) {
            return Some(*i);
        }
        // Alternate keys: users are addressable by userPrincipalName (case-insensitively, as in Graph).
        self.items.iter().position(|(_, v)| {
            v.get("userPrincipalName")
                .and_then(Value::as_str)
                .is_some_and(|upn| upn.eq_ignore_ascii_case(key))
        })
    }

    fn reindex(&mut self) {
        self.index = self
            .items
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.clone(), i))
            .collect();
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn page(&self, skip: usize, take: usize) -> impl Iterator<Item = &Value> {
        self.items.iter().skip(skip).take(take).map(|(_, v)| v)
    }
}

/// A path split into segments, percent-decoded, with `name('key')` written as `name/key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StorePath(pub(crate) Vec<String>);

impl StorePath {
    /// Parses `/users/alice%40contoso.com/todo/lists('AAMk')` into its segments.
    pub fn parse(path: &str) -> Result<StorePath, String> {
        let mut out = Vec::new();
        for raw in path.split('/').filter(|s| !s.is_empty()) {
            let seg = percent_decode_str(raw)
                .decode_utf8()
                .map_err(|_| format!("the path segment `{raw}` is not valid UTF-8 once decoded"))?;
            match split_key_in_parens(&seg) {
                Some((name, key)) => {
                    out.push(name.to_owned());
                    out.push(key);
                }
                None => out.push(seg.into_owned()),
            }
        }
        Ok(StorePath(out))
    }

    /// The segments.
    pub fn segments(&self) -> &[String] {
        &self.0
    }
}

/// `users('a''b')` → (`users`, `a'b`); `items(42)` → (`items`, `42`); anything else → None.
/// A function call such as `delta()` or `getByPath(path='x')` is not a key.
fn split_key_in_parens(seg: &str) -> Option<(&str, String)> {
    let open = seg.find('(')?;
    let inner = seg[open..].strip_prefix('(')?.strip_suffix(')')?;
    let name = &seg[..open];
    if name.is_empty() || inner.is_empty() || inner.contains('=') {
        return None;
    }
    if let Some(quoted) = inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Some((name, quoted.replace("''", "'")));
    }
    if inner.contains('\'') || inner.contains(',') {
        return None;
    }
    Some((name, inner.to_owned()))
}

/// Where a path leads.
#[derive(Debug)]
pub(crate) enum Target {
    /// An existing collection.
    Collection(Vec<String>),
    /// A member of a collection, by its canonical id.
    Entity { collection: Vec<String>, id: String },
    /// A key that is not in its collection.
    Missing {
        collection: Vec<String>,
        key: String,
    },
    /// A path the store has never seen (a collection can be created here by POST).
    Unknown(Vec<String>),
}

/// All collections of the emulated tenant. v1.0 and beta share it, as they share a real tenant.
#[derive(Debug, Default)]
pub struct Store {
    collections: HashMap<Vec<String>, Collection>,
    /// Bumped by every change; delta tokens are versions.
    version: u64,
    /// The changes since the store was last unlocked, for change notifications (drained by
    /// [`StoreGuard`](crate::StoreGuard) when the lock is released).
    pub(crate) journal: Vec<Change>,
    /// Long-running operations in progress.
    pub(crate) operations: crate::lro::Operations,
    /// The `$skiptoken`s and `$deltatoken`s of delta links issued.
    pub(crate) delta_tokens: crate::delta::Tokens,
}

/// What happened to an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeKind {
    Created,
    Updated,
    Deleted,
}

/// One change to the store: the entity's collection (canonical segments) and id.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub(crate) kind: ChangeKind,
    pub(crate) collection: Vec<String>,
    pub(crate) id: String,
}

/// What changed in a collection since a version (a delta query's answer).
pub(crate) struct Changes {
    /// Members created or changed, in collection order.
    pub(crate) changed: Vec<Value>,
    /// Ids of members removed.
    pub(crate) removed: Vec<String>,
    /// The version to ask from next time.
    pub(crate) version: u64,
}

impl Store {
    /// Walks `path`, replacing alternate keys by canonical ids.
    pub(crate) fn resolve(&self, path: &StorePath) -> Target {
        let segs = &path.0;
        let mut canon: Vec<String> = Vec::with_capacity(segs.len());
        let mut i = 0;
        while i < segs.len() {
            canon.push(segs[i].clone());
            if i + 1 < segs.len()
                && let Some(coll) = self.collections.get(&canon)
            {
                let key = &segs[i + 1];
                match coll.position(key) {
                    Some(pos) => {
                        let id = coll.items[pos].0.clone();
                        if i + 2 == segs.len() {
                            return Target::Entity {
                                collection: canon,
                                id,
                            };
                        }
                        canon.push(id);
                        i += 2;
                        continue;
                    }
                    None => {
                        return Target::Missing {
                            collection: canon,
                            key: key.clone(),
                        };
                    }
                }
            }
            i += 1;
        }
        if self.collections.contains_key(&canon) {
            Target::Collection(canon)
        } else {
            Target::Unknown(canon)
        }
    }

    pub(crate) fn collection(&self, path: &[String]) -> Option<&Collection> {
        self.collections.get(path)
    }

    /// Declares an empty collection at `path` (GET on it then answers `{"value": []}`).
    pub fn create_collection(&mut self, path: &str) -> Result<(), String> {
        let path = StorePath::parse(path)?;
        match self.resolve(&path) {
            Target::Collection(_) => Ok(()),
            Target::Unknown(canon) => {
                self.collections.entry(canon).or_default();
                Ok(())
            }
            Target::Entity { .. } => Err("the path names an entity, not a collection".into()),
            Target::Missing { key, .. } => Err(format!("no item `{key}` on the way")),
        }
    }

    /// Adds `entity` to the collection at `path` (created if new) and returns its id. The id is the
    /// entity's `id` when it has one, else a new GUID that is written into it.
    pub fn insert(&mut self, path: &str, entity: Value) -> Result<String, String> {
        let path = StorePath::parse(path)?;
        let canon = match self.resolve(&path) {
            Target::Collection(c) | Target::Unknown(c) => c,
            Target::Entity { .. } => {
                return Err("the path names an entity, not a collection".into());
            }
            Target::Missing { key, .. } => return Err(format!("no item `{key}` on the way")),
        };
        self.insert_at(canon, entity).map(|(id, _)| id)
    }

    /// Inserts into a resolved collection; returns the id and the stored value.
    pub(crate) fn insert_at(
        &mut self,
        collection: Vec<String>,
        entity: Value,
    ) -> Result<(String, Value), String> {
        let Value::Object(mut object) = entity else {
            return Err("the body must be a JSON object".into());
        };
        let id = match object.get("id") {
            None | Some(Value::Null) => uuid::Uuid::new_v4().to_string(),
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(_) => return Err("the property `id` must be a non-empty string".into()),
        };
        let collection_key = collection.clone();
        let coll = self.collections.entry(collection).or_default();
        if coll.index.contains_key(&id) {
            return Err(format!("an item with id `{id}` already exists"));
        }
        object.insert("id".into(), Value::String(id.clone()));
        let value = Value::Object(object);
        self.version += 1;
        coll.index.insert(id.clone(), coll.items.len());
        coll.items.push((id.clone(), value.clone()));
        coll.changed.insert(id.clone(), self.version);
        self.record(ChangeKind::Created, &collection_key, &id);
        Ok((id, value))
    }

    /// The entity at `path`, if there is one.
    pub fn get(&self, path: &str) -> Option<&Value> {
        let path = StorePath::parse(path).ok()?;
        match self.resolve(&path) {
            Target::Entity { collection, id } => self.entity(&collection, &id),
            _ => None,
        }
    }

    pub(crate) fn entity(&self, collection: &[String], id: &str) -> Option<&Value> {
        let coll = self.collections.get(collection)?;
        coll.index.get(id).map(|i| &coll.items[*i].1)
    }

    /// The entity, to change: records the change for delta queries.
    pub(crate) fn entity_mut(&mut self, collection: &[String], id: &str) -> Option<&mut Value> {
        let coll = self.collections.get_mut(collection)?;
        let i = *coll.index.get(id)?;
        self.version += 1;
        coll.changed.insert(id.to_owned(), self.version);
        self.journal.push(Change {
            kind: ChangeKind::Updated,
            collection: collection.to_vec(),
            id: id.to_owned(),
        });
        let coll = self.collections.get_mut(collection)?;
        Some(&mut coll.items[i].1)
    }

    /// The entity tag of an entity: weak, from the store version of its last change, so every
    /// change gives a new tag.
    pub(crate) fn etag(&self, collection: &[String], id: &str) -> Option<String> {
        let coll = self.collections.get(collection)?;
        coll.index.get(id)?;
        Some(format!(
            "W/\"{}\"",
            coll.changed.get(id).copied().unwrap_or(0)
        ))
    }

    /// What changed in a collection after version `since` (0: everything there is).
    pub(crate) fn changes(&self, collection: &[String], since: u64) -> Changes {
        let Some(coll) = self.collections.get(collection) else {
            return Changes {
                changed: Vec::new(),
                removed: Vec::new(),
                version: self.version,
            };
        };
        let changed = coll
            .items
            .iter()
            .filter(|(id, _)| coll.changed.get(id).is_some_and(|v| *v > since))
            .map(|(_, v)| v.clone())
            .collect();
        let removed = if since == 0 {
            Vec::new()
        } else {
            coll.removed
                .iter()
                .filter(|(_, v)| *v > since)
                .map(|(id, _)| id.clone())
                .collect()
        };
        Changes {
            changed,
            removed,
            version: self.version,
        }
    }

    fn record(&mut self, kind: ChangeKind, collection: &[String], id: &str) {
        self.journal.push(Change {
            kind,
            collection: collection.to_vec(),
            id: id.to_owned(),
        });
    }

    /// Merges `patch` into an entity: members overwrite, `null` sets the property to null.
    pub(crate) fn merge(
        &mut self,
        collection: &[String],
        id: &str,
        patch: Map<String, Value>,
    ) -> Option<&Value> {
        let entity = self.entity_mut(collection, id)?;
        if let Value::Object(target) = entity {
            for (k, v) in patch {
                target.insert(k, v);
            }
        }
        Some(entity)
    }

    /// Removes an entity and everything stored beneath it.
    pub(crate) fn remove(&mut self, collection: &[String], id: &str) -> bool {
        let Some(coll) = self.collections.get_mut(collection) else {
            return false;
        };
        let Some(i) = coll.index.get(id).copied() else {
            return false;
        };
        coll.items.remove(i);
        coll.reindex();
        self.version += 1;
        coll.changed.remove(id);
        coll.removed.push((id.to_owned(), self.version));
        self.record(ChangeKind::Deleted, collection, id);
        let mut prefix = collection.to_vec();
        prefix.push(id.to_owned());
        self.collections
            .retain(|path, _| !(path.len() > prefix.len() && path.starts_with(&prefix)));
        true
    }

    /// The members of the collection at `path`, in insertion order (None when it does not exist).
    pub fn items(&self, path: &str) -> Option<Vec<&Value>> {
        let path = StorePath::parse(path).ok()?;
        match self.resolve(&path) {
            Target::Collection(c) => self
                .collections
                .get(&c)
                .map(|coll| coll.items.iter().map(|(_, v)| v).collect()),
            _ => None,
        }
    }

    /// Number of members of the collection at `path` (None when it does not exist).
    pub fn count(&self, path: &str) -> Option<usize> {
        let path = StorePath::parse(path).ok()?;
        match self.resolve(&path) {
            Target::Collection(c) => self.collections.get(&c).map(Collection::len),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_decode_and_split_keys_in_parentheses() {
        let p = StorePath::parse("/users('O''Neil%40x.com')/todo/lists(42)/tasks/a%2Fb").unwrap();
        assert_eq!(
            p.0,
            [
                "users",
                "O'Neil@x.com",
                "todo",
                "lists",
                "42",
                "tasks",
                "a/b"
            ]
        );
        let p = StorePath::parse("/drives/d/root/delta()").unwrap();
        assert_eq!(p.0, ["drives", "d", "root", "delta()"]);
        let p = StorePath::parse("/d/getByPath(path='x')").unwrap();
        assert_eq!(p.0, ["d", "getByPath(path='x')"]);
    }

    #[test]
    fn walk_canonicalises_alternate_keys_and_reports_missing_parents() {
        let mut s = Store::default();
        let id = s
            .insert("/users", json!({"userPrincipalName": "Alice@contoso.com"}))
            .unwrap();
        s.insert("/users/alice@contoso.com/todo/lists", json!({"id": "L1"}))
            .unwrap();
        assert!(s.get(&format!("/users/{id}/todo/lists/L1")).is_some());
        match s.resolve(&StorePath::parse("/users/nobody/todo/lists").unwrap()) {
            Target::Missing { collection, key } => {
                assert_eq!(collection, ["users"]);
                assert_eq!(key, "nobody");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.resolve(&StorePath::parse("/groups").unwrap()),
            Target::Unknown(_)
        ));
    }

    #[test]
    fn insert_rejects_duplicates_and_bad_ids_and_remove_cascades() {
        let mut s = Store::default();
        s.insert("/lists", json!({"id": "a"})).unwrap();
        assert!(
            s.insert("/lists", json!({"id": "a"}))
                .unwrap_err()
                .contains("`a`")
        );
        assert!(s.insert("/lists", json!({"id": 7})).is_err());
        assert!(s.insert("/lists", json!([1])).is_err());
        s.insert("/lists/a/tasks", json!({"id": "t"})).unwrap();
        assert!(s.remove(&["lists".into()], "a"));
        assert_eq!(s.count("/lists"), Some(0));
        assert!(
            s.collection(&["lists".into(), "a".into(), "tasks".into()])
                .is_none()
        );
    }
}
