//! The browser sign-in (authorization code with PKCE) against the emulator over a real loopback
//! redirect: the test's "browser" GETs the authorize URL without following redirects, then GETs
//! the `Location` (the credential's listener) itself. Also: refresh-token rotation, a forged
//! redirect before the real one, a declined sign-in, a flooded listener and a wait that runs out.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use graph_odata::auth::TokenCredential;
use graph_odata::auth::signin::{Authority, InteractiveBrowserCredential};
use graph_odata::prelude::*;
use graph_odata_emulator::{App, Emulator};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PUBLIC_ID: &str = "22222222-3333-4444-5555-666666666666";

async fn emulator() -> Emulator {
    let emu = Emulator::start().await.unwrap();
    emu.register_app(App::new(PUBLIC_ID));
    emu.insert("/users", json!({"displayName": "Adele"}));
    emu.require_signed_tokens(true);
    emu.enforce_permissions(true);
    emu.approve_sign_ins();
    emu
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// What the "browser" saw: each page the listener answered (status, text).
type Pages = Arc<Mutex<Vec<(u16, String)>>>;

/// GETs `url` (the redirect to the listener), at 127.0.0.1 as a browser resolves `localhost`.
async fn visit(url: reqwest::Url, pages: &Pages) {
    let mut url = url;
    assert_eq!(url.host_str(), Some("localhost"));
    url.set_host(Some("127.0.0.1")).unwrap();
    let r = no_redirects().get(url).send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    pages.lock().unwrap().push((status, text));
}

/// The pages once there are `n` (the browser reads a page after the listener answered it, so
/// after the credential may have returned).
async fn pages_when(pages: &Pages, n: usize) -> Vec<(u16, String)> {
    let wait = async {
        loop {
            let seen = pages.lock().unwrap().clone();
            if seen.len() >= n {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap()
}

/// The authorize URL's answer: its `Location`.
async fn authorize(url: reqwest::Url) -> reqwest::Url {
    let r = no_redirects().get(url).send().await.unwrap();
    assert_eq!(r.status(), 302);
    reqwest::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap()
}

/// A browser that signs in, first doing `before` with the redirect it got.
fn browser<F, Fut>(pages: &Pages, before: F) -> impl Fn(&reqwest::Url) + Send + Sync + 'static
where
    F: Fn(reqwest::Url, Pages) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let pages = pages.clone();
    move |url: &reqwest::Url| {
        let url = url.clone();
        let pages = pages.clone();
        let before = before.clone();
        tokio::spawn(async move {
            let location = authorize(url).await;
            before(location.clone(), pages.clone()).await;
            visit(location, &pages).await;
        });
    }
}

fn credential(
    emu: &Emulator,
    open: impl Fn(&reqwest::Url) + Send + Sync + 'static,
) -> InteractiveBrowserCredential {
    InteractiveBrowserCredential::new(
        Authority::at(emu.base_url(), "organizations").unwrap(),
        PUBLIC_ID,
        open,
    )
    .unwrap()
    .wait(Duration::from_secs(30))
}

fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let part = jwt.split('.').nth(1).unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

fn token_requests(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
        .count()
}

#[tokio::test]
async fn a_browser_sign_in_over_a_real_loopback_redirect_then_a_graph_call_passes() {
    let emu = emulator().await;
    let pages = Pages::default();
    let credential = credential(&emu, browser(&pages, |_, _| async {}));
    let client = Client::builder()
        .service_root(emu.v1_url())
        .credential(credential)
        .credential_timeout(Duration::from_secs(60))
        .scopes(["https://graph.microsoft.com/User.Read.All"])
        .build()
        .unwrap();
    let users: Value = client.send(Request::get("/users")).await.unwrap();
    assert_eq!(users["value"][0]["displayName"], "Adele");
    let seen = pages_when(&pages, 1).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, 200);
    assert!(seen[0].1.contains("Signed in"), "{}", seen[0].1);
    // The authorize request asked for PKCE (S256), the scopes and offline_access.
    let asked = emu
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/oauth2/v2.0/authorize"))
        .unwrap();
    let query = asked.query.unwrap();
    assert!(query.contains("code_challenge_method=S256"), "{query}");
    assert!(query.contains("offline_access"), "{query}");
    assert!(
        query.contains("redirect_uri=http%3A%2F%2Flocalhost%3A"),
        "{query}"
    );
    // A call that User.Read.All does not grant is Graph's 403: the token carries what was asked.
    let e = client
        .send::<Value>(Request::get("/groups"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("Authorization_RequestDenied"), "{e}");
}

#[tokio::test]
async fn later_tokens_come_from_the_rotating_refresh_token_without_the_browser() {
    let emu = emulator().await;
    let pages = Pages::default();
    let credential = credential(&emu, browser(&pages, |_, _| async {}));
    let scopes = vec!["https://graph.microsoft.com/User.Read".to_owned()];
    let first = credential.get_token(&scopes).await.unwrap();
    assert_eq!(claims(first.token.expose())["scp"], "User.Read");
    assert!(
        format!("{credential:?}").contains("refresh_token: Some"),
        "{credential:?}"
    );
    // The emulator refuses a used refresh token, so a third token without a second browser
    // visit proves the rotated one was kept.
    let second = credential.get_token(&scopes).await.unwrap();
    let third = credential.get_token(&scopes).await.unwrap();
    assert_ne!(second.token.expose(), first.token.expose());
    assert_ne!(third.token.expose(), second.token.expose());
    assert_eq!(
        (pages_when(&pages, 1).await.len(), token_requests(&emu)),
        (1, 3)
    );
    let debug = format!("{credential:?}");
    assert!(!debug.contains("rt.") && !debug.contains("eyJ"), "{debug}");
}

#[tokio::test]
async fn a_forged_redirect_gets_an_error_page_and_the_real_one_still_signs_in() {
    let emu = emulator().await;
    let pages = Pages::default();
    let forge = |location: reqwest::Url, pages: Pages| async move {
        let mut forged = location.clone();
        forged.set_query(Some("code=attacker-code&state=attacker-state"));
        visit(forged, &pages).await;
        // A flood: a request head far over the limit, then a second connection's junk.
        let port = location.port().unwrap();
        let mut flood = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let huge = format!("GET /?{} HTTP/1.1\r\n", "x".repeat(1 << 20));
        let _ = flood.write_all(huge.as_bytes()).await;
        let mut answer = Vec::new();
        let _ = flood.read_to_end(&mut answer).await;
        pages
            .lock()
            .unwrap()
            .push((0, String::from_utf8_lossy(&answer).into_owned()));
    };
    let credential = credential(&emu, browser(&pages, forge));
    let token = credential
        .get_token(&["https://graph.microsoft.com/User.Read".to_owned()])
        .await
        .unwrap();
    assert_eq!(claims(token.token.expose())["scp"], "User.Read");
    let seen = pages_when(&pages, 3).await;
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0].0, 400, "the forged state");
    assert!(seen[1].1.starts_with("HTTP/1.1 431"), "{}", seen[1].1);
    assert_eq!(seen[2].0, 200, "the real redirect");
}

#[tokio::test]
async fn a_declined_sign_in_is_an_auth_error_naming_access_denied() {
    let emu = emulator().await;
    emu.refuse_sign_ins();
    let pages = Pages::default();
    let credential = credential(&emu, browser(&pages, |_, _| async {}));
    let e = credential
        .get_token(&["https://graph.microsoft.com/User.Read".to_owned()])
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("access_denied") && text.contains("AADSTS65004"),
        "{text}"
    );
    let page = pages_when(&pages, 1).await[0].clone();
    assert_eq!(page.0, 200, "the browser gets a page too");
    assert!(page.1.contains("not completed"), "{}", page.1);
    assert_eq!(token_requests(&emu), 0);
}

