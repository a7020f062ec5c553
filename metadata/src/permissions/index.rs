//! The permissions index as text: written from the reference's facts by
//! [`write_index`](super::write_index), read back by [`Permissions::parse`](super::Permissions::parse).
//!
//! ```text
//! graph-odata-permissions-index 1
//! H document microsoftgraph/microsoft-graph-devx-content permissions/new/permissions.json
//! H commit | date | sha256 …
//! P Tasks.ReadWrite w3p3     a permission: per scheme its letter (w delegated work, p delegated
//!                            personal, a application), upper-case when an admin must consent,
//!                            then its privilege level (`-`: none given)
//! G 812WP 813a               a grant list: permission number, the schemes it grants, upper-case
//!                            where it is the least privileged one
//! T 12 todo/lists/{id} G40 P41
//!                            a template: bytes shared with the previous one, the rest, then per
//!                            method (G GET, P POST, A PATCH, U PUT, D DELETE) its grant list
//! ```
//!
//! Fields are separated by tabs (shown as spaces here), grant lists and methods by spaces.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::{Def, Grant, METHODS, Permissions, SCHEMES, Scheme, SchemeFacts, path};
use crate::{Error, ErrorKind, Source};

const MAGIC: &str = "graph-odata-permissions-index 1";

/// What the reference says about one permission (its `schemes` and `pathSets`), as the index
/// writer takes it.
#[derive(Clone, Debug, Default)]
pub struct SourcePermission {
    /// `Tasks.ReadWrite`.
    pub name: String,
    /// The schemes the permission exists in, with the admin-consent flag and privilege level.
    pub schemes: Vec<SchemeFacts>,
    /// The paths it grants.
    pub path_sets: Vec<SourcePathSet>,
}

/// One `pathSet`: these methods on these templates, granted in these schemes.
#[derive(Clone, Debug, Default)]
pub struct SourcePathSet {
    /// The schemes (`schemeKeys`).
    pub schemes: Vec<Scheme>,
    /// `GET`, `POST`, …; other methods are left out.
    pub methods: Vec<String>,
    /// Each template with the schemes its `least=` mark names.
    pub paths: Vec<(String, Vec<Scheme>)>,
}

/// One permission's claim on a template and method while the index is built.
struct Claim {
    permission: usize,
    granted: u8,
    marked_least: u8,
    /// How many methods its pathSet grants: fewer is narrower.
    width: usize,
}

fn bit(s: Scheme) -> u8 {
    1 << s as u8
}

fn method_number(m: &str) -> Option<usize> {
    METHODS
        .iter()
        .position(|(name, _)| name.eq_ignore_ascii_case(m))
}

