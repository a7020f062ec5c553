//! Path resolution: the segments of an endpoint path walked through the schema, from an entity
//! set, singleton or operation import to where the path leads, with a did-you-mean when a
//! segment does not fit.

use crate::names::{distance, suggest};
use crate::{Declared, Error, ErrorKind, Metadata, Operation, Resolved, Target};

impl Metadata {
    /// Walks a path, given as segments (`users`, `{id}`, `todo`, `microsoft.graph.sharedDriveItem`,
    /// `createLink`): an entity set or singleton, then keys, navigation properties (contained or
    /// not), type casts, and a bound operation at the end. The error says which segment failed and
    /// suggests a close name.
    pub fn resolve_path(&self, segments: &[String]) -> Result<Resolved, Error> {
        self.resolve_segments(segments)
            .map_err(|m| Error::new(ErrorKind::Path, m))
    }

    fn resolve_segments(&self, segments: &[String]) -> Result<Resolved, String> {
        let Some((first, rest)) = segments.split_first() else {
            return Err("the path is empty".into());
        };
        let mut steps = Vec::new();
        // An operation import at the root: `ping(text='…')` (written `ping()` by the macros) or
        // `ping`; nothing may follow it.
        let import_name = first.strip_suffix("()").unwrap_or(first);
        if let Some(op_name) = self.imports.get(import_name) {
            if let Some(extra) = rest.first() {
                return Err(format!(
                    "the operation import `{import_name}` ends the path; `{extra}` cannot follow it"
                ));
            }
            let op = self
                .operations
                .iter()
                .find(|o| &o.name == op_name && o.binding.is_none())
                .ok_or_else(|| {
                    format!("the operation import `{import_name}` names `{op_name}`, which is not an unbound operation")
                })?;
            steps.push(format!("OperationImport {import_name} -> {op_name}"));
            return Ok(Resolved {
                target: Target::Operation(op.clone()),
                steps,
            });
        }
        let mut target = if let Some(t) = self.entity_sets.get(first.as_str()) {
            steps.push(format!("EntitySet {first} -> Collection of {t}"));
            Target::Collection(t.clone())
        } else if let Some(t) = self.singletons.get(first.as_str()) {
            steps.push(format!("Singleton {first} -> {t}"));
            Target::Entity(t.clone())
        } else {
            let known: Vec<&str> = self
                .entity_sets
                .keys()
                .chain(self.singletons.keys())
                .chain(self.imports.keys())
                .map(String::as_str)
                .collect();
            return Err(format!(
                "no entity set, singleton or operation import named `{import_name}`{}",
                suggest(import_name, &known)
            ));
        };
        for (i, seg) in rest.iter().enumerate() {
            let last = i + 1 == rest.len();
            target = match target {
                Target::Collection(t) => {
                    if !self.is_name_of_something(&t, seg, true)
                        && let Some(why) = self.qualified_misfit(&t, seg, true)
                    {
                        return Err(why);
                    }
                    if seg.starts_with('{') || !self.is_name_of_something(&t, seg, true) {
                        // A key (placeholder or literal value).
                        steps.push(format!("key {seg} -> {t}"));
                        Target::Entity(t)
                    } else if let Some(cast) = self.cast(&t, seg) {
                        steps.push(format!("cast {seg} -> Collection of {cast}"));
                        Target::Collection(cast)
                    } else {
                        let op = self.operation_step(&t, seg, true, last)?;
                        steps.push(format!("operation {} bound to Collection({t})", op.name));
                        Target::Operation(op)
                    }
                }
                Target::Entity(t) => {
                    if let Some(Declared {
                        on: decl,
                        item: nav,
                    }) = self.navigation(&t, seg)
                    {
                        let shown = if nav.ty.collection {
                            format!("Collection of {}", nav.ty.name)
                        } else {
                            nav.ty.name.clone()
                        };
                        steps.push(format!(
                            "nav {seg} (declared on {}{}) -> {shown}",
                            decl.name,
                            if nav.contained { ", contained" } else { "" }
                        ));
                        if nav.ty.collection {
                            Target::Collection(nav.ty.name.clone())
                        } else {
                            Target::Entity(nav.ty.name.clone())
                        }
                    } else if let Some(p) = self.property(&t, seg) {
                        steps.push(format!("property {seg} -> {}", p.ty.name));
                        Target::Value(p.ty.clone())
                    } else if let Some(cast) = self.cast(&t, seg) {
                        steps.push(format!("cast {seg} -> {cast}"));
                        Target::Entity(cast)
                    } else if !self.is_name_of_something(&t, seg, false)
                        && let Some(why) = self.qualified_misfit(&t, seg, false)
                    {
                        return Err(why);
                    } else {
                        let op = self.operation_step(&t, seg, false, last)?;
                        steps.push(format!("operation {} bound to {t}", op.name));
                        Target::Operation(op)
                    }
                }
                Target::Value(v) => {
                    return Err(format!(
                        "`{seg}` cannot follow the {} value before it",
                        v.name
                    ));
                }
                Target::Operation(op) => {
                    return Err(format!("`{seg}` cannot follow the operation `{}`", op.name));
                }
            };
        }
        Ok(Resolved { target, steps })
    }

