//! The installed command, run as a user runs it, on the metadata crate's small CSDL fixture.

use std::process::{Command, Output};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../metadata/tests/fixture.csdl.xml"
);
const MISTAKES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/declarations_with_mistakes.rs.txt"
);

fn run(args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_graph-odata-cli"))
        .args(args)
        .env_remove("GRAPH_ODATA_METADATA_V1_0")
        .output()
        .expect("the CLI runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

#[test]
fn check_reports_each_mistake_at_its_line_with_a_suggestion() {
    let (code, out, err) = run(&["check", "--metadata", FIXTURE, MISTAKES]);
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].ends_with(":5:12: error: `GET /me/todo/list/{todoTaskListId}/tasks/{taskId}/linkedResources`: microsoft.graph.todo has no navigation property, property or bound operation named `list`, did you mean `lists`?"), "{}", lines[0]);
    assert!(
        lines[1].contains(
            ":11:16: error: `Permission`: the type `microsoft.graph.permision` is not in the schema"
        ),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("did you mean `permission`"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(":15:66: error: `POST /me/drive/items/{itemId}/createLnk`"),
        "{}",
        lines[2]
    );
    assert!(
        out.contains("checked 3 declarations and 4 endpoint lines: 3 problems"),
        "{out}"
    );
    assert!(out.contains("skipped `Something`"), "{out}");
}

#[test]
fn check_passes_generated_declarations() {
    let (code, generated, err) = run(&[
        "generate",
        "--metadata",
        FIXTURE,
        "--actions",
        "microsoft.graph.linkedResource",
        "microsoft.graph.permission",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        generated.contains("pub struct LinkedResource"),
        "{generated}"
    );
    let dir = std::env::temp_dir().join(format!("graph-odata-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("generated.rs");
    std::fs::write(&file, &generated).unwrap();
    let (code, out, err) = run(&["check", "--metadata", FIXTURE, file.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(": no problems"), "{out}");
}

#[test]
fn help_shows_examples_and_bad_input_is_a_clear_error() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Examples:") && out.contains("graph-odata-cli check --metadata"),
        "{out}"
    );
    let (code, _, err) = run(&[
        "generate",
        "--metadata",
        "/nonexistent/v1.0.csdl.xml",
        "x.y",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read /nonexistent/v1.0.csdl.xml"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "index",
        "--document",
        "d",
        "--commit",
        "c",
        "--date",
        "2026-01-01",
        "--out",
        "x.idx",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("index needs the document: --metadata FILE"),
        "{err}"
    );
    let (code, _, err) = run(&["chek"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("similar subcommand") && err.contains("check"),
        "{err}"
    );
    let (code, _, err) = run(&["check", "--metadata", "/", MISTAKES]);
    assert_eq!(code, 2);
    assert!(err.contains("/ is not a regular file"), "{err}");
    let (code, _, err) = run(&["check", "--metadata", MISTAKES, MISTAKES]);
    assert_eq!(code, 2, "a Rust file is not CSDL");
    assert!(err.contains("declarations_with_mistakes.rs.txt"), "{err}");
    let (code, _, err) = run(&[
        "generate",
        "--metadata",
        FIXTURE,
        "microsoft.graph.linkedResourse",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean"), "{err}");
}

#[test]
fn without_metadata_graph_v1_0_built_in_is_used() {
    let (code, out, err) = run(&["generate", "--depth", "1", "microsoft.graph.todoTask"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pub struct TodoTask"), "{out}");
    let (code, _, err) = run(&["check", MISTAKES]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("did you mean `lists`?"), "{err}");
}

#[test]
fn index_writes_then_checks_a_reproducible_index() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-index");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("fixture.idx");
    let out = out.to_str().unwrap();
    let args = |check: bool| {
        let mut a = vec![
            "index",
            "--metadata",
            FIXTURE,
            "--document",
            "fixture.csdl.xml",
            "--commit",
            "0123abc",
            "--date",
            "2026-08-04",
            "--out",
            out,
        ];
        if check {
            a.push("--check");
        }
        a
    };
    let (code, stdout, err) = run(&args(false));
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("wrote"), "{stdout}");
    let text = std::fs::read_to_string(out).unwrap();
    assert!(text.contains("H\tdate\t2026-08-04\n"), "{text}");
    let (code, stdout, err) = run(&args(true));
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("is up to date"), "{stdout}");
    std::fs::write(out, text.replace("linkedResource", "linkedResourse")).unwrap();
    let (code, _, err) = run(&args(true));
    assert_eq!(code, 1);
    assert!(err.contains("regenerate it without --check"), "{err}");
    let (code, _, err) = run(&[
        "index",
        "--metadata",
        FIXTURE,
        "--document",
        "d",
        "--commit",
        "c",
        "--date",
        "Aug 4",
        "--out",
        out,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("is not YYYY-MM-DD"), "{err}");
}

#[test]
fn beta_lines_are_skipped_and_unchecked_beta_keeps_the_rest_checked() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-beta");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("models.rs");
    std::fs::write(
        &file,
        r#"
#[graph_entity(
    unchecked = "beta",
    list = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
    create_beta = "POST https://graph.microsoft.com/beta/linkedResources"
)]
pub struct LinkedResource { pub id: Option<String> }

#[graph_entity(unchecked = "beta", list = "GET /me/todo/listz")]
pub struct TodoTaskList { pub id: Option<String> }
"#,
    )
    .unwrap();
    let (code, out, err) = run(&["check", "--metadata", FIXTURE, file.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("named `listz`"),
        "the v1.0 parts stay checked: {err}"
    );
    assert!(!err.contains("linkedResources`:"), "{err}");
    assert!(out.contains("a beta URL"), "{out}");
}