#[tokio::test]
async fn no_redirect_within_the_wait_is_a_timeout_error() {
    let emu = emulator().await;
    let opened = Arc::new(Mutex::new(0));
    let count = opened.clone();
    let credential =
        credential(&emu, move |_| *count.lock().unwrap() += 1).wait(Duration::from_millis(200));
    let e = credential
        .get_token(&["https://graph.microsoft.com/User.Read".to_owned()])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), graph_odata::ErrorKind::Timeout, "{e}");
    assert_eq!(*opened.lock().unwrap(), 1);
}

#[tokio::test]
async fn a_configured_port_is_used_and_a_taken_one_is_an_auth_error() {
    let emu = emulator().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let credential = credential(&emu, |_| {}).port(port);
    let e = credential
        .get_token(&["https://graph.microsoft.com/User.Read".to_owned()])
        .await
        .unwrap_err();
    assert!(
        e.is_auth() && e.to_string().contains(&port.to_string()),
        "{e}"
    );
    drop(taken);
    let pages = Pages::default();
    let credential = credential_on(&emu, &pages, port);
    credential
        .get_token(&["https://graph.microsoft.com/User.Read".to_owned()])
        .await
        .unwrap();
    let asked = emu
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/oauth2/v2.0/authorize"))
        .unwrap();
    assert!(
        asked
            .query
            .unwrap()
            .contains(&format!("localhost%3A{port}"))
    );
}

fn credential_on(emu: &Emulator, pages: &Pages, port: u16) -> InteractiveBrowserCredential {
    credential(emu, browser(pages, |_, _| async {})).port(port)
}

#[tokio::test]
async fn a_cached_sign_in_opens_no_browser_in_the_next_run() {
    use graph_odata::auth::signin::cache::FileTokenCache;
    let emu = emulator().await;
    let dir = std::env::temp_dir().join(format!(
        "graph-odata-pkce-cache-{}-{}",
        std::process::id(),
        fastrand_suffix()
    ));
    let scopes = vec!["https://graph.microsoft.com/User.Read".to_owned()];
    let pages = Pages::default();
    let first =
        credential(&emu, browser(&pages, |_, _| async {})).with_cache(FileTokenCache::at(&dir));
    first.get_token(&scopes).await.unwrap();
    assert_eq!(pages_when(&pages, 1).await.len(), 1);
    // A second "run": a new credential over the same cache directory; its browser must not open.
    let opened = Arc::new(Mutex::new(0));
    let counter = opened.clone();
    let second = credential(&emu, move |_: &reqwest::Url| *counter.lock().unwrap() += 1)
        .with_cache(FileTokenCache::at(&dir));
    let before = token_requests(&emu);
    let token = second.get_token(&scopes).await.unwrap();
    assert_eq!(claims(token.token.expose())["scp"], "User.Read");
    assert_eq!(*opened.lock().unwrap(), 0, "the browser was opened again");
    assert_eq!(
        token_requests(&emu),
        before,
        "the cached access token was not used"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn fastrand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}
