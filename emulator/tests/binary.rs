//! The `graph-odata-emulator` binary prints its URL and serves until stopped.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

/// Kills the child when the test ends, pass or fail.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `args` and `env`, and returns it with the URL it prints.
fn start(args: &[&str], env: &[(&str, &str)]) -> (Running, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_graph-odata-emulator"));
    command
        .args(args)
        .env_remove("GRAPH_ODATA_EMULATOR_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("the emulator binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let running = Running(child);
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a first line");
    let url = first
        .trim()
        .strip_prefix("graph-odata emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    (running, url)
}

/// Stops the binary and returns what it wrote to stderr.
fn stop(mut running: Running) -> String {
    let _ = running.0.kill();
    let mut err = String::new();
    if let Some(mut stderr) = running.0.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    err
}

/// Asserts that the emulator at `url` requires `token`.
async fn requires(url: &str, token: &str) {
    let http = reqwest::Client::new();
    let denied = http.get(format!("{url}/v1.0/users")).send().await.unwrap();
    assert_eq!(denied.status(), 401);
    let wrong = http
        .get(format!("{url}/v1.0/users"))
        .bearer_auth("not-it")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let created = http
        .post(format!("{url}/v1.0/users"))
        .bearer_auth(token)
        .json(&serde_json::json!({"displayName": "Ada"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
}

#[tokio::test]
async fn binary_serves_on_the_printed_url_and_checks_the_token() {
    let (running, url) = start(&["--port", "0", "--token", "t0k"], &[]);
    requires(&url, "t0k").await;
    let err = stop(running);
    assert!(
        err.contains("warning: `--token` shows the token in the process list"),
        "{err}"
    );
    assert!(err.contains("--token-file"), "{err}");
    assert!(
        !err.contains("t0k"),
        "the warning does not repeat the token: {err}"
    );
}

#[tokio::test]
async fn the_token_comes_from_the_environment_without_a_warning() {
    let (running, url) = start(&[], &[("GRAPH_ODATA_EMULATOR_TOKEN", "from-env")]);
    requires(&url, "from-env").await;
    let err = stop(running);
    assert!(!err.contains("warning"), "{err}");
}

#[tokio::test]
async fn the_token_comes_from_a_file_before_the_environment() {
    let dir = std::env::temp_dir().join(format!("emulator-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token");
    std::fs::write(&file, "from-file\n").unwrap();
    let path = file.to_string_lossy().into_owned();
    let (running, url) = start(
        &["--token-file", &path],
        &[("GRAPH_ODATA_EMULATOR_TOKEN", "from-env")],
    );
    requires(&url, "from-file").await;
    let err = stop(running);
    assert!(!err.contains("warning"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreadable_token_file_stops_the_start() {
    let out = Command::new(env!("CARGO_BIN_EXE_graph-odata-emulator"))
        .args(["--token-file", "/nonexistent/emulator-token"])
        .output()
        .expect("the emulator binary runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read the token file `/nonexistent/emulator-token`"),
        "{err}"
    );
}

#[test]
fn bad_arguments_exit_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_graph-odata-emulator"))
        .args(["--port", "seventy"])
        .output()
        .expect("the emulator binary runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`--port seventy`"), "{err}");
    assert!(err.contains("usage:"), "{err}");
}
