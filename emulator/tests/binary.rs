//! The `graph-odata-emulator` binary prints its URL and serves until stopped.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Kills the child when the test ends, pass or fail.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_serves_on_the_printed_url_and_checks_the_token() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_graph-odata-emulator"))
        .args(["--port", "0", "--token", "t0k"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the emulator binary starts");
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

    let http = reqwest::Client::new();
    let denied = http.get(format!("{url}/v1.0/users")).send().await.unwrap();
    assert_eq!(denied.status(), 401);
    let created = http
        .post(format!("{url}/v1.0/users"))
        .bearer_auth("t0k")
        .json(&serde_json::json!({"displayName": "Ada"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    drop(running);
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
