//! Where a request may go and what may receive the token: the scheme rule, loopback hosts, dot
//! segments, Microsoft Graph's hosts, and the token's scope. A leaf: it depends only on `url`.

use std::fmt;

use url::Url;

/// The endpoint of Microsoft Graph's global cloud, without a version.
pub(crate) const GLOBAL_ENDPOINT: &str = "https://graph.microsoft.com";
/// The endpoint of US Government L4.
pub(crate) const US_GOV_ENDPOINT: &str = "https://graph.microsoft.us";
/// The endpoint of US Government L5 (DoD).
pub(crate) const US_GOV_DOD_ENDPOINT: &str = "https://dod-graph.microsoft.us";
/// The endpoint of Microsoft Graph China operated by 21Vianet.
pub(crate) const CHINA_ENDPOINT: &str = "https://microsoftgraph.chinacloudapi.cn";

/// Every national cloud's endpoint (the values of [`Cloud::endpoint`](crate::Cloud::endpoint)).
const GRAPH_ENDPOINTS: [&str; 4] = [
    GLOBAL_ENDPOINT,
    US_GOV_ENDPOINT,
    US_GOV_DOD_ENDPOINT,
    CHINA_ENDPOINT,
];

/// Why [`check_scheme`] refuses a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SchemeError {
    /// Plain http to a host that is not loopback, and the builder did not allow it.
    PlainHttp {
        /// The URL's host.
        host: String,
    },
    /// Neither http nor https.
    Unsupported {
        /// The URL's scheme.
        scheme: String,
    },
}

impl fmt::Display for SchemeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemeError::PlainHttp { host } => write!(
                f,
                "refusing plain http to `{host}`; use https, or `ClientBuilder::allow_http(true)`"
            ),
            SchemeError::Unsupported { scheme } => write!(
                f,
                "unsupported URL scheme `{}`",
                crate::redact::printable(scheme, 40)
            ),
        }
    }
}

/// The http/https rule: https always, plain http only to loopback unless the builder allowed it.
pub(crate) fn check_scheme(url: &Url, allow_http: bool) -> Result<(), SchemeError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http || is_loopback(url) => Ok(()),
        "http" => Err(SchemeError::PlainHttp {
            host: url.host_str().unwrap_or_default().to_owned(),
        }),
        other => Err(SchemeError::Unsupported {
            scheme: other.to_owned(),
        }),
    }
}

/// Loopback hosts: `localhost`, 127.0.0.0/8 and `::1`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether a path segment is `.` or `..`, also when written percent-encoded (`%2e`, `.%2E`, …).
pub(crate) fn is_dot_segment(seg: &str) -> bool {
    // At most two dots, each `.` or `%2e`/`%2E`: six bytes; checked without a copy.
    let b = seg.as_bytes();
    if b.is_empty() || b.len() > 6 {
        return false;
    }
    let (mut i, mut dots) = (0, 0);
    while i < b.len() {
        if b[i] == b'.' {
            i += 1;
        } else if b[i..].len() >= 3 && b[i] == b'%' && b[i + 1] == b'2' && b[i + 2] | 0x20 == b'e' {
            i += 3;
        } else {
            return false;
        }
        dots += 1;
    }
    dots <= 2
}

/// Whether a service root is Microsoft Graph or shaped like it: a host of one of Graph's national
/// clouds, or a root whose path is Graph's version root (`/v1.0`, `/beta`), as the emulator and
/// proxies in front of Graph have. Graph's habits (messages naming Graph, `$batch` item URLs
/// written as `/users`) apply only to these.
pub(crate) fn is_graph_host(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let cloud = GRAPH_ENDPOINTS
        .iter()
        .any(|endpoint| endpoint.strip_prefix("https://") == Some(host));
    cloud || matches!(url.path().trim_end_matches('/'), "/v1.0" | "/beta")
}

/// Which origins may receive the token: the service root's, and allowed hosts over https (or
/// loopback). The same rule decides which `@odata.nextLink`s a pager follows.
#[derive(Debug, Clone)]
pub(crate) struct TokenScope {
    pub(crate) root: Url,
    /// Allowed hosts, lowercase, each `host` or `host:port` (see [`split_host_port`]).
    pub(crate) allowed_hosts: Vec<String>,
}

