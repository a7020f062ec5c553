//! An in-process, Microsoft Graph-shaped OData v4 service on `127.0.0.1`, for examples and tests.
//!
//! It serves Graph's URL layout (`{root}/v1.0/…`, `{root}/beta/…`) over real HTTP, so any client (this
//! crate's, Microsoft's SDKs, `curl`) can talk to it:
//!
//! - **Generic entity store** addressed by path: GET by key (or `('key')`, or a user's
//!   `userPrincipalName`); GET a collection with `$top`/`$skip` paging through `@odata.nextLink`,
//!   `$select`, `$expand` (contained collections, by name), `$count=true`, `$filter` and
//!   `$orderby` (a 400 names what it cannot evaluate), and `…/$count` as text; POST to a
//!   collection → 201 with a server id (unless the body has one), `Location`, `ETag` and
//!   `@odata.context`; PATCH merges (`null` clears) → 204 (200 with `Prefer:
//!   return=representation`); PUT replaces → 204; DELETE → 204; unknown paths → 404.
//! - **Strict collections**, on by default: a POST creates a member only where Graph has a
//!   collection (v1.0: Graph's v1.0 schema, built in; beta: a navigation of an existing entity),
//!   where [`Emulator::create_collection`] declared one, or where something was inserted;
//!   anywhere else it is a 404, as in Graph. [`Emulator::strict_collections`]`(false)` lets a
//!   POST create a collection anywhere.
//! - **ETags**: every entity carries `@odata.etag` and an `ETag` header; a matching
//!   `If-None-Match` on GET → 304; a stale `If-Match` on PATCH, PUT or DELETE → 412;
//!   [`Emulator::require_if_match`] makes `If-Match` mandatory on the paths matching a pattern
//!   (428 without it), as Planner does.
//! - **Relative links** ([`Emulator::set_relative_links`]): `@odata.context` relative to the
//!   service root, `@odata.nextLink` relative to the context URL and `Location` as an absolute
//!   path, as many OData services other than Graph write them. Off by default.
//! - **Graph-shaped errors** with `innerError` (`request-id`, `client-request-id`, `date`); malformed
//!   JSON or a body of the wrong shape → 400 naming the problem; an optional bearer-token check
//!   ([`Emulator::require_bearer`]) → 401.
//! - **Route handlers** for bound actions and functions: [`Emulator::route`]. Built in: `createLink`
//!   on drive and list items that exist (201 for a new link, 200 for an existing one of the same
//!   type and scope, 404 `itemNotFound` for a missing item), the client-chosen id rules of external connections, and `@odata.type` on every
//!   `identitySources` element of a connected organization.
//! - **Fault injection**: [`Fault`] (429/503/504 with any `Retry-After`, dropped connections, delays,
//!   cut-off bodies) for the next N matching requests.
//! - **Upload sessions**: `createUploadSession`, `PUT` slices with `Content-Range` to a
//!   pre-authenticated URL, `nextExpectedRanges`; [`Emulator::uploaded_content`] gives the bytes.
//! - **Downloads**: an item with content (uploaded, or given with [`Emulator::set_content`] or
//!   [`Emulator::set_pattern_content`]) answers `GET …/items/{id}/content` with a 302 to a
//!   pre-authenticated URL on a second origin ([`Emulator::download_base_url`]), which serves the
//!   bytes with `Range` (`bytes=a-b`, `a-`, `-n`; 206 or 416), `If-Range` and an `ETag`, and
//!   needs no token.
//! - **JSON `$batch`** (up to 20 requests, `dependsOn`, `$<id>` references to what an earlier
//!   request created, 424 for failed dependencies, status faults per item, answers in reverse
//!   order) and **delta** (`…/delta()` on any collection).
//! - **Change notifications**: `POST /subscriptions` with Graph's rules (change types, loopback
//!   notification URLs, lifetimes per resource, `clientState` length, the certificate for
//!   `includeResourceData`) and the validation handshake before the `201` (a failed one is a `400`
//!   naming why); `GET`, `PATCH` (renew) and `DELETE`. Every create, update and delete in the store
//!   is delivered in the background to the matching subscriptions, redelivered on a schedule in
//!   seconds ([`Emulator::set_redelivery_schedule`]); lifecycle events on request
//!   ([`Emulator::send_lifecycle_event`], or `POST /emulator/subscriptions/{id}/lifecycle`); rich
//!   notifications with encrypted content and `validationTokens` signed by a test key whose JWKS
//!   it serves ([`Emulator::jwks_url`]). It calls only loopback hosts.
//! - **A request log** for assertions: [`Emulator::requests`] (its `Debug` hides credentials),
//!   the most recent requests within a bound ([`Emulator::set_log_capacity`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
//! use graph_odata_emulator::Emulator;
//! let emu = Emulator::start().await?;
//! let id = emu.insert("/users", serde_json::json!({"displayName": "Alice"}));
//! assert!(emu.get(&format!("/users/{id}")).is_some());
//! println!("serving Graph v1.0 at {}", emu.v1_url());
//! # Ok(()) }
//! ```
//!
//! # Safety
//!
//! The emulator has no real authentication, so it keeps other programs and web pages out:
//!
//! - **Loopback only.** It listens on `127.0.0.1` (both origins), never on another interface.
//! - **`Host` must be loopback.** A request whose `Host` is not `localhost`, an IPv4 loopback
//!   address or `[::1]` (any port) gets 421 `MisdirectedRequest`; one without `Host` gets 400.
//!   A web page that rebinds its own DNS name to 127.0.0.1 (DNS rebinding) still sends its own
//!   name as `Host`, so it cannot reach the emulator.
//! - **No cross-site browser requests.** An `Origin` header that is not a loopback origin
//!   (`http(s)://localhost`, `127.0.0.1` or `[::1]`, any port; `null` is not) gets 403, and so
//!   does `Sec-Fetch-Site: cross-site` without a loopback `Origin`. Clients that are not browsers
//!   (this crate's client, Microsoft's SDKs, `curl`) send neither and are unaffected; a page
//!   served from loopback may call the emulator.
//! - **Bounded bodies.** A request body larger than [`DEFAULT_MAX_BODY_SIZE`] (64 MiB, above
//!   Graph's largest upload slice) gets 413 `RequestEntityTooLarge` naming the limit, before
//!   more than the limit is read, and the connection is closed
//!   ([`Emulator::set_max_body_size`]).
//! - **Bounded log.** The request log keeps the last [`DEFAULT_LOG_CAPACITY`] (1000) requests
//!   and at most [`DEFAULT_LOG_BODY_BUDGET`] (256 MiB) of their bodies; older ones are dropped
//!   and counted ([`Emulator::set_log_capacity`], [`Emulator::set_log_body_budget`],
//!   [`Emulator::dropped_requests`]).
//! - **Callbacks to loopback only.** Change notifications go only to `127.0.0.0/8`, `::1` or
//!   `localhost` (resolved by the emulator itself, never by a name server), without a proxy,
//!   without following redirects, with a timeout and a cap on what is read back.
//! - **Token off the command line.** The `graph-odata-emulator` program reads the bearer token
//!   it requires from `--token-file PATH` or the environment variable
//!   `GRAPH_ODATA_EMULATOR_TOKEN`; `--token T` works but warns, since the process list shows it
//!   to every user of the machine.
#![warn(missing_docs, missing_debug_implementations)]

