//! The receiver as an `axum` handler and router (feature `notifications-axum`).
//!
//! ```
//! use graph_odata_runtime::notify::{Receiver, axum::router};
//! let (receiver, notifications) = Receiver::<serde_json::Value>::builder()
//!     .client_state("s3cret-state")
//!     .build();
//! let app: ::axum::Router = router("/graph/notifications", receiver);
//! # let _ = (app, notifications);
//! ```

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::receiver::Receiver;

/// A router that answers `POST {path}` (and the handshake there) with `receiver`.
pub fn router<T: DeserializeOwned + Send + 'static>(
    path: &str,
    receiver: Receiver<T>,
) -> axum::Router {
    axum::Router::new()
        .route(path, axum::routing::post(handler::<T>))
        .with_state(receiver)
}

/// The handler behind [`router`], to mount on a route of your own with
/// `.route(path, post(handler::<T>)).with_state(receiver)`. The body is read up to the receiver's
/// cap (`413` past it), then [`Receiver::handle`] answers.
pub async fn handler<T: DeserializeOwned + Send + 'static>(
    State(receiver): State<Receiver<T>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, receiver.max_body()).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let text = format!(
                "the body is over the receiver's limit of {} bytes",
                receiver.max_body()
            );
            return (http::StatusCode::PAYLOAD_TOO_LARGE, text).into_response();
        }
    };
    let answer = receiver
        .handle(http::Request::from_parts(parts, bytes))
        .await;
    answer.map(Body::from)
}
