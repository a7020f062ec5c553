//! System query options: `$count`, `$select`, `$expand`, and the collection GET with paging,
//! `$filter` and `$orderby`.

use http::StatusCode;
use serde_json::{Map, Value, json};

use super::etag::with_etag;
use super::links::Links;
use crate::routes::Reply;
use crate::store::Store;

/// Graph's largest page.
const MAX_PAGE_SIZE: usize = 999;

/// `GET …/$count`: the size of a collection (filtered by `$filter`), as `text/plain`.
pub(crate) fn count(store: &Store, collection: &[String], query: &[(String, String)]) -> Reply {
    let mut filter = None;
    for (k, v) in query {
        match k.as_str() {
            "$filter" => match crate::filter::parse(v) {
                Ok(f) => filter = Some(f),
                Err(e) => return Reply::bad_request(&format!("Invalid $filter `{v}`: {e}.")),
            },
            k if k.starts_with('$') => return unsupported_option(k),
            _ => {}
        }
    }
    let n = match store.collection(collection) {
        Some(c) => c
            .page(0, usize::MAX)
            .filter(|v| filter.as_ref().is_none_or(|f| crate::filter::matches(f, v)))
            .count(),
        None => 0,
    };
    Reply::json(StatusCode::OK, json!(n)).header("Content-Type", "text/plain; charset=utf-8")
}

/// Parses `$select` and `$expand` of an entity GET; Err is a 400 reply.
pub(super) fn select(
    query: &[(String, String)],
) -> Result<(Option<Vec<String>>, Vec<String>), Reply> {
    let mut expand = Vec::new();
    for (k, v) in query {
        match k.as_str() {
            "$select" => {}
            "$expand" => expand = parse_expand(v)?,
            k if k.starts_with('$') => return Err(unsupported_option(k)),
            _ => {}
        }
    }
    let fields = query
        .iter()
        .find(|(k, _)| k == "$select")
        .map(|(_, v)| v.split(',').map(|s| s.trim().to_owned()).collect());
    Ok((fields, expand))
}

/// `$expand=a,b`: navigation property names. Nested options (`a($select=x)`) and `*` are not
/// evaluated: a 400 names them.
pub(super) fn parse_expand(v: &str) -> Result<Vec<String>, Reply> {
    let mut out = Vec::new();
    for name in v.split(',').map(str::trim) {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(Reply::bad_request(&format!(
                "The emulator expands navigation properties by name only (`$expand=a,b`), not `{name}`."
            )));
        }
        out.push(name.to_owned());
    }
    Ok(out)
}

/// Embeds the members of the contained collections named by `$expand` into an entity, as
/// Graph does (`"linkedResources": [...]`); a name with nothing stored under it expands to `[]`.
pub(super) fn expanded(
    store: &Store,
    collection: &[String],
    id: &str,
    entity: Value,
    expand: &[String],
) -> Value {
    let Value::Object(mut o) = entity else {
        return entity;
    };
    for name in expand {
        let mut path = collection.to_vec();
        path.push(id.to_owned());
        path.push(name.clone());
        let members: Vec<Value> = store.collection(&path).map_or_else(Vec::new, |c| {
            c.page(0, usize::MAX)
                .map(|v| {
                    let child = v.get("id").and_then(Value::as_str).unwrap_or_default();
                    with_etag(v.clone(), &store.etag(&path, child).unwrap_or_default())
                })
                .collect()
        });
        o.insert(name.clone(), Value::Array(members));
    }
    Value::Object(o)
}

fn unsupported_option(k: &str) -> Reply {
    Reply::bad_request(&format!(
        "The query option `{k}` is not supported by the emulator (supported: $top, $skip, $skiptoken, $count, $select, $expand, $filter, $orderby)."
    ))
}

pub(super) fn project(entity: Value, fields: Option<&[String]>, expand: &[String]) -> Value {
    match (entity, fields) {
        (Value::Object(o), Some(fields)) => Value::Object(
            o.into_iter()
                .filter(|(k, _)| {
                    k.starts_with("@odata.")
                        || fields.iter().any(|f| f == k)
                        || expand.iter().any(|e| e == k)
                })
                .collect(),
        ),
        (v, _) => v,
    }
}

/// The query options a collection GET understands.
#[derive(Default)]
struct ListOptions {
    top: Option<usize>,
    skip: usize,
    token: usize,
    count: bool,
    fields: Option<Vec<String>>,
    expand: Vec<String>,
    filter: Option<crate::filter::Expr>,
    order: Option<Vec<(Vec<String>, bool)>>,
}