mod admin;
mod builtin;
mod delta;
mod download;
mod faults;
mod filter;
mod graph;
mod identity;
mod lag;
mod log;
mod lro;
mod mailbox;
mod notify;
mod routes;
mod service;
mod store;
mod upload;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

pub use delta::TOKEN_CAPACITY;
pub use download::pattern_byte;
pub use faults::Fault;
pub use identity::{
    App, DEFAULT_DEVICE_CODE_INTERVAL, DEFAULT_DEVICE_CODE_LIFETIME, DEFAULT_USER_ID,
    GRAPH_RESOURCE,
};
pub use log::{DEFAULT_LOG_BODY_BUDGET, DEFAULT_LOG_CAPACITY, LoggedRequest, gaps};
pub use mailbox::{MailboxCounts, MailboxLimit};
pub use notify::{
    CHANGE_TRACKING_APP_ID, DEFAULT_APP_ID, DEFAULT_CALLBACK_TIMEOUT, DEFAULT_MAX_SUBSCRIPTIONS,
    DEFAULT_REDELIVERY_SCHEDULE, DEFAULT_TENANT_ID, DELIVERY_QUEUE_CAPACITY, DeliveryStats,
    LifecycleError, LifecycleEvent, SIGNING_KEY_ID,
};
pub use routes::{Call, Reply};
pub use store::{Store, StorePath};

