//! The persistent token cache with the device code flow, against the emulator's identity
//! endpoint over loopback: a second process signs in from the cache without a prompt (from the
//! cached access token, then from the cached refresh token once it is stale, rotation written
//! back); entries of other scopes or clients are not used; a refused refresh token is removed
//! and the user asked again; foreign, unsafe and corrupt files are ignored with a warning that
//! names the file and the reason, never the content. Every cache lives in a temporary directory.

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use graph_odata::auth::signin::cache::{CacheKey, CachedTokens, FileTokenCache, TokenStore};
use graph_odata::auth::signin::{Authority, ClientSecretCredential, DeviceCodeCredential};
use graph_odata::auth::{Secret, TokenCredential};
use graph_odata::prelude::*;
use graph_odata_emulator::{App, Emulator};
use serde_json::{Value, json};

const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
const OTHER_CLIENT_ID: &str = "99999999-8888-7777-6666-555555555555";
const APP_SECRET: &str = "cache-test-secret";
/// The child process's settings (JSON), set only by the parent test.
const CHILD_ENV: &str = "GRAPH_ODATA_TEST_CACHE_CHILD";

fn scopes() -> Vec<String> {
    vec![
        "https://graph.microsoft.com/Tasks.ReadWrite".to_owned(),
        "https://graph.microsoft.com/User.Read".to_owned(),
    ]
}

async fn emulator() -> Emulator {
    let emu = support::emulator().await;
    emu.register_app(App::new(CLIENT_ID));
    emu.register_app(
        App::new(OTHER_CLIENT_ID)
            .secret(APP_SECRET)
            .roles(["User.Read.All"]),
    );
    emu.require_signed_tokens(true);
    emu.set_device_code_timing(Duration::ZERO, Duration::from_secs(60));
    emu.approve_device_codes_on_poll(Some(1));
    emu
}

fn authority(base_url: &str) -> Authority {
    Authority::at(base_url, "organizations").unwrap()
}

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        TempDir(std::env::temp_dir().join(format!(
            "graph-odata-signin-cache-{name}-{}-{nanos}",
            std::process::id()
        )))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A device code credential with a prompt counter, caching in `dir`.
fn credential(
    base_url: &str,
    client_id: &str,
    dir: &std::path::Path,
) -> (DeviceCodeCredential, Arc<AtomicUsize>) {
    let prompts = Arc::new(AtomicUsize::new(0));
    let seen = prompts.clone();
    let credential = DeviceCodeCredential::new(authority(base_url), client_id, move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    })
    .unwrap()
    .with_cache(FileTokenCache::at(dir));
    (credential, prompts)
}

/// The calls to the identity endpoint: (device code requests, token requests). The emulator's
/// log hides the forms (they carry secrets); a token request with no new device code request
/// is a refresh grant (the only other grant, client credentials, needs a secret this public
/// client app does not have).
fn identity_calls(emu: &Emulator) -> (usize, usize) {
    let log = emu.requests();
    let count = |end: &str| log.iter().filter(|r| r.path.ends_with(end)).count();
    (
        count("/oauth2/v2.0/devicecode"),
        count("/oauth2/v2.0/token"),
    )
}

