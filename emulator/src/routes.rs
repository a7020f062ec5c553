//! Handlers for bound actions and functions (and anything else a test wants to answer itself).

use std::collections::HashMap;
use std::sync::Arc;

use http::{HeaderMap, Method, StatusCode};
use serde_json::Value;

use crate::store::{Store, StorePath};

/// What a route handler sees.
#[derive(Debug)]
#[non_exhaustive]
pub struct Call<'a> {
    /// The method.
    pub method: Method,
    /// `v1.0` or `beta`.
    pub version: String,
    /// The placeholders of the route pattern, by name, percent-decoded.
    pub params: HashMap<String, String>,
    /// The whole path without the version, percent-decoded, one entry per segment.
    pub path: Vec<String>,
    /// The query options, percent-decoded.
    pub query: Vec<(String, String)>,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The JSON body, if any.
    pub body: Option<Value>,
    /// The tenant's data, to read or change.
    pub store: &'a mut Store,
    /// The emulator's root URL (`http://127.0.0.1:port`), for building links.
    pub base_url: &'a str,
    /// Whether links are written relative, as many OData services do
    /// ([`Emulator::set_relative_links`](crate::Emulator::set_relative_links)).
    pub relative_links: bool,
}

impl Call<'_> {
    /// A placeholder's value (empty when the pattern has no such placeholder).
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }
}