    /// Why a segment written as a qualified name (`microsoft.graph.group`, `graph.delta()`) is
    /// neither a type cast nor an operation here, if it is written so. A key value with dots
    /// (`john.doe@contoso.com`, `{id}`) is not a qualified name; a prefix close to a namespace is.
    fn qualified_misfit(&self, t: &str, seg: &str, collection: bool) -> Option<String> {
        if seg.starts_with('{') {
            return None;
        }
        let name = seg.strip_suffix("()").unwrap_or(seg);
        let (ns, _) = name.rsplit_once('.')?;
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        {
            return None;
        }
        let prefixes: Vec<&str> = self
            .namespaces
            .iter()
            .chain(self.aliases.keys())
            .map(String::as_str)
            .collect();
        if !prefixes.contains(&ns) {
            let close = prefixes
                .iter()
                .any(|p| distance(&p.to_ascii_lowercase(), &ns.to_ascii_lowercase()) <= 2);
            return close.then(|| {
                format!(
                    "`{seg}`: the namespace `{ns}` is not in the schema{}",
                    suggest(ns, &prefixes)
                )
            });
        }
        // Derived types (casts) and bound operations, by qualified name.
        let mut known: Vec<String> = Vec::new();
        let mut stack = vec![t.to_owned()];
        while let Some(b) = stack.pop() {
            if let Some(ds) = self.derived.get(&b) {
                known.extend(ds.iter().cloned());
                stack.extend(ds.iter().cloned());
            }
        }
        known.extend(self.bound_to(t, collection).map(|o| o.name.clone()));
        let qualified = self.qualify(name);
        let refs: Vec<&str> = known.iter().map(String::as_str).collect();
        Some(format!(
            "{} has no derived type or bound operation named `{qualified}`{}",
            shape(t, collection),
            suggest(&qualified, &refs)
        ))
    }

    /// Every operation bound to `t` (or a base of it), as one entity or as a collection.
    fn bound_to<'a>(&'a self, t: &'a str, collection: bool) -> impl Iterator<Item = &'a Operation> {
        self.operations.iter().filter(move |o| {
            o.binding
                .as_ref()
                .is_some_and(|b| b.collection == collection && self.derives_from(t, &b.name))
        })
    }

    fn is_name_of_something(&self, t: &str, seg: &str, collection: bool) -> bool {
        self.cast(t, seg).is_some()
            || !self
                .bound_operations(t, seg.trim_end_matches("()"), collection)
                .is_empty()
    }

    fn cast(&self, from: &str, seg: &str) -> Option<String> {
        if !seg.contains('.') {
            return None;
        }
        let q = self.qualify(seg);
        (self.types.contains_key(&q) && self.derives_from(&q, from)).then_some(q)
    }

    fn operation_step(
        &self,
        t: &str,
        seg: &str,
        collection: bool,
        last: bool,
    ) -> Result<Operation, String> {
        let name = seg.split('(').next().unwrap_or(seg);
        match self.bound_operations(t, name, collection).first() {
            Some(op) if last || !op.is_action => Ok((*op).clone()),
            Some(op) => Err(format!("the action `{}` must be the last segment", op.name)),
            None => {
                let mut known: Vec<&str> = Vec::new();
                for d in self.lineage(t) {
                    known.extend(d.navigation.iter().map(|n| n.name.as_str()));
                    if !collection {
                        known.extend(d.properties.iter().map(|p| p.name.as_str()));
                    }
                }
                known.extend(
                    self.bound_to(t, collection)
                        .filter_map(|o| o.name.rsplit('.').next()),
                );
                Err(format!(
                    "{} has no navigation property, property or bound operation named `{seg}`{}",
                    shape(t, collection),
                    suggest(seg, &known)
                ))
            }
        }
    }
}

