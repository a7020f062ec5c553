//! `graph-odata-cli permissions` and `permissions-index`, run as a user runs them, on a fixture
//! crate (`tests/permissions_fixture`: declarations in nested files, one for another service).

use std::path::PathBuf;
use std::process::{Command, Output};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/permissions_fixture");

fn run(args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_graph-odata-cli"))
        .args(args)
        .output()
        .expect("the CLI runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn fixture(rel: &str) -> String {
    format!("{FIXTURE}/{rel}")
}

#[test]
fn a_crate_directory_gives_the_least_privileged_set_per_scheme() {
    let (code, out, err) = run(&["permissions", FIXTURE]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("delegated (work or school): ExternalConnection.ReadWrite.OwnedBy (admin consent), Files.ReadWrite, Tasks.Read, Tasks.ReadWrite\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "delegated (personal account): Files.ReadWrite, Tasks.Read, Tasks.ReadWrite\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("application: ExternalConnection.ReadWrite.OwnedBy (admin consent), Files.ReadWrite.All (admin consent)\n"),
        "{out}"
    );
    // Which declaration needs which, with its file and line (a nested module in a subdirectory too).
    assert!(out.contains("models.rs:5: LinkedResource `POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources`: work Tasks.ReadWrite; personal Tasks.ReadWrite; application —"), "{out}");
    assert!(out.contains("ops.rs:4: CreateLink `POST /drives/{driveId}/items/{itemId}/createLink`: work Files.ReadWrite; personal Files.ReadWrite; application Files.ReadWrite.All"), "{out}");
    // Not in the reference: listed, not guessed. Another service: skipped.
    assert!(
        out.contains("Unknown (the permissions reference does not list them):\n  "),
        "{out}"
    );
    assert!(
        out.contains("ExternalConnection `POST /connections`"),
        "{out}"
    );
    assert!(out.contains("skipped `Person`"), "{out}");
    assert!(!out.contains("GET /People"), "{out}");
}

#[test]
fn json_for_tools() {
    let (code, out, err) = run(&["permissions", "--json", &fixture("src/models.rs")]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["source"]["commit"],
        "6cbd6bbd665a877560fdefbad74f3bdb5b57af88"
    );
    assert_eq!(
        v["permissions"]["Application"],
        serde_json::json!([{"name": "ExternalConnection.ReadWrite.OwnedBy", "adminConsent": true}])
    );
    assert_eq!(
        v["permissions"]["DelegatedWork"][2],
        serde_json::json!({"name": "Tasks.ReadWrite", "adminConsent": false})
    );
    let declarations = v["declarations"].as_array().unwrap();
    assert_eq!(declarations.len(), 3, "{out}");
    assert_eq!(
        declarations[1]["endpoint"],
        "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources"
    );
    assert_eq!(
        declarations[1]["template"],
        "/me/todo/lists/{id}/tasks/{id}/linkedresources"
    );
    assert_eq!(declarations[1]["least"]["DelegatedWork"], "Tasks.Read");
    assert_eq!(
        declarations[1]["least"]["Application"],
        serde_json::Value::Null
    );
    assert_eq!(v["unknown"][0]["endpoint"], "POST /connections");
    assert!(v.get("compare").is_none());
}

#[test]
fn compare_reports_missing_and_unused_and_fails_when_something_is_missing() {
    let app = fixture("app.json");
    let (code, out, err) = run(&["permissions", "--compare", &app, FIXTURE]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("missing (Role): ExternalConnection.ReadWrite.OwnedBy\n"),
        "{out}"
    );
    assert!(
        out.contains("missing (Scope): ExternalConnection.ReadWrite.OwnedBy, Tasks.Read\n"),
        "{out}"
    );
    assert!(
        out.contains("granted but unused (Scope): Mail.Send\n"),
        "{out}"
    );
    assert!(!out.contains("granted but unused (Role)"), "{out}");
    // Only Graph's resource counts; a GUID without a name is reported, not guessed.
    assert!(out.contains("unnamed (a GUID id and no `value`"), "{out}");
    assert!(
        out.contains("Scope e1fe6dd8-ba31-4d61-89e7-88639da4683d"),
        "{out}"
    );

    let (code, out, err) = run(&["permissions", "--json", "--compare", &app, FIXTURE]);
    assert_eq!(code, 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["compare"]["missing"]["Role"],
        serde_json::json!(["ExternalConnection.ReadWrite.OwnedBy"])
    );
    assert_eq!(
        v["compare"]["unused"]["Scope"],
        serde_json::json!(["Mail.Send"])
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("graph-odata-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_registration_with_everything_passes() {
    let dir = temp_dir("complete");
    let app = dir.join("app.json");
    std::fs::write(&app, r#"{"requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000",
        "resourceAccess": [{"id": "Tasks.ReadWrite", "type": "Scope"}, {"id": "Tasks.Read", "type": "Scope"}]}]}"#).unwrap();
    let src = dir.join("lib.rs");
    std::fs::write(&src, r#"#[graph_entity(list = "GET /me/todo/lists", create = "POST /me/todo/lists")] struct L {}"#).unwrap();
    let (code, out, err) = run(&[
        "permissions",
        "--compare",
        app.to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("the app registration holds every permission needed"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_inputs_are_errors_never_panics() {
    let dir = temp_dir("hostile");
    // Skipped: build output and hidden directories; a link is not followed.
    for sub in ["target", ".git"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::write(
            dir.join(sub).join("x.rs"),
            r#"#[graph_entity(list = "GET /users")] struct U {}"#,
        )
        .unwrap();
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink("/", dir.join("loop")).unwrap();
    let (code, out, err) = run(&["permissions", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("User.Read"), "{out}");

    let bad_rust = dir.join("bad.rs");
    std::fs::write(&bad_rust, "fn {").unwrap();
    let (code, _, err) = run(&["permissions", bad_rust.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not valid Rust"), "{err}");

    let ok = fixture("src/models.rs");
    for (body, says) in [
        ("not json", "not JSON"),
        ("{}", "no `requiredResourceAccess` array"),
        (
            r#"{"requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccess": [{"id": "X", "type": "Sneaky"}]}]}"#,
            "neither `Scope` nor `Role`",
        ),
    ] {
        let app = dir.join("app.json");
        std::fs::write(&app, body).unwrap();
        let (code, _, err) = run(&["permissions", "--compare", app.to_str().unwrap(), &ok]);
        assert_eq!(code, 2, "{body}");
        assert!(err.contains(says), "{body}: {err}");
    }
    let (code, _, err) = run(&["permissions", "--compare", "/dev/zero", &ok]);
    assert_eq!(code, 2);
    assert!(err.contains("not a regular file"), "{err}");
    let (code, _, err) = run(&["permissions", "/no/such/dir"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_shows_an_example() {
    let (code, out, _) = run(&["permissions", "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("graph-odata-cli permissions --compare manifest.json ."),
        "{out}"
    );
}

/// The shipped index is what the documented command makes from the reference named by
/// `GRAPH_ODATA_PERMISSIONS` (`.ci/run` sets it; without it this says so and passes, except
/// under CI).
#[test]
fn the_shipped_index_matches_the_reference() {
    let Some(reference) = std::env::var_os("GRAPH_ODATA_PERMISSIONS").filter(|v| !v.is_empty())
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs GRAPH_ODATA_PERMISSIONS (permissions.json)"
        );
        eprintln!("skipped: GRAPH_ODATA_PERMISSIONS is not set");
        return;
    };
    let out = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../metadata/builtin/graph-permissions.idx"
    );
    let (code, stdout, err) = run(&[
        "permissions-index",
        "--check",
        "--reference",
        reference.to_str().unwrap(),
        "--document",
        "microsoftgraph/microsoft-graph-devx-content permissions/new/permissions.json",
        "--commit",
        "6cbd6bbd665a877560fdefbad74f3bdb5b57af88",
        "--date",
        "2026-08-07",
        "--out",
        out,
    ]);
    assert_eq!(code, 0, "{stdout}{err}");
    // A tampered reference is not accepted as the same index.
    let dir = temp_dir("reference");
    let text = std::fs::read_to_string(&reference).unwrap();
    let tampered = dir.join("permissions.json");
    std::fs::write(
        &tampered,
        text.replacen("least=DelegatedWork", "least=Application", 1),
    )
    .unwrap();
    let (code, _, err) = run(&[
        "permissions-index",
        "--check",
        "--reference",
        tampered.to_str().unwrap(),
        "--document",
        "microsoftgraph/microsoft-graph-devx-content permissions/new/permissions.json",
        "--commit",
        "6cbd6bbd665a877560fdefbad74f3bdb5b57af88",
        "--date",
        "2026-08-07",
        "--out",
        out,
    ]);
    assert_eq!(code, 1, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
