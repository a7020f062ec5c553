//! Unit tests of the error type.

use super::*;

#[test]
fn graph_error_json_is_read_into_fields() {
    let body = br#"{"error":{"code":"itemNotFound","message":"The resource could not be found.",
        "innerError":{"date":"2026-11-24T10:00:00","request-id":"r-1","client-request-id":"c-1"}}}"#;
    let api = ApiError::from_response(http::StatusCode::NOT_FOUND, &http::HeaderMap::new(), body);
    assert_eq!(api.code.as_deref(), Some("itemNotFound"));
    assert_eq!(
        api.message.as_deref(),
        Some("The resource could not be found.")
    );
    assert_eq!(api.request_id.as_deref(), Some("r-1"));
    assert_eq!(api.client_request_id.as_deref(), Some("c-1"));
    assert_eq!(api.date.as_deref(), Some("2026-11-24T10:00:00"));
    assert_eq!(api.body_snippet, None);
    let mut err = Error::from_api(api);
    assert_eq!(
        err.to_string(),
        "API error: service answered 404 Not Found (itemNotFound): \
         The resource could not be found. [request-id r-1]"
    );
    err.set_call_info(1, "c-1", true);
    assert!(err.to_string().starts_with("Graph API error: "), "{err}");
}

#[test]
fn non_json_error_keeps_a_snippet_and_header_ids() {
    let mut headers = http::HeaderMap::new();
    headers.insert("request-id", http::HeaderValue::from_static("hdr-id"));
    let api = ApiError::from_response(
        http::StatusCode::BAD_GATEWAY,
        &headers,
        b"<html>\n<body>Bad gateway</body></html>",
    );
    assert_eq!(api.code, None);
    assert_eq!(api.request_id.as_deref(), Some("hdr-id"));
    assert_eq!(
        api.body_snippet.as_deref(),
        Some("<html> <body>Bad gateway</body></html>")
    );
}

#[test]
fn unauthorized_is_an_auth_error() {
    let api = ApiError::from_response(http::StatusCode::UNAUTHORIZED, &http::HeaderMap::new(), b"");
    let err = Error::from_api(api);
    assert!(err.is_auth());
    assert!(err.is_api());
    assert_eq!(err.status(), Some(http::StatusCode::UNAUTHORIZED));
}
