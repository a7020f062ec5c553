//! Declarations of the actions bound to an entity type (`--actions`).

use std::collections::BTreeSet;
use std::fmt::Write;

use super::{
    Generator, field, field_rename, fields_case, key_placeholder, rename_all, safe, usable_path,
};
use crate::TypeRef;
use crate::names::upper_first;

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
            let action_path = format!("{base}/{simple}");
            let Some(action_name) =
                safe::ident(&upper_first(&simple)).filter(|_| usable_path(&action_path))
            else {
                self.skip(format!(
                    "the action {} is not a path segment",
                    safe::lit(&op.name)
                ));
                continue;
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
            let name = safe::unique(
                format!(
                    "{}{}",
                    action_name.trim_start_matches("r#"),
                    self.names.get(qualified).cloned().unwrap_or_default()
                ),
                &mut self.taken,
            );
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
                "#[graph_action({}{returns}{rename_all}, paths = [{}])]\n#[derive(Default)]\npub struct {name} {{",
                safe::lit(&op.name),
                safe::lit(&format!("POST {action_path}"))
            );
            let mut taken = BTreeSet::new();
            for p in &op.parameters {
                let Some((ident, _)) = field(&p.name, case) else {
                    self.skip(format!(
                        "a parameter of {} has an empty name",
                        safe::lit(&op.name)
                    ));
                    continue;
                };
                let ident = safe::unique(ident, &mut taken);
                let rename = field_rename(&p.name, &ident, case);
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
