//! `@odata.context`, `Location` and key segments as URLs.

use serde_json::{Map, Value};

use crate::store::Store;

/// A key or name as one path segment (ids in the store are never empty).
pub(super) fn encode_key(v: &str) -> String {
    graph_odata_runtime::path::encode_segment(v).map_or_else(|_| v.to_owned(), |c| c.into_owned())
}

/// Builds `@odata.context` and `Location` URLs.
pub(super) struct Links<'a> {
    pub(super) base: &'a str,
    pub(super) version: &'a str,
    /// Write context URLs relative to the service root and nextLinks relative to them.
    pub(super) relative: bool,
}

impl Links<'_> {
    /// `users('id')/todo/lists('L1')/tasks`: key segments (those following a collection) in parentheses.
    pub(super) fn render(&self, store: &Store, path: &[String]) -> String {
        let mut out = String::new();
        for (i, seg) in path.iter().enumerate() {
            if i > 0 && store.collection(&path[..i]).is_some() {
                let quoted = seg.replace('\'', "''");
                out.push_str(&format!("('{}')", encode_key(&quoted)));
            } else {
                if i > 0 {
                    out.push('/');
                }
                out.push_str(&encode_key(seg));
            }
        }
        out
    }

    pub(super) fn context(&self, store: &Store, collection: &[String], entity: bool) -> String {
        let fragment = format!(
            "$metadata#{}{}",
            self.render(store, collection),
            if entity { "/$entity" } else { "" }
        );
        if self.relative {
            fragment
        } else {
            format!("{}/{}/{fragment}", self.base, self.version)
        }
    }
}

pub(super) fn with_context(entity: Value, context: &str) -> Value {
    match entity {
        Value::Object(o) => {
            let mut out = Map::with_capacity(o.len() + 1);
            out.insert("@odata.context".into(), Value::String(context.to_owned()));
            out.extend(o.into_iter().filter(|(k, _)| k != "@odata.context"));
            Value::Object(out)
        }
        other => other,
    }
}
