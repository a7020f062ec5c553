//! The declaration generator's output compiles and passes the `$metadata` checks against the schema
//! it came from: Graph's v1.0 metadata file when `GRAPH_ODATA_METADATA_V1_0` is set (always under
//! CI), else the Graph v1.0 index built into graph-odata-metadata (the macros' default); and so does
//! its output for a hostile service's document (`cli/tests/hostile.csdl.xml`), checked against that
//! document.

mod support;

use graph_odata_metadata::Metadata;
use graph_odata_metadata::generate::{Options, generate};

#[test]
fn generated_declarations_compile_and_validate() {
    let real = support::external_file(
        "GRAPH_ODATA_METADATA_V1_0",
        "Microsoft Graph's v1.0 metadata (v1.0.csdl.xml) to generate from",
    )
    .map(|p| p.display().to_string());
    let md = match &real {
        Some(file) => {
            let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
            Metadata::parse(&text).unwrap()
        }
        None => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "generating from the built-in Graph v1.0 index instead"
            );
            Metadata::graph_v1_0().unwrap().clone()
        }
    };
    let types: &[&str] = &[
        "microsoft.graph.linkedResource",
        "microsoft.graph.permission",
        "microsoft.graph.externalConnectors.externalConnection",
        "microsoft.graph.connectedOrganization",
    ];
    let code = generate(
        &md,
        types,
        &Options {
            path_depth: 4,
            actions: true,
        },
    )
    .unwrap();
    assert!(code.contains("pub struct LinkedResource"), "{code}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("seed_types.rs");
    std::fs::write(&path, format!("{code}\nfn main() {{}}\n")).unwrap();
    // SAFETY: this test binary runs this one test; nothing else reads the environment concurrently.
    unsafe {
        std::env::set_var("GRAPH_ODATA_CHECKS", "strict");
        match &real {
            Some(file) => std::env::set_var("GRAPH_ODATA_METADATA_V1_0", file),
            None => std::env::remove_var("GRAPH_ODATA_METADATA_V1_0"),
        }
    }
    let t = trybuild::TestCases::new();
    t.pass(&path);
    t.pass(hostile_declarations(&dir));
}

/// The generator's output for a document full of names built to break out of literals, comments
/// and attributes, each declaration checked against that document (`metadata = "…"`).
fn hostile_declarations(dir: &std::path::Path) -> std::path::PathBuf {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/cli/tests/hostile.csdl.xml");
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let md = Metadata::parse(&text).unwrap();
    let code = generate(
        &md,
        &["evil.item"],
        &Options {
            path_depth: 4,
            actions: true,
        },
    )
    .unwrap();
    let mut checked = String::new();
    for line in code.lines() {
        let declaration = [
            "graph_entity",
            "graph_complex",
            "graph_enum",
            "graph_action",
        ]
        .iter()
        .any(|m| line.starts_with(&format!("#[{m}(")));
        match line.find("(\"").filter(|_| declaration) {
            Some(open) => {
                // After the type name: a literal whose quotes inside are escaped.
                let bytes = line.as_bytes();
                let mut end = open + 2;
                while bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                checked.push_str(&line[..=end]);
                checked.push_str(&format!(", metadata = {file:?}"));
                checked.push_str(&line[end + 1..]);
            }
            None => checked.push_str(line),
        }
        checked.push('\n');
    }
    let path = dir.join("hostile_types.rs");
    std::fs::write(&path, format!("{checked}\nfn main() {{}}\n")).unwrap();
    path
}