/// Default page size for collections (Graph's own default varies by API; 100 is common).
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// Default cap on a request body, in bytes: 64 MiB, above Graph's largest upload slice (60 MiB).
/// A larger body is refused with 413 before more than the cap is read
/// ([`Emulator::set_max_body_size`]).
pub const DEFAULT_MAX_BODY_SIZE: usize = 64 * 1024 * 1024;

/// A running emulator. It stops when dropped.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _shutdown: watch::Sender<()>,
}

pub(crate) struct Shared {
    pub(crate) base_url: String,
    pub(crate) download_url: String,
    store: Mutex<Store>,
    log: Mutex<log::RequestLog>,
    faults: Mutex<Vec<Fault>>,
    routes: Mutex<Vec<routes::Route>>,
    bearer: Mutex<Option<String>>,
    page_size: AtomicUsize,
    max_body_size: AtomicUsize,
    pub(crate) uploads: Mutex<upload::Uploads>,
    if_match: Mutex<Vec<String>>,
    lag: Mutex<lag::Lag>,
    mailboxes: Mutex<mailbox::Mailboxes>,
    relative_links: std::sync::atomic::AtomicBool,
    strict_collections: std::sync::atomic::AtomicBool,
    pub(crate) notifier: notify::Notifier,
    pub(crate) identity: identity::Identity,
}

/// The store, locked. When it is released, the changes made meanwhile (whatever route made
/// them) go to the change notifications: the one place where store changes meet subscriptions.
pub(crate) struct StoreGuard<'a> {
    store: MutexGuard<'a, Store>,
    notifier: &'a notify::Notifier,
}

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}

impl Drop for StoreGuard<'_> {
    fn drop(&mut self) {
        if self.store.journal.is_empty() {
            return;
        }
        let changes = std::mem::take(&mut self.store.journal);
        self.notifier.on_changes(&self.store, changes);
    }
}

/// Locks a mutex, recovering the data if a route handler panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub(crate) fn lock_store(&self) -> StoreGuard<'_> {
        StoreGuard {
            store: lock(&self.store),
            notifier: &self.notifier,
        }
    }
    pub(crate) fn lock_log(&self) -> MutexGuard<'_, log::RequestLog> {
        lock(&self.log)
    }
    pub(crate) fn lock_faults(&self) -> MutexGuard<'_, Vec<Fault>> {
        lock(&self.faults)
    }
    pub(crate) fn lock_routes(&self) -> MutexGuard<'_, Vec<routes::Route>> {
        lock(&self.routes)
    }
    pub(crate) fn lock_bearer(&self) -> MutexGuard<'_, Option<String>> {
        lock(&self.bearer)
    }
    pub(crate) fn lock_uploads(&self) -> MutexGuard<'_, upload::Uploads> {
        lock(&self.uploads)
    }
    pub(crate) fn lock_if_match(&self) -> MutexGuard<'_, Vec<String>> {
        lock(&self.if_match)
    }
    pub(crate) fn lock_lag(&self) -> MutexGuard<'_, lag::Lag> {
        lock(&self.lag)
    }
    pub(crate) fn strict_collections(&self) -> bool {
        self.strict_collections.load(Ordering::Relaxed)
    }
    pub(crate) fn relative_links(&self) -> bool {
        self.relative_links.load(Ordering::Relaxed)
    }
    pub(crate) fn page_size(&self) -> usize {
        self.page_size.load(Ordering::Relaxed)
    }
    pub(crate) fn max_body_size(&self) -> usize {
        self.max_body_size.load(Ordering::Relaxed)
    }
}

impl Emulator {
    /// Starts on `127.0.0.1` with a free port. Must be called inside a Tokio runtime.
    pub async fn start() -> std::io::Result<Emulator> {
        Emulator::start_on(0).await
    }

