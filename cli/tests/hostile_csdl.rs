//! `generate` on a `$metadata` file from a hostile service: its names end up in escaped literals
//! and sanitised identifiers, never as code, and the names that cannot be used are reported on
//! stderr instead of written.

use std::process::Command;

const HOSTILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile.csdl.xml");

fn generate(ty: &str) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_graph-odata-cli"))
        .args(["generate", "--actions", "--metadata", HOSTILE, ty])
        .env_remove("GRAPH_ODATA_METADATA_V1_0")
        .output()
        .expect("the CLI runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn generate_on_a_hostile_csdl_file_writes_only_declarations() {
    let (ok, stdout, stderr) = generate("evil.item");
    assert!(ok, "{stderr}");
    let file = syn::parse_file(&stdout).unwrap_or_else(|e| panic!("{e}\n{stdout}"));
    let mut declared = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Use(_) => {}
            syn::Item::Struct(s) => declared.push(s.ident.to_string()),
            syn::Item::Enum(e) => declared.push(e.ident.to_string()),
            _ => panic!("an item the generator does not write\n{stdout}"),
        }
    }
    assert_eq!(declared, ["Item", "SelfItem", "State"], "{stdout}");
    assert!(!stdout.contains('\u{202e}'), "{stdout}");
    assert!(
        stdout.contains(r#"#[graph(rename = "x\")]fn pwn(){}#[x(\"")]"#),
        "{stdout}"
    );
    assert!(
        stdout.contains("#[graph(rename = \"line\\u{a}#[cfg(any())]\")]\n    pub line_cfg_any_:"),
        "{stdout}"
    );
    assert!(stdout.contains("pub r#type: Option<String>,"), "{stdout}");
    assert!(
        stdout.contains("pub field_self: Option<String>,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("pub field_9lives: Option<String>,"),
        "{stdout}"
    );
    // A type the document names badly is not declared: the property holds any JSON.
    assert!(
        stdout.contains("pub other: Option<serde_json::Value>,"),
        "{stdout}"
    );
    assert!(stdout.contains("    Other2,"), "{stdout}");
    assert!(
        stdout.contains("paths = [self_ = \"POST /items/{itemId}/evil.self\"]"),
        "{stdout}"
    );
    // Left out, and said so on stderr with the names escaped.
    for left_out in [
        r#"warning: left out: the action "evil.do\"it" is not a qualified OData name"#,
        r#"warning: left out: the property "*/ fn pwn() {} /*" of "evil.item" is not an OData property name"#,
        r#"warning: left out: the property "how/now" of "evil.self" is not an OData property name"#,
        r#"warning: left out: the member "on\";" of "evil.state" is not an OData member name"#,
        r#"warning: left out: the type "evil.ot\"her" is not a qualified OData name"#,
    ] {
        assert!(stderr.contains(left_out), "{left_out}\n{stderr}");
    }
    assert!(!stderr.contains('\u{202e}'), "{stderr}");
}

#[test]
fn a_hostile_type_name_asked_for_is_an_error_quoted_escaped() {
    let (ok, stdout, stderr) = generate("evil.item\")]fn pwn(){}#[x(\"");
    assert!(!ok);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(
            r#"error: "evil.item\")]fn pwn(){}#[x(\"" cannot be declared: it is not a qualified OData name"#
        ),
        "{stderr}"
    );
}
