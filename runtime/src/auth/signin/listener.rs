//! The loopback redirect listener of the authorization code flow: a small HTTP/1.1 server on
//! `127.0.0.1` that waits for the one redirect carrying the sign-in's `state`, and answers the
//! browser with a short page.
//!
//! Requests are read with [`httparse`] (the parser `hyper` uses), at most
//! [`MAX_REQUEST_HEAD`] bytes and [`MAX_HEADERS`] headers each, within [`READ_TIMEOUT`]; at most
//! [`MAX_CONNECTIONS`] are read at a time (more are closed at once). Anything that is not
//! `GET /?…` with the right `state` gets an error page and the wait goes on, so a stray request
//! (a favicon, another program, a forged redirect) can neither end nor hijack the sign-in.

use std::time::Duration;

use subtle::ConstantTimeEq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::auth::Secret;
use crate::{Error, ErrorKind};

/// The most bytes of one request's head (request line and headers) read.
pub(crate) const MAX_REQUEST_HEAD: usize = 8 * 1024;

/// The most headers of one request.
pub(crate) const MAX_HEADERS: usize = 64;

/// How long one connection may take to send its request head.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The most connections read at a time.
pub(crate) const MAX_CONNECTIONS: usize = 16;

/// A listener bound on loopback, before the wait.
pub(crate) struct Listener {
    listener: TcpListener,
    port: u16,
}

impl Listener {
    /// Binds `127.0.0.1:port` (`0`: a port the OS chooses).
    pub(crate) async fn bind(port: u16) -> Result<Listener, Error> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            Error::kinded(
                ErrorKind::Auth,
                format!("cannot listen on 127.0.0.1:{port} for the sign-in redirect: {e}"),
            )
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| {
                Error::kinded(
                    ErrorKind::Auth,
                    format!("the sign-in redirect listener has no address: {e}"),
                )
            })?
            .port();
        Ok(Listener { listener, port })
    }

    /// The redirect URI it answers: `http://localhost:{port}` (the identity platform lets a
    /// public client use any port of `localhost`).
    pub(crate) fn redirect_uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Waits at most `wait` for the redirect carrying `state`: its `code`, or an
    /// [`ErrorKind::Auth`] error naming the redirect's `error`; [`ErrorKind::Timeout`] when
    /// none came in time. Connections still open when it returns are closed.
    pub(crate) async fn wait(self, state: &Secret, wait: Duration) -> Result<Secret, Error> {
        match tokio::time::timeout(wait, self.serve(state)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::kinded(
                ErrorKind::Timeout,
                format!(
                    "no sign-in came back to the redirect listener within {wait:?} (InteractiveBrowserCredential::wait)"
                ),
            )),
        }
    }

    async fn serve(self, state: &Secret) -> Result<Secret, Error> {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) if connections.len() < MAX_CONNECTIONS => {
                        connections.spawn(one(stream, state.clone()));
                    }
                    Ok(_) => tracing::debug!("sign-in redirect listener: too many connections, one closed"),
                    Err(e) => {
                        tracing::debug!(error = %e, "sign-in redirect listener: accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
                Some(done) = connections.join_next() => {
                    if let Ok(Some(outcome)) = done {
                        return outcome;
                    }
                }
            }
        }
    }
}

/// A page for the browser.
struct Page {
    status: &'static str,
    text: &'static str,
}

const SIGNED_IN: Page = Page {
    status: "200 OK",
    text: "Signed in. You can close this window and return to the application.",
};
const REFUSED: Page = Page {
    status: "200 OK",
    text: "Sign-in was not completed. You can close this window; the application says why.",
};
const NOT_THIS: Page = Page {
    status: "400 Bad Request",
    text: "This is not the sign-in answer this application is waiting for.",
};
const NOT_FOUND: Page = Page {
    status: "404 Not Found",
    text: "Not found.",
};
const NOT_GET: Page = Page {
    status: "405 Method Not Allowed",
    text: "Only GET is answered here.",
};
const TOO_LARGE: Page = Page {
    status: "431 Request Header Fields Too Large",
    text: "The request is too large.",
};
const MALFORMED: Page = Page {
    status: "400 Bad Request",
    text: "The request is not HTTP/1.1.",
};

/// Reads one request and answers it; `Some` when it was the redirect of this sign-in.
async fn one(mut stream: TcpStream, state: Secret) -> Option<Result<Secret, Error>> {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(head)) => head,
        Ok(Err(page)) => {
            reply(&mut stream, &page).await;
            return None;
        }
        Err(_) => return None,
    };
    let (page, outcome) = judge(&head, &state);
    reply(&mut stream, &page).await;
    outcome
}

/// The request target of a `GET` whose head fits the limits; `Err` is the page that refuses it.
async fn read_head(stream: &mut TcpStream) -> Result<String, Page> {
    let mut buf = vec![0u8; MAX_REQUEST_HEAD];
    let mut filled = 0;
    loop {
        let Some(room) = buf.get_mut(filled..).filter(|r| !r.is_empty()) else {
            return Err(TOO_LARGE);
        };
        let n = stream.read(room).await.map_err(|_| MALFORMED)?;
        if n == 0 {
            return Err(MALFORMED);
        }
        filled += n;
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(buf.get(..filled).unwrap_or_default()) {
            Ok(httparse::Status::Complete(_)) => {
                if request.method != Some("GET") {
                    return Err(NOT_GET);
                }
                return request.path.map(str::to_owned).ok_or(MALFORMED);
            }
            Ok(httparse::Status::Partial) => {}
            Err(httparse::Error::TooManyHeaders) => return Err(TOO_LARGE),
            Err(_) => return Err(MALFORMED),
        }
    }
}

