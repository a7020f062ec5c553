//! Schema text into Rust source without letting it become code: every name or piece of text
//! the generator takes from a CSDL document passes through one of these functions first.
//!
//! - [`lit`]: a string literal with exactly the text's characters (ASCII source, everything else
//!   escaped), for wire names in `rename = "…"` and qualified names in the macro attributes;
//! - [`doc`]: the text of one `///` line (no line breaks, no control or direction characters);
//! - [`ident`]: a Rust identifier derived from a name (a raw identifier for a keyword that can be
//!   one, a sanitised identifier otherwise), or `None` when the name is empty.

use std::collections::BTreeSet;

use crate::names::snake_to_pascal;

/// Strict and reserved keywords of every edition: a name equal to one is written `r#name`.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers: a name equal to one gets a trailing `_`.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Input: `a"b\n` — Output: `"a\"b\u{a}"`: a Rust string literal whose value is exactly `value`.
/// Only printable ASCII is written as is; every other character is a `\u{…}` escape, so no
/// character of the schema can end the literal, break the line or hide as a direction override.
pub(super) fn lit(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            _ => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// Input: `x\n#[evil]` — Output: `x #[evil]`: text for one `///` line. Line breaks and other
/// control characters, and the invisible format characters (direction overrides, zero-width
/// ones) that rustc refuses in comments, become spaces; a backtick becomes `'` so the text
/// cannot close the code span it is shown in.
pub(super) fn doc(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() || is_format(c) => ' ',
            c => c,
        })
        .collect()
}

/// Unicode format and separator characters rustc lints against or treats as line ends.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// Input: a name already in the wanted case (`web_url`, `Type`, `2fa`, `a-b`, `名前`, `self`) —
/// Output: a Rust identifier (`web_url`, `Type`, `_2fa`, `a_b`, `u540d_u524d`, `self_`): ASCII
/// letters, digits and `_` are kept, each run of other characters becomes one `_`, a name left
/// without a letter or digit is spelled by its code points, a leading digit gets a `_` in front,
/// a keyword becomes a raw identifier (`r#type`) or, when it cannot be one, gets a trailing `_`.
/// `None` for an empty name: nothing usable can be made of it.
pub(super) fn ident(name: &str) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    if NOT_RAW.contains(&out.as_str()) && out == name {
        return Some(format!("{out}_"));
    }
    if !out.chars().any(|c| c.is_ascii_alphanumeric()) {
        out = name
            .chars()
            .map(|c| format!("u{:x}", u32::from(c)))
            .collect::<Vec<_>>()
            .join("_");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.insert_str(0, "r#");
    }
    Some(out)
}

/// Whether the macros accept `name` as a property's wire name in `rename = "…"`: not empty, and
/// no `@`, `.` or `/` (those are for annotations and paths).
pub(super) fn property_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['@', '.', '/'])
}

/// Input: a field name in snake case (`web_url`, `self`, `9lives`) — Output: [`ident`], unless the
/// macros could not name the field's variant in an entity's field enum from it (its PascalCase
/// form must start with a letter and not be `Self`): then `field_` and its letters and digits
/// (`field_self`, `field_9lives`).
pub(super) fn field_ident(snake: &str) -> Option<String> {
    let id = ident(snake)?;
    let bare = id.trim_start_matches("r#");
    let pascal = snake_to_pascal(bare);
    if pascal.starts_with(|c: char| c.is_ascii_alphabetic()) && pascal != "Self" {
        return Some(id);
    }
    Some(format!("field_{}", bare.trim_matches('_')))
}

/// What a name given out in a scope stands for besides itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// Types: the macros add `{Name}Patch`, `{Name}PatchBody` and `{Name}Field` beside each.
    Types,
    /// Fields of one struct: a field `x` gets a patch method `clear_x`, and a variant `X` in the
    /// field enum.
    Fields,
    /// Variants of one enum.
    Variants,
}

/// The Rust names given out in one scope, with the names the macros derive from each, so that no
/// two collide directly or through what is derived from them.
#[derive(Debug)]
pub(super) struct Taken {
    scope: Scope,
    names: BTreeSet<String>,
}

impl Taken {
    /// A scope where `reserved` are already taken.
    pub(super) fn new(scope: Scope, reserved: &[&str]) -> Taken {
        let mut taken = Taken {
            scope,
            names: BTreeSet::new(),
        };
        for r in reserved {
            let keys = taken.keys(r);
            taken.names.extend(keys);
        }
        taken
    }