impl TokenScope {
    /// Whether `url`'s origin (scheme, host and port) is the root's or an allowed host's: https,
    /// or http to loopback, on the allowed port (the scheme's default port when none was given).
    pub(crate) fn allows(&self, url: &Url) -> bool {
        if url.origin() == self.root.origin() {
            return true;
        }
        if !(url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url))) {
            return false;
        }
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return false;
        };
        self.allowed_hosts.iter().any(|entry| {
            split_host_port(entry).is_some_and(|(allowed, allowed_port)| {
                allowed.eq_ignore_ascii_case(host)
                    && allowed_port.unwrap_or_else(|| default_port(url.scheme())) == port
            })
        })
    }
}

/// The default port of http (80) or https (443, also for any other scheme).
fn default_port(scheme: &str) -> u16 {
    if scheme == "http" { 80 } else { 443 }
}

/// An allowed-host entry as host and port: `files.contoso.com`, `files.contoso.com:8443`,
/// `[::1]:8443`. `None` when the port is not a number from 1 to 65535.
pub(crate) fn split_host_port(entry: &str) -> Option<(&str, Option<u16>)> {
    let split = match entry.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map(|(_, after)| {
            let host_len = entry.len() - after.len();
            (&entry[..host_len], after.strip_prefix(':'))
        }),
        None => Some(match entry.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (entry, None),
        }),
    };
    let (host, port) = split?;
    match port {
        None => Some((host, None)),
        Some(port) => match port.parse::<u16>() {
            Ok(p) if p > 0 && port.bytes().all(|b| b.is_ascii_digit()) => Some((host, Some(p))),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_roots_are_recognised_by_host() {
        for (root, graph) in [
            ("https://graph.microsoft.com/v1.0", true),
            ("https://graph.microsoft.us/beta", true),
            ("https://dod-graph.microsoft.us/v1.0", true),
            ("https://microsoftgraph.chinacloudapi.cn/v1.0", true),
            ("https://graph.microsoft.com.evil.example/odata", false),
            ("https://services.odata.org/V4/TripPinService", false),
            ("http://127.0.0.1:8080/odata", false),
            // Graph's layout (the emulator, a proxy in front of Graph).
            ("http://127.0.0.1:8080/v1.0", true),
        ] {
            assert_eq!(is_graph_host(&Url::parse(root).unwrap()), graph, "{root}");
        }
    }

    #[test]
    fn allowed_hosts_match_scheme_host_and_port() {
        let scope = TokenScope {
            root: Url::parse("https://graph.microsoft.com/v1.0").unwrap(),
            allowed_hosts: vec![
                "files.contoso.com".into(),
                "dl.contoso.com:8443".into(),
                "[::1]:9000".into(),
            ],
        };
        let allows = |s: &str| scope.allows(&Url::parse(s).unwrap());
        assert!(allows("https://files.contoso.com/x"));
        assert!(allows("https://FILES.contoso.com:443/x"));
        assert!(!allows("https://files.contoso.com:8443/x"));
        assert!(!allows("http://files.contoso.com/x"));
        assert!(allows("https://dl.contoso.com:8443/x"));
        assert!(!allows("https://dl.contoso.com/x"));
        assert!(allows("http://[::1]:9000/x"));
        assert!(!allows("http://[::1]:9001/x"));
        assert!(!allows("https://graph.microsoft.com:8443/v1.0/me"));
        assert_eq!(split_host_port("h:0"), None);
        assert_eq!(split_host_port("h:+1"), None);
        assert_eq!(split_host_port("h:70000"), None);
        assert_eq!(split_host_port("[::1]"), Some(("[::1]", None)));
    }

    #[test]
    fn the_scheme_rule_allows_https_and_loopback_http() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert_eq!(check_scheme(&url("https://h/x"), false), Ok(()));
        assert_eq!(check_scheme(&url("http://127.0.0.1:1/x"), false), Ok(()));
        assert_eq!(check_scheme(&url("http://h/x"), true), Ok(()));
        let err = check_scheme(&url("http://h/x"), false).unwrap_err();
        assert!(err.to_string().contains("allow_http(true)"), "{err}");
        let err = check_scheme(&url("ftp://h/x"), true).unwrap_err();
        assert_eq!(err.to_string(), "unsupported URL scheme `ftp`");
    }
}