    /// Starts on `127.0.0.1:port` (0 picks a free port).
    pub async fn start_on(port: u16) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        // Pre-authenticated download URLs live on another origin, as on Graph, so a client that
        // follows the redirect must drop its token.
        let downloads = TcpListener::bind(("127.0.0.1", 0)).await?;
        let download_addr = downloads.local_addr()?;
        let (notifier, deliveries) = notify::Notifier::new();
        let shared = Arc::new(Shared {
            base_url: format!("http://{addr}"),
            download_url: format!("http://{download_addr}"),
            store: Mutex::new(Store::default()),
            log: Mutex::new(log::RequestLog::default()),
            faults: Mutex::new(Vec::new()),
            routes: Mutex::new(builtin::table()),
            bearer: Mutex::new(None),
            page_size: AtomicUsize::new(DEFAULT_PAGE_SIZE),
            max_body_size: AtomicUsize::new(DEFAULT_MAX_BODY_SIZE),
            uploads: Mutex::new(upload::Uploads::default()),
            if_match: Mutex::new(Vec::new()),
            lag: Mutex::new(lag::Lag::default()),
            mailboxes: Mutex::new(mailbox::Mailboxes::default()),
            relative_links: std::sync::atomic::AtomicBool::new(false),
            strict_collections: std::sync::atomic::AtomicBool::new(true),
            notifier,
            identity: identity::Identity::default(),
        });
        shared.lock_store().operations.second_origin = shared.download_url.clone();
        let (tx, rx) = watch::channel(());
        tokio::spawn(notify::worker(shared.clone(), deliveries, rx.clone()));
        tokio::spawn(serve(listener, shared.clone(), rx.clone()));
        tokio::spawn(serve(downloads, shared.clone(), rx));
        Ok(Emulator {
            addr,
            shared,
            _shutdown: tx,
        })
    }

    /// Plays replication lag: for `lag` after a `POST` creates an entity, a `GET` of it (or of
    /// anything below it) answers `404 Request_ResourceNotFound`, as a directory object read
    /// from a replica that has not seen it yet. `None` (the default) or zero turns it off. Over
    /// HTTP: `PUT /_emulator/replication-lag` with `{"ms": 2000}`.
    pub fn set_replication_lag(&self, lag: Option<std::time::Duration>) {
        self.shared.lock_lag().set(lag);
    }

    /// Forgets every delta token issued so far, as Graph does when a token expires: the next
    /// request with one answers `410 Gone` (`resyncRequired`) for a `$deltatoken` and `400
    /// syncStateNotFound` for a `$skiptoken` (see [`TOKEN_CAPACITY`]).
    pub fn expire_delta_tokens(&self) {
        self.shared.lock_store().delta_tokens.forget_all();
    }

    /// The socket address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:port`, without a version.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The v1.0 service root: `http://127.0.0.1:port/v1.0`.
    pub fn v1_url(&self) -> String {
        format!("{}/v1.0", self.shared.base_url)
    }

    /// The beta service root: `http://127.0.0.1:port/beta`.
    pub fn beta_url(&self) -> String {
        format!("{}/beta", self.shared.base_url)
    }

    /// The requests received so far, oldest first: the most recent ones within the log's
    /// capacity ([`set_log_capacity`](Self::set_log_capacity)) and body budget
    /// ([`set_log_body_budget`](Self::set_log_body_budget)); [`dropped_requests`](Self::dropped_requests)
    /// counts those that fell out.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.lock_log().entries()
    }

    /// The most recent request.
    pub fn last_request(&self) -> Option<LoggedRequest> {
        self.shared.lock_log().last()
    }

    /// Empties the request log and its count of dropped requests.
    pub fn clear_requests(&self) {
        self.shared.lock_log().clear();
    }

    /// How many requests the log dropped, oldest first, to stay within its capacity and body
    /// budget (since the start or the last [`clear_requests`](Self::clear_requests)).
    pub fn dropped_requests(&self) -> u64 {
        self.shared.lock_log().dropped()
    }

    /// How many requests the log keeps (default [`DEFAULT_LOG_CAPACITY`]); older ones are dropped
    /// and counted by [`dropped_requests`](Self::dropped_requests). 0 keeps none.
    pub fn set_log_capacity(&self, entries: usize) {
        self.shared.lock_log().set_capacity(entries);
    }

    /// How many bytes of request bodies the log keeps in all (default
    /// [`DEFAULT_LOG_BODY_BUDGET`]); older requests are dropped when the total goes over it,
    /// the most recent one is always kept.
    pub fn set_log_body_budget(&self, bytes: usize) {
        self.shared.lock_log().set_body_budget(bytes);
    }

    /// Adds a fault for the next matching requests (see [`Fault`]).
    pub fn fault(&self, fault: Fault) {
        self.shared.lock_faults().push(fault);
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.shared.lock_faults().clear();
    }

    /// Requires `Authorization: Bearer <token>` on every request (401 otherwise); `None` turns it off.
    pub fn require_bearer(&self, token: Option<&str>) {
        *self.shared.lock_bearer() = token.map(str::to_owned);
    }

    /// Requires `If-Match` on PATCH, PUT and DELETE of entities whose path (with the version, as
    /// sent: `/v1.0/planner/tasks/*`; `*` matches any run of characters) matches `pattern`, as
    /// Planner does: without it the answer is 428. Entities always carry ETags (`@odata.etag` in
    /// bodies, the `ETag` header); a stale `If-Match` is 412 everywhere, a matching
    /// `If-None-Match` on GET is 304.
    pub fn require_if_match(&self, pattern: &str) {
        self.shared.lock_if_match().push(pattern.to_owned());
    }

    /// Writes links as many OData services that are not Graph do: `@odata.context` relative to
    /// the service root (`$metadata#users`), `@odata.nextLink` relative to the context URL
    /// (`users?$skiptoken=2`, `me/todo/lists('L1')/tasks?$skiptoken=2`), `Location` as an absolute
    /// path. Off by default (Graph writes absolute URLs).
    pub fn set_relative_links(&self, on: bool) {
        self.shared.relative_links.store(on, Ordering::Relaxed);
    }

    /// Whether a POST to a collection that does not exist is a 404, as in Graph (on by default).
    /// A collection then exists where Graph has one (v1.0: the path resolves to a collection in
    /// Graph's v1.0 schema, built into graph-odata-metadata, below entities that exist; beta: a
    /// navigation of an existing entity), where [`create_collection`](Self::create_collection)
    /// registered it, or where something was inserted. `false` lets a POST create a collection
    /// anywhere.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let emu = graph_odata_emulator::Emulator::start().await?;
    /// emu.create_collection("/widgets"); // a collection Graph does not have, for this test
    /// emu.strict_collections(false);     // or: POST creates anywhere
    /// # Ok(()) }
    /// ```
    pub fn strict_collections(&self, on: bool) {
        self.shared.strict_collections.store(on, Ordering::Relaxed);
    }

    /// The page size for collections without `$top` (default [`DEFAULT_PAGE_SIZE`]).
    pub fn set_page_size(&self, n: usize) {
        self.shared.page_size.store(n.max(1), Ordering::Relaxed);
    }

    /// The largest request body accepted, in bytes (default [`DEFAULT_MAX_BODY_SIZE`]). A request
    /// whose `Content-Length` is larger is refused with 413 before any of its body is read; a
    /// body without a length is read up to the cap and refused with 413 when it goes past it.
    /// The 413 names the limit, carries `Connection: close`, and the connection is closed. Upload
    /// slices count: keep the cap above the slice size in use.
    pub fn set_max_body_size(&self, bytes: usize) {
        self.shared.max_body_size.store(bytes, Ordering::Relaxed);
    }

    /// Answers `method pattern` (no version prefix, placeholders in braces:
    /// `/drives/{driveId}/items/{itemId}/createLink`) with `handler`. It runs after the emulator's
    /// own endpoints (the upload and download URLs, the bearer check, the `/content` redirect,
    /// `$batch`, `createUploadSession`) and before earlier user routes, the built-in Graph
    /// routes, `…/$count` and the generic store; it also answers the requests inside a `$batch`.
    /// Panics if the pattern is malformed (a bug in the test, not in input).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use graph_odata_emulator::{Emulator, Reply};
    /// use http::{Method, StatusCode};
    /// let emu = Emulator::start().await?;
    /// emu.route(Method::POST, "/me/sendMail", |call| {
    ///     if call.body.as_ref().and_then(|b| b.get("message")).is_none() {
    ///         return Reply::error(StatusCode::BAD_REQUEST, "ErrorInvalidRequest", "message is required");
    ///     }
    ///     Reply::no_content()
    /// });
    /// # Ok(()) }
    /// ```
    pub fn route<F>(&self, method: http::Method, pattern: &str, handler: F)
    where
        F: Fn(&mut Call<'_>) -> Reply + Send + Sync + 'static,
    {
        match routes::Route::new(
            Some(method),
            pattern,
            routes::Handler::Call(Arc::new(handler)),
        ) {
            // The user's routes run before the Graph routes and earlier user routes, after the
            // emulator's own endpoints (see `builtin.rs` for the whole order).
            Ok(route) => {
                let mut table = self.shared.lock_routes();
                let at = builtin::user_routes_at(&table);
                table.insert(at, route);
            }
            Err(message) => panic!("Emulator::route: {message}"),
        }
    }

    /// Adds `entity` to the collection at `path` (no version prefix) and returns its id.
    /// Panics if `path` names an entity or a missing parent (a bug in the test setup).
    pub fn insert(&self, path: &str, entity: Value) -> String {
        match self.shared.lock_store().insert(path, entity) {
            Ok(id) => id,
            Err(message) => panic!("Emulator::insert({path}): {message}"),
        }
    }

    /// Declares an empty collection at `path`, so GET answers `{"value": []}` rather than 404.
    pub fn create_collection(&self, path: &str) {
        if let Err(message) = self.shared.lock_store().create_collection(path) {
            panic!("Emulator::create_collection({path}): {message}");
        }
    }

    /// The entity at `path` (no version prefix), if any.
    pub fn get(&self, path: &str) -> Option<Value> {
        self.shared.lock_store().get(path).cloned()
    }

    /// The number of members of the collection at `path`, if it exists.
    pub fn count(&self, path: &str) -> Option<usize> {
        self.shared.lock_store().count(path)
    }

    /// The bytes of an item created by an upload session (or set with
    /// [`set_content`](Self::set_content)), by the item's id. `None` for pattern content.
    pub fn uploaded_content(&self, item_id: &str) -> Option<Vec<u8>> {
        match self.shared.lock_uploads().contents.get(item_id)? {
            download::Content::Bytes(b) => Some(b.to_vec()),
            download::Content::Pattern(_) => None,
        }
    }

    /// Gives the item `item_id` content: `GET …/items/{item_id}/content` then answers `302` to a
    /// pre-authenticated URL on the emulator's second origin
    /// ([`download_base_url`](Self::download_base_url)), which serves the bytes with `Range`
    /// support, an `ETag` and no token needed.
    pub fn set_content(&self, item_id: &str, bytes: impl Into<bytes::Bytes>) {
        self.shared
            .lock_uploads()
            .contents
            .insert(item_id.to_owned(), download::Content::Bytes(bytes.into()));
    }

    /// Like [`set_content`](Self::set_content) with `len` bytes of [`pattern_byte`], generated as
    /// they are sent: a multi-GiB download without the memory.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let emu = graph_odata_emulator::Emulator::start().await?;
    /// emu.set_pattern_content("big", 1 << 30); // 1 GiB at /v1.0/me/drive/items/big/content
    /// # Ok(()) }
    /// ```
    pub fn set_pattern_content(&self, item_id: &str, len: u64) {
        self.shared
            .lock_uploads()
            .contents
            .insert(item_id.to_owned(), download::Content::Pattern(len));
    }

    /// `http://127.0.0.1:port` of the second origin that serves pre-authenticated downloads.
    pub fn download_base_url(&self) -> &str {
        &self.shared.download_url
    }

    /// Runs `f` with the store locked (for setup or assertions beyond `insert`/`get`).
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.shared.lock_store())
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.shared.base_url)
            .finish_non_exhaustive()
    }
}

/// Accepts connections until the [`Emulator`] is dropped. Each connection can be killed from inside
/// a request (fault injection: a dropped connection).
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut shutdown: watch::Receiver<()>) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors or similar: back off briefly rather than spin.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => return,
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let kill_for_service = kill.clone();
            let service = service_fn(move |req| {
                service::handle(shared.clone(), kill_for_service.clone(), req)
            });
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
