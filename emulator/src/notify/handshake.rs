//! Calling receivers: which URLs the emulator calls (loopback only: `127.0.0.0/8`, `::1`,
//! `localhost`), the one HTTP client that calls them (no proxy, no redirects, a resolver that
//! answers `localhost` only, bounded answers) and the validation handshake.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use graph_odata_runtime::url::{Host, Url};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// The longest handshake answer read: a validation token is far shorter, so a longer answer is
/// wrong whatever follows.
pub(crate) const MAX_HANDSHAKE_ANSWER: usize = 4096;

/// A receiver's URL that passed [`check_url`]. Its `Debug` shows the origin and path only: the
/// query may carry a receiver's secret.
#[derive(Clone)]
pub(crate) struct CallbackUrl(Url);

impl std::fmt::Debug for CallbackUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}",
            self.0.origin().ascii_serialization(),
            self.0.path()
        )
    }
}

impl CallbackUrl {
    pub(crate) fn url(&self) -> &Url {
        &self.0
    }
}

/// Whether `host` is loopback: `localhost`, `127.0.0.0/8` or `::1`.
fn loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Checks a `notificationUrl` or `lifecycleNotificationUrl`: an absolute `https` or `http` URL
/// on a loopback host, without credentials.
pub(crate) fn check_url(property: &str, text: &str) -> Result<CallbackUrl, String> {
    let url = Url::parse(text)
        .map_err(|e| format!("The property '{property}' is not an absolute URL: {e}."))?;
    match url.scheme() {
        "https" | "http" => {}
        other => {
            return Err(format!(
                "The property '{property}' must be an https URL (the emulator also takes http on loopback), not '{other}'."
            ));
        }
    }
    if !loopback_host(&url) {
        let host = url.host_str().unwrap_or_default();
        let why = if url.scheme() == "http" {
            "Graph requires https notification URLs; the emulator accepts http on loopback hosts only"
        } else {
            "the emulator calls back only to loopback hosts"
        };
        return Err(format!(
            "The property '{property}' names the host '{host}': {why} (127.0.0.1, ::1, localhost) and never calls another host."
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "The property '{property}' must not carry credentials in the URL."
        ));
    }
    Ok(CallbackUrl(url))
}

/// Resolves `localhost` to `127.0.0.1` and `::1` and nothing else: no name lookup leaves the
/// machine, and no other name is ever called (IP literals are checked by [`check_url`]).
struct LoopbackOnly;

impl reqwest::dns::Resolve for LoopbackOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let local = name.as_str().eq_ignore_ascii_case("localhost");
        Box::pin(async move {
            if !local {
                return Err("the emulator calls back only to loopback hosts".into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(
                [
                    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
                    SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0),
                ]
                .into_iter(),
            );
            Ok(addrs)
        })
    }
}

/// The HTTP client that calls receivers.
pub(crate) struct Callbacks {
    client: Option<reqwest::Client>,
}

/// Why a call to a receiver failed, for messages (never with the URL's query).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

impl Callbacks {
    pub(crate) fn new() -> Callbacks {
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(std::sync::Arc::new(LoopbackOnly))
            .user_agent("graph-odata-emulator change notifications")
            .build()
            .ok();
        Callbacks { client }
    }

    fn client(&self) -> Result<&reqwest::Client, String> {
        self.client
            .as_ref()
            .ok_or_else(|| "the emulator's HTTP client could not be built".to_owned())
    }

    /// The validation handshake: `POST url?validationToken=…` must answer `200`, `text/plain`,
    /// with exactly the token as its body, within `timeout`. The error is the `400`'s message.
    pub(crate) async fn handshake(
        &self,
        property: &str,
        url: &CallbackUrl,
        timeout: Duration,
    ) -> Result<(), String> {
        let token = format!(
            "Validation: Testing client application reachability for subscription Request-Id: {}",
            uuid::Uuid::new_v4()
        );
        let mut target = url.url().clone();
        let encoded = utf8_percent_encode(&token, NON_ALPHANUMERIC).to_string();
        let query = match target.query() {
            Some(q) if !q.is_empty() => format!("{q}&validationToken={encoded}"),
            _ => format!("validationToken={encoded}"),
        };
        target.set_query(Some(&query));
        let client = self.client()?;
        let fail = |why: String| {
            format!("Subscription validation request failed for '{property}': {why}.")
        };
        let exchange = async {
            let mut response = client
                .post(target)
                .header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")
                .send()
                .await
                .map_err(|e| {
                    fail(format!(
                        "the endpoint could not be reached ({})",
                        describe(&e.without_url())
                    ))
                })?;
            let status = response.status();
            if status.is_redirection() {
                return Err(fail(format!(
                    "the endpoint answered {status} (a redirect); Graph does not follow redirects, it must answer 200 OK"
                )));
            }
            if status != reqwest::StatusCode::OK {
                return Err(fail(format!(
                    "the endpoint must respond with 200 OK to the validation request, it answered {status}"
                )));
            }
            let content_type = response
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_ascii_lowercase();
            if !content_type.starts_with("text/plain") {
                return Err(fail(format!(
                    "the answer must be text/plain, it was '{}'",
                    if content_type.is_empty() {
                        "without a Content-Type"
                    } else {
                        &content_type
                    }
                )));
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| {
                fail(format!(
                    "the answer was cut off ({})",
                    describe(&e.without_url())
                ))
            })? {
                if body.len() + chunk.len() > MAX_HANDSHAKE_ANSWER {
                    return Err(fail(format!(
                        "the answer is longer than {MAX_HANDSHAKE_ANSWER} bytes; it must be exactly the validationToken"
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            if body != token.as_bytes() {
                return Err(fail(
                    "the answer must exactly match the validationToken query parameter (decoded)"
                        .into(),
                ));
            }
            Ok(())
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(fail(format!(
                "the endpoint did not answer within {} ms",
                timeout.as_millis()
            ))),
        }
    }

    /// POSTs a JSON notification; `Ok` for a 2xx within `timeout`, else why not.
    pub(crate) async fn post_json(
        &self,
        url: &CallbackUrl,
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<(), String> {
        let client = self.client()?;
        let send = client
            .post(url.url().clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send();
        match tokio::time::timeout(timeout, send).await {
            Ok(Ok(r)) if r.status().is_success() => Ok(()),
            Ok(Ok(r)) => Err(format!("the receiver answered {}", r.status())),
            Ok(Err(e)) => Err(describe(&e.without_url())),
            Err(_) => Err("the receiver did not answer in time".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_pass() {
        for ok in [
            "http://127.0.0.1:9/hook",
            "http://127.8.9.10/hook",
            "https://localhost/hook?x=1",
            "http://[::1]:80/",
        ] {
            assert!(check_url("notificationUrl", ok).is_ok(), "{ok}");
        }
        let e = check_url("notificationUrl", "http://example.com/hook").unwrap_err();
        assert!(e.contains("https") && e.contains("example.com"), "{e}");
        let e = check_url("notificationUrl", "https://10.0.0.1/hook").unwrap_err();
        assert!(e.contains("loopback"), "{e}");
        assert!(check_url("notificationUrl", "http://localhost.example.com/").is_err());
        assert!(check_url("notificationUrl", "ftp://127.0.0.1/").is_err());
        assert!(check_url("notificationUrl", "/relative").is_err());
        assert!(check_url("notificationUrl", "http://u:p@127.0.0.1/").is_err());
    }

    #[test]
    fn debug_hides_the_query() {
        let url = check_url("notificationUrl", "http://127.0.0.1:1/hook?code=s3cret").unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
    }
}
