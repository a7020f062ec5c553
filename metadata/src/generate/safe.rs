//! Schema text into Rust source without letting it become code: every name or piece of text
//! the generator takes from a CSDL document passes through one of these functions first.
//!
//! - [`lit`]: a string literal with exactly the text's characters (ASCII source, everything else
//!   escaped), for wire names in `rename = "…"` and qualified names in the macro attributes;
//! - [`doc`]: the text of one `///` line (no line breaks, no control or direction characters);
//! - [`ident`]: a Rust identifier derived from a name (a raw identifier for a keyword that can be
//!   one, a sanitised identifier otherwise), or `None` when the name is empty.

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

/// `ident` with a numeric suffix (`name_2`, `name_3`, …) when it is already in `taken`; the
/// result is added to `taken`.
pub(super) fn unique(ident: String, taken: &mut std::collections::BTreeSet<String>) -> String {
    let bare = |s: &str| s.strip_prefix("r#").unwrap_or(s).to_owned();
    if taken.insert(bare(&ident)) {
        return ident;
    }
    let stem = bare(&ident);
    (2..)
        .map(|n| format!("{stem}_{n}"))
        .find(|candidate| taken.insert(candidate.clone()))
        .unwrap_or(stem)
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
    fn unique_names_get_a_suffix() {
        let mut taken = std::collections::BTreeSet::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a_2");
        assert_eq!(unique("r#type".into(), &mut taken), "r#type");
        assert_eq!(unique("r#type".into(), &mut taken), "type_2");
    }
}