impl ListOptions {
    fn parse(query: &[(String, String)]) -> Result<ListOptions, Reply> {
        let mut o = ListOptions::default();
        for (k, v) in query {
            let number = |what: &str| {
                v.parse::<usize>().map_err(|_| {
                    Reply::bad_request(&format!(
                        "Invalid value '{v}' for {what}: expected a non-negative integer."
                    ))
                })
            };
            match k.as_str() {
                "$top" => o.top = Some(number("$top")?),
                "$skip" => o.skip = number("$skip")?,
                "$skiptoken" => o.token = number("$skiptoken")?,
                "$count" => {
                    o.count = match v.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(Reply::bad_request(&format!(
                                "Invalid value '{v}' for $count: expected true or false."
                            )));
                        }
                    }
                }
                "$select" => o.fields = Some(v.split(',').map(|s| s.trim().to_owned()).collect()),
                "$expand" => o.expand = parse_expand(v)?,
                "$filter" => {
                    o.filter = Some(crate::filter::parse(v).map_err(|e| {
                        Reply::bad_request(&format!("Invalid $filter `{v}`: {e}."))
                    })?);
                }
                "$orderby" => {
                    o.order = Some(crate::filter::parse_order(v).map_err(|e| {
                        Reply::bad_request(&format!("Invalid $orderby `{v}`: {e}."))
                    })?);
                }
                k if k.starts_with('$') => return Err(unsupported_option(k)),
                _ => {}
            }
        }
        Ok(o)
    }
}

pub(super) fn list(
    store: &Store,
    collection: &[String],
    query: &[(String, String)],
    default_page: usize,
    links: &Links<'_>,
    raw_path: &str,
) -> Reply {
    let ListOptions {
        top,
        skip,
        token,
        count,
        fields,
        expand,
        filter,
        order,
    } = match ListOptions::parse(query) {
        Ok(o) => o,
        Err(reply) => return reply,
    };
    let Some(coll) = store.collection(collection) else {
        return Reply::json(StatusCode::OK, json!({"value": []}));
    };
    let page = top.unwrap_or(default_page).min(MAX_PAGE_SIZE);
    let offset = skip.saturating_add(token);
    // Filter and order the whole collection by reference (a page of a million entities must not
    // copy them all), then copy only the page.
    let mut selected: Vec<&Value> = coll
        .page(0, usize::MAX)
        .filter(|v| filter.as_ref().is_none_or(|f| crate::filter::matches(f, v)))
        .collect();
    if let Some(keys) = &order {
        crate::filter::sort(&mut selected, keys);
    }
    let total = selected.len();
    let value: Vec<Value> = selected
        .iter()
        .skip(offset)
        .take(page)
        .map(|v| {
            let id = v.get("id").and_then(Value::as_str).unwrap_or_default();
            let etag = store.etag(collection, id).unwrap_or_default();
            let entity = expanded(
                store,
                collection,
                id,
                with_etag((*v).clone(), &etag),
                &expand,
            );
            project(entity, fields.as_deref(), &expand)
        })
        .collect();
    let mut out = Map::new();
    out.insert(
        "@odata.context".into(),
        Value::String(links.context(store, collection, false)),
    );
    if count {
        out.insert("@odata.count".into(), json!(total));
    }
    out.insert("value".into(), Value::Array(value));
    let next = offset.saturating_add(page);
    if page > 0 && next < total {
        let mut q: Vec<String> = query
            .iter()
            .filter(|(k, _)| k != "$skip" && k != "$skiptoken")
            .map(|(k, v)| format!("{}={}", k, encode_query(v)))
            .collect();
        q.push(format!("$skiptoken={next}"));
        let link = if links.relative {
            // Relative to the context URL (`{root}/$metadata#…`), i.e. to the service root.
            let below_root = raw_path
                .trim_start_matches('/')
                .strip_prefix(links.version)
                .unwrap_or(raw_path)
                .trim_start_matches('/');
            format!("{below_root}?{}", q.join("&"))
        } else {
            format!("{}{}?{}", links.base, raw_path, q.join("&"))
        };
        out.insert("@odata.nextLink".into(), Value::String(link));
    }
    Reply::json(StatusCode::OK, Value::Object(out))
}

fn encode_query(v: &str) -> String {
    graph_odata_runtime::path::encode_query_component(v).into_owned()
}