/// Writes the index of `permissions` (the reference's facts) made from the document `source`.
///
/// Templates are spelled as lookups spell them (lower-case, `{id}`); templates that then meet are
/// one. `/me/…` templates keep no application grant (an app-only token has no signed-in user). Per template, method and scheme one grant is marked least privileged: among those the
/// reference marks `least=` (or, where it marks none, among all that grant it), the lowest
/// privilege level, then the one whose pathSet grants fewer methods, then the first by name.
pub fn write_index(source: &Source, permissions: &[SourcePermission]) -> Result<String, Error> {
    let mut sorted: Vec<&SourcePermission> = permissions.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut claims: BTreeMap<String, [Vec<Claim>; 5]> = BTreeMap::new();
    for (number, p) in sorted.iter().enumerate() {
        if p.name.is_empty() || p.name.contains(char::is_whitespace) {
            return Err(Error::new(
                ErrorKind::Parse,
                format!(
                    "permission name `{}` is empty or has a space",
                    p.name.escape_debug()
                ),
            ));
        }
        for set in &p.path_sets {
            let granted = set.schemes.iter().fold(0, |acc, s| acc | bit(*s));
            let methods: Vec<usize> = set
                .methods
                .iter()
                .filter_map(|m| method_number(m))
                .collect();
            for (template, least) in &set.paths {
                // A template the lookups could never produce is of no use to them.
                let Some(segments) = path::normalize(template) else {
                    continue;
                };
                // Graph has no `/me` without a signed-in user: an app-only token cannot call it,
                // whatever the reference lists.
                let granted = if segments[0] == "me" {
                    granted & !bit(Scheme::Application)
                } else {
                    granted
                };
                if granted == 0 {
                    continue;
                }
                let key = segments.join("/");
                let marked = least.iter().fold(0, |acc, s| acc | bit(*s)) & granted;
                let slots = claims.entry(key).or_default();
                for &m in &methods {
                    match slots[m].iter_mut().find(|c| c.permission == number) {
                        Some(c) => {
                            c.granted |= granted;
                            c.marked_least |= marked;
                            c.width = c.width.min(methods.len());
                        }
                        None => slots[m].push(Claim {
                            permission: number,
                            granted,
                            marked_least: marked,
                            width: methods.len(),
                        }),
                    }
                }
            }
        }
    }
    let mut out = String::new();
    out.push_str(MAGIC);
    out.push('\n');
    for (k, v) in [
        ("document", &source.document),
        ("commit", &source.commit),
        ("date", &source.date),
        ("sha256", &source.sha256),
    ] {
        let _ = writeln!(out, "H\t{k}\t{v}");
    }
    for p in &sorted {
        let mut facts = String::new();
        for s in SCHEMES {
            if let Some(f) = p.schemes.iter().find(|f| f.scheme == s) {
                let letter = s.letter();
                facts.push(if f.admin_consent {
                    letter.to_ascii_uppercase()
                } else {
                    letter
                });
                match f.privilege {
                    Some(level) if level <= 9 => facts.push(char::from(b'0' + level)),
                    _ => facts.push('-'),
                }
            }
        }
        let _ = writeln!(out, "P\t{}\t{facts}", p.name);
    }
    // Grant lists, numbered in order of first use.
    let mut groups: HashMap<String, usize> = HashMap::new();
    let mut group_lines = String::new();
    let mut template_lines = String::new();
    let mut previous = String::new();
    for (template, slots) in &claims {
        let mut methods = String::new();
        for (m, claims) in slots.iter().enumerate() {
            if claims.is_empty() {
                continue;
            }
            let text = grant_text(&sorted, claims);
            let next = groups.len();
            let number = *groups.entry(text.clone()).or_insert_with(|| {
                let _ = writeln!(group_lines, "G\t{text}");
                next
            });
            let _ = write!(methods, " {}{number}", METHODS[m].1);
        }
        let shared = template
            .bytes()
            .zip(previous.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        // Never split a character: the shared part ends at a char boundary of both.
        let shared = (0..=shared)
            .rev()
            .find(|&n| template.is_char_boundary(n))
            .unwrap_or(0);
        let _ = writeln!(
            template_lines,
            "T\t{shared}\t{}\t{}",
            &template[shared..],
            methods.trim_start()
        );
        previous.clone_from(template);
    }
    out.push_str(&group_lines);
    out.push_str(&template_lines);
    Ok(out)
}

/// `812WP 813a`: each claim with its schemes, the chosen least privileged one upper-case.
fn grant_text(sorted: &[&SourcePermission], claims: &[Claim]) -> String {
    let level = |c: &Claim, s: Scheme| {
        sorted[c.permission]
            .schemes
            .iter()
            .find(|f| f.scheme == s)
            .and_then(|f| f.privilege)
            .unwrap_or(u8::MAX)
    };
    let mut least = vec![0u8; claims.len()];
    for s in SCHEMES {
        let granting: Vec<usize> = (0..claims.len())
            .filter(|&i| claims[i].granted & bit(s) != 0)
            .collect();
        let marked: Vec<usize> = granting
            .iter()
            .copied()
            .filter(|&i| claims[i].marked_least & bit(s) != 0)
            .collect();
        let pool = if marked.is_empty() { granting } else { marked };
        if let Some(best) = pool.into_iter().min_by(|&a, &b| {
            (level(&claims[a], s), claims[a].width, claims[a].permission).cmp(&(
                level(&claims[b], s),
                claims[b].width,
                claims[b].permission,
            ))
        }) {
            least[best] |= bit(s);
        }
    }
    let mut order: Vec<usize> = (0..claims.len()).collect();
    order.sort_by_key(|&i| claims[i].permission);
    let mut text = String::new();
    for i in order {
        if !text.is_empty() {
            text.push(' ');
        }
        let _ = write!(text, "{}", claims[i].permission);
        for s in SCHEMES {
            if claims[i].granted & bit(s) != 0 {
                let l = s.letter();
                text.push(if least[i] & bit(s) != 0 {
                    l.to_ascii_uppercase()
                } else {
                    l
                });
            }
        }
    }
    text
}

fn bad(line: usize, what: &str) -> Error {
    Error::new(
        ErrorKind::Parse,
        format!("permissions index, line {line}: {what}"),
    )
}

/// Reads an index written by [`write_index`].
pub(super) fn parse(text: &str) -> Result<Permissions, Error> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    match lines.next() {
        Some((_, MAGIC)) => {}
        _ => {
            return Err(bad(
                1,
                &format!("not a permissions index (expected `{MAGIC}`)"),
            ));
        }
    }
    let mut p = Permissions::default();
    let mut header: HashMap<&str, &str> = HashMap::new();
    let mut previous = String::new();
    for (n, l) in lines {
        let mut fields = l.split('\t');
        match fields.next() {
            Some("H") => {
                let (Some(k), Some(v)) = (fields.next(), fields.next()) else {
                    return Err(bad(n, "a header needs a key and a value"));
                };
                header.insert(k, v);
            }
            Some("P") => {
                let (Some(name), Some(facts)) = (fields.next(), fields.next()) else {
                    return Err(bad(n, "a permission needs a name and its schemes"));
                };
                p.defs
                    .push(parse_def(name, facts).ok_or_else(|| bad(n, "bad schemes"))?);
            }
            Some("G") => {
                let list = fields.next().unwrap_or_default();
                let grants = list
                    .split(' ')
                    .map(|g| parse_grant(g, p.defs.len()))
                    .collect::<Option<Vec<Grant>>>()
                    .ok_or_else(|| bad(n, "bad grant"))?;
                p.groups.push(grants);
            }
            Some("T") => {
                let (Some(shared), Some(rest), Some(methods)) =
                    (fields.next(), fields.next(), fields.next())
                else {
                    return Err(bad(n, "a template needs three fields"));
                };
                let shared: usize = shared.parse().map_err(|_| bad(n, "bad shared length"))?;
                let Some(head) = previous.get(..shared) else {
                    return Err(bad(n, "shared length past the previous template"));
                };
                let template = format!("{head}{rest}");
                let mut slots = [u32::MAX; 5];
                for m in methods.split(' ') {
                    let mut chars = m.chars();
                    let letter = chars.next().ok_or_else(|| bad(n, "empty method"))?;
                    let slot = METHODS
                        .iter()
                        .position(|(_, l)| *l == letter)
                        .ok_or_else(|| bad(n, "unknown method letter"))?;
                    let group: u32 = chars
                        .as_str()
                        .parse()
                        .ok()
                        .filter(|g| (*g as usize) < p.groups.len())
                        .ok_or_else(|| bad(n, "unknown grant list"))?;
                    slots[slot] = group;
                }
                p.add_template(&template, slots);
                previous = template;
            }
            Some("") if l.is_empty() => {}
            _ => return Err(bad(n, "unknown line")),
        }
    }
    let get = |k: &str| header.get(k).map(|v| (*v).to_owned()).unwrap_or_default();
    p.source = Source {
        document: get("document"),
        commit: get("commit"),
        date: get("date"),
        sha256: get("sha256"),
    };
    Ok(p)
}

fn parse_def(name: &str, facts: &str) -> Option<Def> {
    let mut def = Def {
        name: name.to_owned(),
        schemes: [None; 3],
    };
    let mut chars = facts.chars();
    while let Some(letter) = chars.next() {
        let scheme = Scheme::from_letter(letter.to_ascii_lowercase())?;
        let level = match chars.next()? {
            '-' => None,
            d => Some(u8::try_from(d.to_digit(10)?).ok()?),
        };
        def.schemes[scheme as usize] = Some(SchemeFacts {
            scheme,
            admin_consent: letter.is_ascii_uppercase(),
            privilege: level,
        });
    }
    Some(def)
}

fn parse_grant(text: &str, defs: usize) -> Option<Grant> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let permission: u32 = text[..digits].parse().ok()?;
    if permission as usize >= defs {
        return None;
    }
    let (mut granted, mut least) = (0, 0);
    for c in text[digits..].chars() {
        let s = Scheme::from_letter(c.to_ascii_lowercase())?;
        granted |= bit(s);
        if c.is_ascii_uppercase() {
            least |= bit(s);
        }
    }
    (granted != 0).then_some(Grant {
        permission,
        granted,
        least,
    })
}