/// What a route handler answers.
#[derive(Debug, Clone)]
#[must_use]
pub struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Option<Value>,
    pub(crate) headers: Vec<(String, String)>,
    /// Let the generic store handle the request (a route that only validates).
    pub(crate) pass: bool,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
            pass: false,
        }
    }

    /// 204 No Content.
    pub fn no_content() -> Reply {
        Reply {
            status: StatusCode::NO_CONTENT,
            body: None,
            headers: Vec::new(),
            pass: false,
        }
    }

    /// Hands the request on to the generic store (for routes that only check a request).
    pub fn next() -> Reply {
        Reply {
            pass: true,
            ..Reply::no_content()
        }
    }

    /// A Graph error (`{"error": {"code", "message", "innerError": …}}`); ids are filled in.
    pub fn error(status: StatusCode, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            serde_json::json!({"error": {"code": code, "message": message}}),
        )
    }

    /// A Graph `400 Bad Request` with the code `BadRequest`.
    pub(crate) fn bad_request(message: &str) -> Reply {
        Reply::error(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// What a route runs.
#[derive(Clone)]
pub(crate) enum Handler {
    /// A user's or a Graph route's closure over a [`Call`], run with the store locked; its pattern
    /// starts below the version.
    Call(Arc<dyn Fn(&mut Call<'_>) -> Reply + Send + Sync>),
    /// One of the emulator's own endpoints, which sees the whole HTTP exchange; its pattern
    /// starts at the origin.
    Endpoint(crate::builtin::Endpoint),
}

/// One row of the route table: a method (`None`: any), a pattern and what answers.
#[derive(Clone)]
pub(crate) struct Route {
    method: Option<Method>,
    pattern: Vec<PatternSegment>,
    pub(crate) handler: Handler,
}

#[derive(Clone, Debug, PartialEq)]
enum PatternSegment {
    Literal(String),
    Param(String),
    /// `**`: any number of segments (at most one per pattern).
    Rest,
}

fn bind(
    pattern: &[PatternSegment],
    segs: &[String],
    params: &mut HashMap<String, String>,
) -> Option<()> {
    for (p, s) in pattern.iter().zip(segs) {
        match p {
            PatternSegment::Literal(l) if l == s => {}
            PatternSegment::Param(name) => {
                params.insert(name.clone(), s.clone());
            }
            _ => return None,
        }
    }
    Some(())
}

impl Route {
    /// Parses a pattern such as `/drives/{driveId}/items/{itemId}/createLink`: below the version
    /// for a [`Handler::Call`], from the origin for a [`Handler::Endpoint`].
    pub(crate) fn new(
        method: Option<Method>,
        pattern: &str,
        handler: Handler,
    ) -> Result<Route, String> {
        let segments = pattern
            .split('/')
            .filter(|s| !s.is_empty())
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    _ if s == "**" => Ok(PatternSegment::Rest),
                    Some("") => Err(format!("empty placeholder in route pattern `{pattern}`")),
                    Some(name) => Ok(PatternSegment::Param(name.to_owned())),
                    None if s.contains(['{', '}']) => {
                        Err(format!("unbalanced braces in route pattern `{pattern}`"))
                    }
                    None => Ok(PatternSegment::Literal(s.to_owned())),
                },
            )
            .collect::<Result<Vec<_>, _>>()?;
        if segments
            .iter()
            .filter(|s| **s == PatternSegment::Rest)
            .count()
            > 1
        {
            return Err(format!("at most one `**` in route pattern `{pattern}`"));
        }
        Ok(Route {
            method,
            pattern: segments,
            handler,
        })
    }

    /// The placeholders if `path` (version stripped) matches.
    pub(crate) fn matches(
        &self,
        method: &Method,
        path: &StorePath,
    ) -> Option<HashMap<String, String>> {
        if self.method.as_ref().is_some_and(|m| m != method) {
            return None;
        }
        let segs = path.segments();
        let mut params = HashMap::new();
        match self.pattern.iter().position(|p| *p == PatternSegment::Rest) {
            None => {
                if segs.len() != self.pattern.len() {
                    return None;
                }
                bind(&self.pattern, segs, &mut params)?;
            }
            Some(at) => {
                // `**` takes whatever lies between the fixed head and the fixed tail.
                let tail = &self.pattern[at + 1..];
                if segs.len() < at + tail.len() {
                    return None;
                }
                bind(&self.pattern[..at], &segs[..at], &mut params)?;
                bind(tail, &segs[segs.len() - tail.len()..], &mut params)?;
            }
        }
        Some(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(p: &str) -> Result<Route, String> {
        Route::new(
            Some(Method::POST),
            p,
            Handler::Call(Arc::new(|_: &mut Call<'_>| Reply::no_content())),
        )
    }

    #[test]
    fn patterns_bind_placeholders() {
        let r = route("/drives/{driveId}/items/{itemId}/createLink").unwrap();
        let p = StorePath::parse("/drives/d%201/items('i''1')/createLink").unwrap();
        let params = r.matches(&Method::POST, &p).unwrap();
        assert_eq!(params["driveId"], "d 1");
        assert_eq!(params["itemId"], "i'1");
        assert!(r.matches(&Method::GET, &p).is_none());
        let other = StorePath::parse("/drives/d/items/i/invite").unwrap();
        assert!(r.matches(&Method::POST, &other).is_none());
    }

    #[test]
    fn double_star_takes_any_middle() {
        let r = route("/**/createLink").unwrap();
        let p = StorePath::parse("/drives/d/items/i/createLink").unwrap();
        assert!(r.matches(&Method::POST, &p).is_some());
        let p = StorePath::parse("/createLink").unwrap();
        assert!(r.matches(&Method::POST, &p).is_some());
        let p = StorePath::parse("/drives/d/items/i/invite").unwrap();
        assert!(r.matches(&Method::POST, &p).is_none());
        let r = route("/users/{id}/**").unwrap();
        let p = StorePath::parse("/users/u1/todo/lists").unwrap();
        assert_eq!(r.matches(&Method::POST, &p).unwrap()["id"], "u1");
        assert!(matches!(route("/**/x/**"), Err(m) if m.contains("at most one")));
    }

    #[test]
    fn bad_patterns_are_rejected() {
        assert!(matches!(route("/a/{}/b"), Err(m) if m.contains("empty placeholder")));
        assert!(matches!(route("/a/{x/b"), Err(m) if m.contains("unbalanced")));
    }
}