/// What the request target `target` is: the page to answer, and the sign-in's outcome when it
/// is the redirect carrying `state`.
fn judge(target: &str, state: &Secret) -> (Page, Option<Result<Secret, Error>>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/" {
        return (NOT_FOUND, None);
    }
    let mut got_state = None;
    let mut code = None;
    let mut error = None;
    let mut description = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match k.as_ref() {
            "state" => &mut got_state,
            "code" => &mut code,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(v.into_owned());
        }
    }
    let state_matches =
        got_state.is_some_and(|s| bool::from(s.as_bytes().ct_eq(state.expose().as_bytes())));
    if !state_matches {
        return (NOT_THIS, None);
    }
    if let Some(error) = error {
        let message = format!(
            "the sign-in was refused: {}: {}",
            crate::redact::printable(&error, 100),
            crate::redact::printable(description.as_deref().unwrap_or("(no description)"), 400)
        );
        return (REFUSED, Some(Err(Error::kinded(ErrorKind::Auth, message))));
    }
    match code.filter(|c| !c.is_empty()) {
        Some(code) => (SIGNED_IN, Some(Ok(Secret::new(code)))),
        None => (NOT_THIS, None),
    }
}

async fn reply(stream: &mut TcpStream, page: &Page) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign-in</title></head><body><p>{}</p></body></html>",
        page.text
    );
    let head = format!(
        "HTTP/1.1 {}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        page.status,
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> Secret {
        Secret::new("s3cret-state")
    }

    #[test]
    fn only_the_redirect_with_the_state_ends_the_wait() {
        let (page, outcome) = judge("/?code=abc&state=s3cret-state", &state());
        assert_eq!(page.status, "200 OK");
        assert_eq!(outcome.unwrap().unwrap().expose(), "abc");
        for junk in [
            "/?code=abc&state=other",
            "/?code=abc",
            "/?state=s3cret-state",
            "/?code=&state=s3cret-state",
            "/",
        ] {
            let (page, outcome) = judge(junk, &state());
            assert_eq!(page.status, "400 Bad Request", "{junk}");
            assert!(outcome.is_none(), "{junk}");
        }
        let (page, outcome) = judge("/favicon.ico", &state());
        assert_eq!((page.status, outcome.is_none()), ("404 Not Found", true));
    }

    #[test]
    fn an_error_redirect_is_an_auth_error_naming_it_bounded_and_printable() {
        let long = "x".repeat(5000);
        let target =
            format!("/?error=access_denied&error_description=no%0Away{long}&state=s3cret-state");
        let (_, outcome) = judge(&target, &state());
        let e = outcome.unwrap().unwrap_err();
        assert!(e.is_auth());
        let text = e.to_string();
        assert!(text.contains("access_denied"), "{text}");
        assert!(!text.contains('\n'), "{text}");
        assert!(text.len() < 1000, "{}", text.len());
        // An error with another state is junk, not the end of the sign-in.
        let (_, outcome) = judge("/?error=access_denied&state=nope", &state());
        assert!(outcome.is_none());
    }

    /// Sends `request` and reads the whole answer.
    async fn exchange(port: u16, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let _ = stream.write_all(request).await;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[tokio::test]
    async fn junk_and_floods_get_error_pages_and_the_wait_goes_on() {
        let listener = Listener::bind(0).await.unwrap();
        let port = listener.port;
        assert_eq!(listener.redirect_uri(), format!("http://localhost:{port}"));
        let waiting =
            tokio::spawn(async move { listener.wait(&state(), Duration::from_secs(60)).await });
        let huge_line = format!("GET /?{} HTTP/1.1\r\n", "a".repeat(100_000));
        assert!(
            exchange(port, huge_line.as_bytes())
                .await
                .starts_with("HTTP/1.1 431")
        );
        let mut many = String::from("GET / HTTP/1.1\r\n");
        for n in 0..200 {
            many.push_str(&format!("X-{n}: y\r\n"));
        }
        many.push_str("\r\n");
        assert!(
            exchange(port, many.as_bytes())
                .await
                .starts_with("HTTP/1.1 431")
        );
        assert!(
            exchange(port, b"\x00\x01garbage\r\n\r\n")
                .await
                .starts_with("HTTP/1.1 400")
        );
        assert!(
            exchange(port, b"POST /?code=a&state=s3cret-state HTTP/1.1\r\n\r\n")
                .await
                .starts_with("HTTP/1.1 405")
        );
        assert!(
            exchange(
                port,
                b"GET /?code=a&state=wrong HTTP/1.1\r\nHost: localhost\r\n\r\n"
            )
            .await
            .starts_with("HTTP/1.1 400")
        );
        // A connection that sends nothing does not hold up the next one.
        let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        assert!(!waiting.is_finished());
        let page = exchange(
            port,
            b"GET /?code=the-code&state=s3cret-state HTTP/1.1\r\nHost: localhost\r\n\r\n",
        )
        .await;
        assert!(
            page.starts_with("HTTP/1.1 200") && page.contains("Signed in"),
            "{page}"
        );
        let code = waiting.await.unwrap().unwrap();
        assert_eq!(code.expose(), "the-code");
        // The listener is gone with the wait.
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn no_redirect_within_the_wait_is_a_timeout_error() {
        let listener = Listener::bind(0).await.unwrap();
        let e = listener
            .wait(&state(), Duration::from_secs(300))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert!(e.to_string().contains("300s"), "{e}");
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }
}