/// `microsoft.graph.user` or `Collection(microsoft.graph.user)`, for messages.
fn shape(t: &str, collection: bool) -> String {
    if collection {
        format!("Collection({t})")
    } else {
        t.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::line::split_path;

    fn md() -> Metadata {
        Metadata::parse(include_str!("../tests/fixture.csdl.xml")).unwrap()
    }

    #[test]
    fn keys_with_dots_are_keys_and_qualified_typos_are_named() {
        let md = md();
        for key in ["john.doe@contoso.com", "a.b", "{id}", "x.y.z"] {
            let r = md
                .resolve_path(&split_path(&format!("users/{key}/todo")))
                .unwrap();
            assert_eq!(
                r.target,
                Target::Entity("microsoft.graph.todo".into()),
                "{key}"
            );
        }
        let err = md
            .resolve_path(&split_path("users/microsoft.grph.user"))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("the namespace `microsoft.grph` is not in the schema, did you mean `microsoft.graph`?"),
            "{err}"
        );
        let err = md.resolve_path(&split_path("users/graph.usr")).unwrap_err();
        assert!(
            err.to_string()
                .contains("no derived type or bound operation named `microsoft.graph.usr`"),
            "{err}"
        );
    }

    #[test]
    fn paths_resolve_through_keys_navigation_casts_and_operations() {
        let md = md();
        let r = md
            .resolve_path(&split_path("me/todo/lists/{l}/tasks/{t}/linkedResources"))
            .unwrap();
        assert_eq!(
            r.target,
            Target::Collection("microsoft.graph.linkedResource".into())
        );
        assert!(
            r.steps.iter().any(|s| s.contains("contained")),
            "{:?}",
            r.steps
        );
        let r = md
            .resolve_path(&split_path("drives/{d}/items/{i}/createLink"))
            .unwrap();
        assert!(
            matches!(r.target, Target::Operation(ref o) if o.name == "microsoft.graph.createLink")
        );
        let r = md
            .resolve_path(&split_path(
                "drives/{d}/items/{i}/microsoft.graph.driveItem/createLink",
            ))
            .unwrap();
        assert!(matches!(r.target, Target::Operation(_)));
        let r = md
            .resolve_path(&split_path("drives/{d}/items/{i}/delta()"))
            .unwrap_err();
        assert!(
            r.message().contains("microsoft.graph.driveItem has no"),
            "{r}"
        );
        let r = md
            .resolve_path(&split_path("drives/{d}/items/delta()"))
            .unwrap();
        assert!(matches!(r.target, Target::Operation(ref o) if !o.is_action));
    }

    #[test]
    fn operation_imports_resolve_at_the_root() {
        let md = md();
        let r = md.resolve_path(&["ping()".into()]).unwrap();
        assert!(
            matches!(&r.target, Target::Operation(o) if o.name == "microsoft.graph.ping"),
            "{r:?}"
        );
        let r = md.resolve_path(&["resetDemo".into()]).unwrap();
        assert!(matches!(&r.target, Target::Operation(o) if o.is_action));
        let e = md.resolve_path(&["ping()".into(), "x".into()]).unwrap_err();
        assert!(e.message().contains("ends the path"), "{e}");
        let e = md.resolve_path(&["pnig()".into()]).unwrap_err();
        assert!(e.message().contains("did you mean `ping`"), "{e}");
        let back = Metadata::from_index(&md.to_index()).unwrap();
        assert!(back.resolve_path(&["ping()".into()]).is_ok());
    }

    #[test]
    fn failures_name_the_segment_and_suggest() {
        let md = md();
        let e = md
            .resolve_path(&split_path("me/joinedGroups/{g}/drive"))
            .unwrap_err();
        assert!(e.message().contains("named `joinedGroups`"), "{e}");
        let e = md.resolve_path(&split_path("me/todo/list")).unwrap_err();
        assert!(e.message().contains("did you mean `lists`?"), "{e}");
        let e = md
            .resolve_path(&split_path("workbooks/{w}/createLink"))
            .unwrap_err();
        assert!(
            e.message()
                .starts_with("no entity set, singleton or operation import named `workbooks`"),
            "{e}"
        );
    }
}