/// Runs this test binary's `cache_child` in a new process against `emu` with the cache in
/// `dir`; returns how many prompts it showed.
async fn child_process(emu: &Emulator, dir: &std::path::Path) -> usize {
    let settings = json!({
        "authority": emu.base_url(),
        "v1": emu.v1_url(),
        "dir": dir,
    })
    .to_string();
    let exe = std::env::current_exe().unwrap();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(exe)
            .args([
                "cache_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, settings)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "the child failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let prompts = stdout
        .lines()
        .find_map(|l| l.split_once("child prompts=").map(|(_, n)| n))
        .unwrap_or_else(|| panic!("the child did not report: {stdout}"));
    prompts.trim().parse().unwrap()
}

/// The child process: signs in with the cache its parent names and makes one Graph call.
/// Ignored in normal runs; the parent runs it with `--ignored`.
#[tokio::test]
#[ignore = "run by a_second_process_signs_in_from_the_cache_without_a_prompt"]
async fn cache_child() {
    let settings: Value = serde_json::from_str(
        &std::env::var(CHILD_ENV).expect("run only by the parent test, which sets the settings"),
    )
    .unwrap();
    let (credential, prompts) = credential(
        settings["authority"].as_str().unwrap(),
        CLIENT_ID,
        std::path::Path::new(settings["dir"].as_str().unwrap()),
    );
    let client = Client::builder()
        .service_root(settings["v1"].as_str().unwrap())
        .retry(support::fast_retry())
        .credential(credential)
        .scopes(scopes())
        .build()
        .unwrap();
    let list: Value = client
        .send(Request::post(
            "/me/todo/lists",
            &json!({"displayName": "from a child process"}),
        ))
        .await
        .unwrap();
    assert!(list["id"].is_string(), "{list}");
    println!("child prompts={}", prompts.load(Ordering::SeqCst));
}

/// Sets the cached access token of `path` to have expired (the file keeps its mode).
fn make_stale(path: &std::path::Path) {
    let mut record: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    record["expires_on"] = json!(1);
    std::fs::write(path, serde_json::to_vec(&record).unwrap()).unwrap();
}

fn cached_refresh_token(path: &std::path::Path) -> String {
    let record: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    record["refresh_token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_signs_in_from_the_cache_without_a_prompt() {
    let emu = emulator().await;
    let dir = TempDir::new("processes");
    // The first process signs in with a device code and writes the cache.
    assert_eq!(child_process(&emu, &dir.0).await, 1);
    let (device, tokens) = identity_calls(&emu);
    assert_eq!(device, 1);
    let file = FileTokenCache::at(&dir.0).path_of(&CacheKey::new(
        &authority(emu.base_url()),
        CLIENT_ID,
        &scopes(),
    ));
    assert!(file.is_file(), "{}", file.display());
    // The second one finds a valid access token: no prompt, no call to the identity endpoint.
    assert_eq!(child_process(&emu, &dir.0).await, 0);
    assert_eq!(identity_calls(&emu), (1, tokens));
    // Once the access token is stale, the next process uses the cached refresh token: a
    // refresh_token grant, no device code. The emulator rotates refresh tokens and refuses a used
    // one, so a fourth process only works if the third wrote the new one back.
    let first_rt = cached_refresh_token(&file);
    make_stale(&file);
    assert_eq!(child_process(&emu, &dir.0).await, 0);
    assert_eq!(identity_calls(&emu), (1, tokens + 1));
    assert_ne!(
        cached_refresh_token(&file),
        first_rt,
        "rotation is written back"
    );
    make_stale(&file);
    assert_eq!(child_process(&emu, &dir.0).await, 0);
    assert_eq!(identity_calls(&emu), (1, tokens + 2));
}

#[tokio::test]
async fn entries_for_other_scopes_or_clients_are_not_used() {
    let (_log, _guard) = support::trace::capture(tracing::Level::WARN);
    let emu = emulator().await;
    let dir = TempDir::new("keys");
    let (first, prompts) = credential(emu.base_url(), CLIENT_ID, &dir.0);
    first.get_token(&scopes()).await.unwrap();
    assert_eq!(prompts.load(Ordering::SeqCst), 1);
    // The same key in a new credential: from the cache.
    let (same, prompts) = credential(emu.base_url(), CLIENT_ID, &dir.0);
    same.get_token(&scopes()).await.unwrap();
    assert_eq!(prompts.load(Ordering::SeqCst), 0);
    // One scope less, another client, another tenant: each signs in anew.
    let (fewer, prompts) = credential(emu.base_url(), CLIENT_ID, &dir.0);
    fewer.get_token(&scopes()[..1]).await.unwrap();
    assert_eq!(prompts.load(Ordering::SeqCst), 1);
    let (other, prompts) = credential(emu.base_url(), OTHER_CLIENT_ID, &dir.0);
    other.get_token(&scopes()).await.unwrap();
    assert_eq!(prompts.load(Ordering::SeqCst), 1);
    let prompts = Arc::new(AtomicUsize::new(0));
    let seen = prompts.clone();
    let tenant = DeviceCodeCredential::new(
        Authority::at(emu.base_url(), "contoso").unwrap(),
        CLIENT_ID,
        move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
        },
    )
    .unwrap()
    .with_cache(FileTokenCache::at(&dir.0));
    tenant.get_token(&scopes()).await.unwrap();
    assert_eq!(prompts.load(Ordering::SeqCst), 1);
    assert_eq!(identity_calls(&emu).0, 4);
    assert_eq!(
        std::fs::read_dir(&dir.0).unwrap().count(),
        4,
        "one file per key"
    );
}

#[tokio::test]
async fn a_refused_refresh_token_is_removed_and_the_user_asked_again() {
    let (log, _guard) = support::trace::capture(tracing::Level::WARN);
    let emu = emulator().await;
    let dir = TempDir::new("refused");
    let (first, _) = credential(emu.base_url(), CLIENT_ID, &dir.0);
    first.get_token(&scopes()).await.unwrap();
    let key = CacheKey::new(&authority(emu.base_url()), CLIENT_ID, &scopes());
    let cache = FileTokenCache::at(&dir.0);
    // A refresh token the identity platform no longer knows, with a stale access token.
    cache
        .save(
            &key,
            &CachedTokens {
                refresh_token: Some(Secret::new("rt.revoked-by-the-tenant")),
                ..Default::default()
            },
        )
        .unwrap();
    let (second, prompts) = credential(emu.base_url(), CLIENT_ID, &dir.0);
    second.get_token(&scopes()).await.unwrap();
    assert_eq!(prompts.load(Ordering::SeqCst), 1, "asked again");
    assert_eq!(identity_calls(&emu).0, 2);
    let kept = cache.load(&key).unwrap();
    let rt = kept.refresh_token.unwrap();
    assert!(
        rt.expose() != "rt.revoked-by-the-tenant",
        "the refused one is gone"
    );
    assert!(kept.access_token.is_some());
    let text = log.text();
    assert!(text.contains("invalid_grant"), "{text}");
    assert!(!text.contains("rt.revoked-by-the-tenant"), "{text}");
}

/// The warnings of the test so far, and a check that `secret` is in none of them.
fn warned(log: &support::trace::Captured, secret: &str) -> String {
    let text = log.text();
    assert!(!text.contains(secret), "a secret in the log: {text}");
    text
}

/// Puts a file where an entry should be.
type Plant = Box<dyn Fn()>;

#[tokio::test]
async fn foreign_unsafe_and_corrupt_files_are_ignored_with_a_warning() {
    let (log, _guard) = support::trace::capture(tracing::Level::WARN);
    let emu = emulator().await;
    let dir = TempDir::new("hostile");
    let key = CacheKey::new(&authority(emu.base_url()), CLIENT_ID, &scopes());
    let cache = FileTokenCache::at(&dir.0);
    let path = cache.path_of(&key);
    let planted = CachedTokens {
        refresh_token: Some(Secret::new("rt.planted-secret")),
        access_token: Some(
            graph_odata::auth::AccessToken::new("at.planted-secret")
                .expires_at(std::time::SystemTime::now() + Duration::from_secs(3600)),
        ),
        account: None,
    };
    // Each case: a file where the key's entry should be that must not be used. The credential
    // signs in with a device code instead, and the warning names the file and the reason.
    let mut cases: Vec<(&str, Plant)> = Vec::new();
    let other_key = CacheKey::new(&authority(emu.base_url()), OTHER_CLIENT_ID, &scopes());
    let (c, p, o) = (cache.clone(), path.clone(), planted.clone());
    cases.push((
        "written for another authority, client or set of scopes",
        Box::new(move || {
            c.save(&other_key, &o).unwrap();
            std::fs::rename(c.path_of(&other_key), &p).unwrap();
        }),
    ));
    let p = path.clone();
    cases.push((
        "not a token cache record",
        Box::new(move || write_private(&p, b"rt.planted-secret is not JSON")),
    ));
    let p = path.clone();
    cases.push((
        "over the 65536 bytes",
        Box::new(move || write_private(&p, &vec![b'{'; 70_000])),
    ));
    #[cfg(unix)]
    {
        let (c, k, o) = (cache.clone(), key.clone(), planted.clone());
        cases.push((
            "other users may read or write it (mode 644",
            Box::new(move || {
                use std::os::unix::fs::PermissionsExt;
                c.save(&k, &o).unwrap();
                std::fs::set_permissions(c.path_of(&k), std::fs::Permissions::from_mode(0o644))
                    .unwrap();
            }),
        ));
        let (c, k, o) = (cache.clone(), key.clone(), planted.clone());
        let elsewhere = dir.0.join("elsewhere");
        cases.push((
            "it is a symbolic link",
            Box::new(move || {
                let there = FileTokenCache::at(&elsewhere);
                there.save(&k, &o).unwrap();
                std::os::unix::fs::symlink(there.path_of(&k), c.path_of(&k)).unwrap();
            }),
        ));
    }
    for (reason, plant) in &cases {
        let _ = std::fs::remove_file(&path);
        plant();
        let (credential, prompts) = credential(emu.base_url(), CLIENT_ID, &dir.0);
        let token = credential.get_token(&scopes()).await.unwrap();
        assert_ne!(token.token.expose(), "at.planted-secret", "{reason}");
        assert_eq!(prompts.load(Ordering::SeqCst), 1, "{reason}");
        let text = warned(&log, "planted-secret");
        assert!(
            text.contains(reason) && text.contains(&path.display().to_string()),
            "{reason}: {text}"
        );
        // The bad file was replaced by a good entry of the new sign-in.
        assert!(cache.load(&key).is_some(), "{reason}");
    }
}

fn write_private(path: &std::path::Path, bytes: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[tokio::test]
async fn an_app_only_flow_reuses_a_cached_access_token() {
    let (log, _guard) = support::trace::capture(tracing::Level::WARN);
    let emu = emulator().await;
    let dir = TempDir::new("app");
    let app_scope = vec!["https://graph.microsoft.com/.default".to_owned()];
    let app = || {
        ClientSecretCredential::new(authority(emu.base_url()), OTHER_CLIENT_ID, APP_SECRET)
            .unwrap()
            .with_cache(FileTokenCache::at(&dir.0))
    };
    let first = app().get_token(&app_scope).await.unwrap();
    assert_eq!(identity_calls(&emu).1, 1);
    let again = app().get_token(&app_scope).await.unwrap();
    assert_eq!(again.token.expose(), first.token.expose());
    assert_eq!(identity_calls(&emu).1, 1, "no new token request");
    // A claims challenge needs a new token, cache or not.
    app()
        .get_token_with_claims(
            &app_scope,
            r#"{"access_token":{"nbf":{"essential":true,"value":"1"}}}"#,
        )
        .await
        .unwrap();
    assert_eq!(identity_calls(&emu).1, 2);
    let key = CacheKey::new(&authority(emu.base_url()), OTHER_CLIENT_ID, &app_scope);
    let kept = FileTokenCache::at(&dir.0).load(&key).unwrap();
    assert!(kept.refresh_token.is_none());
    assert!(!format!("{:?}", app()).contains(APP_SECRET));
    assert_eq!(log.text(), "");
}