    fn keys(&self, ident: &str) -> Vec<String> {
        let bare = ident.trim_start_matches("r#");
        match self.scope {
            Scope::Types => ["", "Patch", "PatchBody", "Field"]
                .iter()
                .map(|suffix| format!("{bare}{suffix}"))
                .collect(),
            Scope::Fields => vec![
                bare.to_owned(),
                format!("clear_{bare}"),
                format!("#{}", snake_to_pascal(bare)),
            ],
            Scope::Variants => vec![bare.to_owned()],
        }
    }

    /// Whether `ident` is free: neither it nor a name derived from it is taken.
    pub(super) fn is_free(&self, ident: &str) -> bool {
        self.keys(ident).iter().all(|k| !self.names.contains(k))
    }

    /// `ident`, or when it is not free the first free one of `ident_2`, `ident_3`, … (for fields)
    /// or `Ident2`, `Ident3`, … (for types and variants); taken.
    pub(super) fn take(&mut self, ident: String) -> String {
        let bare = ident.trim_start_matches("r#").to_owned();
        let separator = if self.scope == Scope::Fields { "_" } else { "" };
        let chosen = std::iter::once(ident)
            .chain((2..).map(|n| format!("{bare}{separator}{n}")))
            .find(|candidate| self.is_free(candidate))
            .unwrap_or(bare);
        let keys = self.keys(&chosen);
        self.names.extend(keys);
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_everything_that_could_end_them() {
        assert_eq!(lit("plain"), "\"plain\"");
        assert_eq!(lit("a\"b"), "\"a\\\"b\"");
        assert_eq!(lit("a\\"), "\"a\\\\\"");
        assert_eq!(lit("x\ny"), "\"x\\u{a}y\"");
        assert_eq!(lit("\u{202e}é"), "\"\\u{202e}\\u{e9}\"");
        assert_eq!(lit("*/ // #["), "\"*/ // #[\"");
    }

    #[test]
    fn doc_text_stays_on_one_line() {
        assert_eq!(doc("a\nb\r\u{2028}c"), "a b  c");
        assert_eq!(doc("x`y\u{202e}"), "x'y ");
        assert_eq!(doc("*/ #[evil]"), "*/ #[evil]");
    }

    #[test]
    fn identifiers_are_always_identifiers() {
        let cases = [
            ("web_url", "web_url"),
            ("type", "r#type"),
            ("self", "self_"),
            ("Self", "Self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("_", "__"),
            ("-", "u2d"),
            ("2fa", "_2fa"),
            ("a\"b);", "a_b_"),
            ("名前", "u540d_u524d"),
            ("größe", "gr_e"),
            ("_self", "_self"),
        ];
        for (name, want) in cases {
            assert_eq!(ident(name).as_deref(), Some(want), "{name:?}");
        }
        assert_eq!(ident(""), None);
    }

    #[test]
    fn taken_names_get_a_suffix_and_keep_derived_names_apart() {
        let mut fields = Taken::new(Scope::Fields, &["extra"]);
        assert_eq!(fields.take("a".into()), "a");
        assert_eq!(fields.take("a".into()), "a_2");
        assert_eq!(fields.take("r#type".into()), "r#type");
        assert_eq!(fields.take("r#type".into()), "type_2");
        assert_eq!(fields.take("extra".into()), "extra_2");
        assert_eq!(
            fields.take("clear_a".into()),
            "clear_a_3",
            "`clear_a` is the patch method of `a`, `clear_a_2` of `a_2`"
        );
        assert_eq!(fields.take("b1".into()), "b1");
        assert_eq!(
            fields.take("b_1".into()),
            "b_1_2",
            "both would be the variant `B1`"
        );
        let mut types = Taken::new(Scope::Types, &["Option"]);
        assert_eq!(types.take("User".into()), "User");
        assert!(!types.is_free("UserPatch"));
        assert!(!types.is_free("Option"));
        assert_eq!(types.take("UserField".into()), "UserField2");
        assert!(types.is_free("Account"));
    }

    #[test]
    fn field_names_give_a_field_enum_variant() {
        assert_eq!(field_ident("web_url").as_deref(), Some("web_url"));
        assert_eq!(field_ident("type").as_deref(), Some("r#type"));
        assert_eq!(field_ident("self").as_deref(), Some("field_self"));
        assert_eq!(field_ident("_self").as_deref(), Some("field_self"));
        assert_eq!(field_ident("9lives").as_deref(), Some("field_9lives"));
        assert_eq!(field_ident("_").as_deref(), Some("field_"));
        assert!(property_name("a\"b"));
        assert!(!property_name("a.b") && !property_name("@odata") && !property_name(""));
    }
}
