//! `generate` on a `$metadata` file from a hostile service: its names end up in escaped literals
//! and sanitised identifiers, never as code, and the names that cannot be used are reported on
//! stderr instead of written.

use std::process::Command;

const HOSTILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile.csdl.xml");

#[test]
fn generate_on_a_hostile_csdl_file_writes_only_declarations() {
    let out = Command::new(env!("CARGO_BIN_EXE_graph-odata-cli"))
        .args([
            "generate",
            "--actions",
            "--metadata",
            HOSTILE,
            "evil.item\")]fn pwn(){}#[x(\"",
        ])
        .env_remove("GRAPH_ODATA_METADATA_V1_0")
        .output()
        .expect("the CLI runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
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
    assert_eq!(
        declared,
        ["Item_fn_pwn_x_", "ResetItem_fn_pwn_x_", "St_ate"],
        "{stdout}"
    );
    // `fn pwn` appears only inside literals and doc lines: no function item parsed above.
    assert!(!stdout.contains('\u{202e}'), "{stdout}");
    assert!(
        stdout.contains(r#"#[graph_entity("evil.item\")]fn pwn(){}#[x(\"", list = "GET /items""#),
        "{stdout}"
    );
    assert!(
        stdout.contains("#[graph(rename = \"line\\u{a}#[cfg(any())]\")]\n    pub line_cfg_any_:"),
        "{stdout}"
    );
    assert!(stdout.contains("pub r#type: Option<String>,"), "{stdout}");
    assert!(stdout.contains("pub self_: Option<String>,"), "{stdout}");
    assert!(stdout.contains("    Other_2,"), "{stdout}");
    // Left out, and said so on stderr with the names escaped.
    assert!(
        stderr.contains(r#"warning: left out: the action "evil.do\"it" is not a path segment"#),
        "{stderr}"
    );
    assert!(stderr.contains("has an empty name"), "{stderr}");
    assert!(!stderr.contains('\u{202e}'), "{stderr}");
}
