//! `permissions`: the Graph permissions an app's declarations need, read from its Rust files the
//! way `check` reads them, and compared with an app registration's `requiredResourceAccess`.
//!
//! Every endpoint line of a declaration (any argument that reads `METHOD /path`) is looked up in
//! the built-in permissions index. Declarations with their own `metadata = "…"` (another OData
//! service) are skipped; a line the index does not list is reported as unknown, never guessed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::Args;
use graph_odata_metadata::line;
use graph_odata_metadata::permissions::{Permissions, SCHEMES, Scheme};
use serde_json::{Value, json};

use crate::check;

pub const EXAMPLES: &str = "Examples:
  graph-odata-cli permissions src/
  graph-odata-cli permissions --json src/models.rs
  graph-odata-cli permissions --compare manifest.json .

--compare reads an app registration's manifest (its requiredResourceAccess for Microsoft Graph,
resourceAppId 00000003-0000-0000-c000-000000000000). Each resourceAccess entry names its
permission in `value` (or `name`, or `id` when that is a name): the permissions reference has no
permission ids, so an entry with only a GUID id is reported as unnamed and cannot be compared.
Exit code: 0 fine, 1 something missing, 2 an error.";

const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// Files read from one directory tree, at most.
const MAX_FILES: usize = 10_000;
/// Bytes of one Rust file, at most.
const MAX_FILE_BYTES: u64 = 16 << 20;

#[derive(Debug, Args)]
pub struct PermissionsArgs {
    /// Print JSON (for tools) instead of text
    #[arg(long)]
    json: bool,
    /// An app registration manifest to compare with (its requiredResourceAccess)
    #[arg(long, value_name = "APP_JSON")]
    compare: Option<PathBuf>,
    /// Rust files, or directories searched for `.rs` files (`target` and hidden ones skipped)
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
}

/// One endpoint line and what it needs.
struct Use {
    file: String,
    line: usize,
    declaration: String,
    endpoint: String,
    template: Option<String>,
    /// Least privileged name per scheme (index by `Scheme as usize`).
    least: [Option<String>; 3],
}

pub fn run(args: &PermissionsArgs) -> Result<bool, String> {
    let index = Permissions::graph().map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for p in &args.paths {
        rust_files(p, &mut files)?;
    }
    let mut uses = Vec::new();
    let mut skipped = Vec::new();
    for file in &files {
        let meta =
            std::fs::metadata(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!("{} is over 16 MiB", file.display()));
        }
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let name = file.display().to_string();
        let parsed = syn::parse_file(&text).map_err(|e| format!("{name}: not valid Rust: {e}"))?;
        check::for_each_declaration(&parsed.items, &mut |_, ident, tokens| {
            let args = check::parse_args(tokens);
            if args.own_metadata {
                skipped.push(format!("`{ident}` ({name}): names its own metadata file"));
                return;
            }
            for lit in &args.endpoints {
                let Ok(parsed_line) = line::parse(&lit.value) else {
                    skipped.push(format!(
                        "`{}` of `{ident}` ({name}): not an endpoint line",
                        lit.value
                    ));
                    continue;
                };
                let needs = index.lookup_line(&parsed_line);
                let mut least: [Option<String>; 3] = Default::default();
                if let Some(n) = needs {
                    for s in SCHEMES {
                        least[s as usize] = n.least(s).map(|d| d.name().to_owned());
                    }
                }
                uses.push(Use {
                    file: name.clone(),
                    line: lit.span.start().line,
                    declaration: ident.to_string(),
                    endpoint: lit.value.clone(),
                    template: needs.map(|n| format!("/{}", n.template())),
                    least,
                });
            }
        });
    }
    // The union per scheme, with admin-consent flags.
    let mut needed: [BTreeSet<String>; 3] = Default::default();
    for u in &uses {
        for s in SCHEMES {
            if let Some(n) = &u.least[s as usize] {
                needed[s as usize].insert(n.clone());
            }
        }
    }
    let admin = |s: Scheme, name: &str| index.permission(name).is_some_and(|d| d.admin_consent(s));
    let comparison = match &args.compare {
        Some(path) => Some(compare(path, &needed)?),
        None => None,
    };
    if args.json {
        let scheme_list = |s: Scheme| -> Vec<Value> {
            needed[s as usize]
                .iter()
                .map(|n| json!({"name": n, "adminConsent": admin(s, n)}))
                .collect()
        };
        let mut out = json!({
            "source": {"document": index.source().document, "commit": index.source().commit, "date": index.source().date},
            "permissions": {
                "DelegatedWork": scheme_list(Scheme::DelegatedWork),
                "DelegatedPersonal": scheme_list(Scheme::DelegatedPersonal),
                "Application": scheme_list(Scheme::Application),
            },
            "declarations": uses.iter().filter(|u| u.template.is_some()).map(|u| json!({
                "file": u.file, "line": u.line, "declaration": u.declaration, "endpoint": u.endpoint,
                "template": u.template,
                "least": {
                    "DelegatedWork": u.least[0], "DelegatedPersonal": u.least[1], "Application": u.least[2],
                },
            })).collect::<Vec<_>>(),
            "unknown": uses.iter().filter(|u| u.template.is_none()).map(|u| json!({
                "file": u.file, "line": u.line, "declaration": u.declaration, "endpoint": u.endpoint,
            })).collect::<Vec<_>>(),
            "skipped": skipped,
        });
        if let Some(c) = &comparison {
            out["compare"] = c.to_json();
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
    } else {
        print_text(index, &uses, &needed, &skipped, &admin);
        if let Some(c) = &comparison {
            c.print();
        }
    }
    Ok(comparison.is_none_or(|c| c.missing.values().all(BTreeSet::is_empty)))
}

