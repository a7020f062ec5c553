//! Declarations of the actions bound to an entity type (`--actions`).

use std::collections::BTreeSet;
use std::fmt::Write;

use super::{Generator, fields_case, key_placeholder, rename_all, safe, usable_path};
use crate::TypeRef;
use crate::names::{is_qualified_name, snake_from_camel, upper_first};

impl Generator<'_> {
    /// Appends a `graph_action` struct for each action bound to (one) `qualified`, reached at the
    /// first of the entity type's paths; an action without a usable path is left out.
    pub(super) fn actions(&mut self, qualified: &str) {
        let ops: Vec<_> = self
            .md
            .operations
            .iter()
            .filter(|o| {
                o.is_action
                    && o.binding
                        .as_ref()
                        .is_some_and(|b| !b.collection && b.name == qualified)
            })
            .cloned()
            .collect();
        let paths = self.entity_paths(qualified, 4);
        for op in ops {
            let Some((path, collection)) = paths.first().cloned() else {
                continue;
            };
            let simple = op.name.rsplit('.').next().unwrap_or(&op.name).to_owned();
            let base = if collection {
                format!("{path}/{{{}}}", key_placeholder(qualified))
            } else {
                path
            };
            // A property or navigation of the same name would take the simple segment: the
            // action is then addressed by its qualified name.
            let shadowed = self.md.lineage(qualified).iter().any(|t| {
                t.properties.iter().any(|p| p.name == simple)
                    || t.navigation.iter().any(|n| n.name == simple)
            });
            let segment = if shadowed { &op.name } else { &simple };
            let action_path = format!("{base}/{segment}");
            let type_name = self.names.get(qualified).cloned().unwrap_or_default();
            let Some(struct_name) = safe::ident(&format!("{}{type_name}", upper_first(&simple)))
                .filter(|_| is_qualified_name(&op.name) && usable_path(&action_path))
            else {
                self.skip(format!(
                    "the action {} is not a qualified OData name",
                    safe::lit(&op.name)
                ));
                continue;
            };
            // The macros name the method after the path's last segment; `self`, `super`,
            // `crate` and `_` cannot be one, so the method is named explicitly.
            let snake = snake_from_camel(&simple);
            let method = if matches!(snake.as_str(), "self" | "super" | "crate" | "_") {
                format!("{snake}_ = ")
            } else {
                String::new()
            };
            let returns = op.returns.as_ref().map(|r| {
                let one = self.rust_type(&TypeRef {
                    nullable: false,
                    collection: false,
                    name: r.name.clone(),
                });
                if r.collection {
                    format!("Vec<{one}>")
                } else {
                    one
                }
            });
            let returns = returns
                .map(|r| format!(", returns = {r}"))
                .unwrap_or_default();
            let name = self.taken.take(struct_name);
            let case = fields_case(op.parameters.iter().map(|p| p.name.as_str()));
            let rename_all = rename_all(case)
                .map(|a| format!(", {a}"))
                .unwrap_or_default();
            let _ = writeln!(
                self.out,
                "/// `{}` bound to `{}`",
                safe::doc(&op.name),
                safe::doc(qualified)
            );
            let _ = writeln!(
                self.out,
                "#[graph_action({}{returns}{rename_all}, paths = [{method}{}])]\n#[derive(Default)]\npub struct {name} {{",
                safe::lit(&op.name),
                safe::lit(&format!("POST {action_path}"))
            );
            let mut taken = safe::Taken::new(safe::Scope::Fields, &[]);
            let mut seen = BTreeSet::new();
            for p in &op.parameters {
                let Some((ident, rename)) =
                    self.field_name(&op.name, &p.name, case, &mut taken, &mut seen)
                else {
                    continue;
                };
                let mut ty = p.ty.clone();
                ty.nullable = true;
                let rust = self.rust_type(&ty);
                if let Some(r) = rename {
                    let _ = writeln!(self.out, "    #[graph(rename = {})]", safe::lit(&r));
                }
                let _ = writeln!(self.out, "    pub {ident}: {rust},");
            }
            let _ = writeln!(self.out, "}}\n");
        }
    }
}