fn print_text(
    index: &Permissions,
    uses: &[Use],
    needed: &[BTreeSet<String>; 3],
    skipped: &[String],
    admin: &dyn Fn(Scheme, &str) -> bool,
) {
    println!(
        "Least privileged Microsoft Graph permissions (permissions reference of {}):",
        index.source().date
    );
    for s in SCHEMES {
        let names: Vec<String> = needed[s as usize]
            .iter()
            .map(|n| {
                if admin(s, n) {
                    format!("{n} (admin consent)")
                } else {
                    n.clone()
                }
            })
            .collect();
        let list = if names.is_empty() {
            "—".to_owned()
        } else {
            names.join(", ")
        };
        println!("  {s}: {list}");
    }
    println!("\nPer endpoint:");
    for u in uses.iter().filter(|u| u.template.is_some()) {
        let per: Vec<&str> = SCHEMES
            .into_iter()
            .map(|s| u.least[s as usize].as_deref().unwrap_or("—"))
            .collect();
        println!(
            "  {}:{}: {} `{}`: work {}; personal {}; application {}",
            u.file, u.line, u.declaration, u.endpoint, per[0], per[1], per[2]
        );
    }
    let unknown: Vec<&Use> = uses.iter().filter(|u| u.template.is_none()).collect();
    if !unknown.is_empty() {
        println!("\nUnknown (the permissions reference does not list them):");
        for u in unknown {
            println!(
                "  {}:{}: {} `{}`",
                u.file, u.line, u.declaration, u.endpoint
            );
        }
    }
    for s in skipped {
        println!("skipped {s}");
    }
}

/// Rust files under `path` (itself when it is a file), in a stable order.
fn rust_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.is_file() {
        out.push(path.to_owned());
        return Ok(());
    }
    if !meta.is_dir() {
        return Err(format!("{} is not a file or a directory", path.display()));
    }
    let mut stack = vec![path.to_owned()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries.into_iter().rev() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Links are not followed: a loop or a tree outside the crate is not read.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && !name.starts_with('.') && name != "target" {
                stack.push(entry.path());
            } else if kind.is_file() && name.ends_with(".rs") {
                out.push(entry.path());
                if out.len() > MAX_FILES {
                    return Err(format!(
                        "over {MAX_FILES} Rust files under {}",
                        path.display()
                    ));
                }
            }
        }
    }
    out.sort();
    Ok(())
}

/// The app registration against the needs: per kind (`Scope` delegated, `Role` application).
struct Comparison {
    missing: BTreeMap<&'static str, BTreeSet<String>>,
    unused: BTreeMap<&'static str, BTreeSet<String>>,
    unnamed: Vec<String>,
}

impl Comparison {
    fn to_json(&self) -> Value {
        json!({"missing": self.missing, "unused": self.unused, "unnamed": self.unnamed})
    }

    fn print(&self) {
        for (what, map) in [
            ("missing", &self.missing),
            ("granted but unused", &self.unused),
        ] {
            for (kind, names) in map {
                if !names.is_empty() {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    println!("{what} ({kind}): {}", names.join(", "));
                }
            }
        }
        if !self.unnamed.is_empty() {
            println!(
                "unnamed (a GUID id and no `value`; the permissions reference has no ids): {}",
                self.unnamed.join(", ")
            );
        }
        if self.missing.values().all(BTreeSet::is_empty) {
            println!("the app registration holds every permission needed");
        }
    }
}

fn compare(path: &Path, needed: &[BTreeSet<String>; 3]) -> Result<Comparison, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} is not a regular file of at most 16 MiB",
            path.display()
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let access = doc
        .get("requiredResourceAccess")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{}: no `requiredResourceAccess` array", path.display()))?;
    let mut granted: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut unnamed = Vec::new();
    for resource in access {
        if resource.get("resourceAppId").and_then(Value::as_str) != Some(GRAPH_APP_ID) {
            continue;
        }
        for entry in resource
            .get("resourceAccess")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let kind = match entry.get("type").and_then(Value::as_str) {
                Some("Scope") => "Scope",
                Some("Role") => "Role",
                other => {
                    return Err(format!(
                        "{}: resourceAccess type {other:?} is neither `Scope` nor `Role`",
                        path.display()
                    ));
                }
            };
            let id = entry.get("id").and_then(Value::as_str).unwrap_or_default();
            let name = ["value", "name"]
                .iter()
                .find_map(|k| entry.get(*k).and_then(Value::as_str))
                .or((!is_guid(id) && !id.is_empty()).then_some(id));
            match name {
                Some(n) => {
                    granted.entry(kind).or_default().insert(n.to_owned());
                }
                None => unnamed.push(format!("{kind} {}", id.escape_debug())),
            }
        }
    }
    let mut scopes: BTreeSet<String> = needed[Scheme::DelegatedWork as usize].clone();
    scopes.extend(needed[Scheme::DelegatedPersonal as usize].iter().cloned());
    let roles = needed[Scheme::Application as usize].clone();
    let mut missing = BTreeMap::new();
    let mut unused = BTreeMap::new();
    for (kind, need) in [("Scope", scopes), ("Role", roles)] {
        let have = granted.remove(kind).unwrap_or_default();
        missing.insert(kind, need.difference(&have).cloned().collect());
        unused.insert(kind, have.difference(&need).cloned().collect());
    }
    Ok(Comparison {
        missing,
        unused,
        unnamed,
    })
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}
