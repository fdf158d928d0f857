//! The Phalanx JSON-over-HTTP API (axum): every module query under `/phalanx/<module>/v1/...`,
//! transaction submission, status, blocks, a Server-Sent Events stream, an OpenAPI document,
//! Prometheus metrics, and the Cosmos REST endpoints wallets call.
//!
//! The API knows no storage engine and no consensus engine: the node implements [`NodeView`] and
//! hands it to [`serve`] (or mounts [`router`] itself). Queries run over a read-only snapshot of the
//! latest committed state on the blocking pool, one snapshot per request, so the API never blocks block
//! execution and block execution never blocks the API.
//!
//! Errors are always `{code, codespace, message}` with a status saying whose fault it was: 400 for a
//! malformed request (bad address, id 0, bad pagination key), 404 for a missing object, 5xx for the node.
//!
//! Routes are listed once, in `routes.rs`; the router and `/openapi.json` are both generated from that
//! table.
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

mod cosmos;
pub mod encoding;
pub mod error;
mod events;
mod limits;
mod metrics;
mod modules;
mod node;
mod openapi;
mod query;
mod routes;
pub mod view;

pub use error::ApiError;
pub use view::{
    BlockEvents, BlockHeaderView, BlockView, BoxFuture, KeyProof, NodeError, NodeStatus, NodeView,
    ProveError, StateSnapshot, SubmitError, SubmitErrorKind, TxHash, TxRecord,
};

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

/// Tunables of the API; the defaults suit a local node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiConfig {
    /// How long `POST /txs?commit=true` and `BROADCAST_MODE_BLOCK` wait for inclusion before a 504
    /// (the transaction may still be committed later; the 504 carries its hash).
    pub commit_timeout: Duration,
    /// Largest request body accepted (transactions are bounded again by the node's own size limit).
    pub max_body_bytes: usize,
    /// Interval of SSE keep-alive comments, so proxies keep idle event streams open.
    pub sse_keep_alive: Duration,
    /// How long [`ApiServer::shutdown`] lets in-flight requests finish.
    pub shutdown_grace: Duration,
    /// Requests handled at once; more get a 503 (an event stream counts until its headers are sent).
    pub max_in_flight: usize,
    /// Longest time a request may take, reading its body included (a 408 after it); longer than
    /// `commit_timeout`, which a request may spend waiting for its transaction.
    pub request_timeout: Duration,
    /// Event streams open at once; more get a 503.
    pub max_event_streams: usize,
    /// Connections open at once; past that, new clients wait to be accepted.
    pub max_connections: usize,
    /// A connection the server wrote nothing to for this long is closed (an idle client, or one
    /// trickling its request headers); longer than `request_timeout` and `sse_keep_alive`.
    pub idle_timeout: Duration,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            commit_timeout: Duration::from_secs(30),
            max_body_bytes: 2_097_152,
            sse_keep_alive: Duration::from_secs(15),
            shutdown_grace: Duration::from_secs(5),
            max_in_flight: 512,
            request_timeout: Duration::from_secs(40),
            max_event_streams: 256,
            max_connections: 1024,
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// What every handler shares; cheap to clone.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Inner>);

struct Inner {
    view: Arc<dyn NodeView>,
    config: ApiConfig,
    /// Places for requests being handled ([`ApiConfig::max_in_flight`]).
    in_flight: Semaphore,
    /// Places for open event streams ([`ApiConfig::max_event_streams`]).
    event_streams: Arc<Semaphore>,
    metrics: metrics::Metrics,
    openapi: Bytes,
    stop: watch::Receiver<bool>,
    /// Keeps the stop channel open for a router mounted without [`serve`] (nothing ever stops it).
    _stop_owner: Option<watch::Sender<bool>>,
}

impl AppState {
    /// The node.
    pub(crate) fn view(&self) -> Arc<dyn NodeView> {
        Arc::clone(&self.0.view)
    }

    /// Runs a synchronous [`NodeView`] call on tokio's blocking pool and waits for it.
    ///
    /// Node calls read storage and, for submissions, verify signatures; on an async worker they
    /// would hold it for their whole duration, and the node's few workers also serve every other
    /// request, p2p and consensus timers. A call that panics is a 500 naming `what`.
    pub(crate) async fn blocking<T, F>(&self, what: &str, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn NodeView) -> T + Send + 'static,
    {
        let view = self.view();
        tokio::task::spawn_blocking(move || f(&*view))
            .await
            .map_err(|e| ApiError::internal(format!("{what} task failed: {e}")))
    }

    /// [`NodeView::status`] on the blocking pool (see [`AppState::blocking`]), for the routes that
    /// report it.
    pub(crate) async fn status(&self) -> Result<NodeStatus, ApiError> {
        Ok(self.blocking("status", |view| view.status()).await??)
    }

    /// The configuration.
    pub(crate) fn config(&self) -> &ApiConfig {
        &self.0.config
    }

    /// Places for requests being handled.
    pub(crate) fn in_flight(&self) -> &Semaphore {
        &self.0.in_flight
    }

    /// Places for open event streams.
    pub(crate) fn event_streams(&self) -> &Arc<Semaphore> {
        &self.0.event_streams
    }

    /// The metrics registry.
    pub(crate) fn metrics(&self) -> &metrics::Metrics {
        &self.0.metrics
    }

    /// The OpenAPI document, encoded once.
    pub(crate) fn openapi(&self) -> Bytes {
        self.0.openapi.clone()
    }

    /// Turns true when the server is stopping, so endless SSE streams end and shutdown completes.
    pub(crate) fn stop_signal(&self) -> watch::Receiver<bool> {
        self.0.stop.clone()
    }
}

fn build(
    view: Arc<dyn NodeView>,
    config: ApiConfig,
    stop: watch::Receiver<bool>,
    stop_owner: Option<watch::Sender<bool>>,
) -> Router {
    let openapi = serde_json::to_vec(&openapi::document()).unwrap_or_default();
    let state = AppState(Arc::new(Inner {
        in_flight: Semaphore::new(config.max_in_flight.max(1)),
        event_streams: Arc::new(Semaphore::new(config.max_event_streams.max(1))),
        view,
        metrics: metrics::Metrics::default(),
        openapi: Bytes::from(openapi),
        stop,
        _stop_owner: stop_owner,
        config: config.clone(),
    }));
    routes::router()
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .with_state(state)
}

/// JSON 404 for a path no route matches.
async fn no_route(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!(
        "no route for {method} {}; GET /openapi.json lists every route",
        uri.path()
    ))
}

/// JSON 405 for a known path with the wrong method.
async fn wrong_method(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        error::CODE_INVALID_REQUEST,
        format!(
            "{method} is not allowed on {}; GET /openapi.json lists every route",
            uri.path()
        ),
    )
}

/// The API as a router, for a node that runs its own HTTP server. Its event streams end only when
/// their clients leave or the node's broadcast closes; prefer [`serve`], which also stops them.
pub fn router(view: Arc<dyn NodeView>, config: ApiConfig) -> Router {
    let (tx, rx) = watch::channel(false);
    build(view, config, rx, Some(tx))
}

/// A running API server.
pub struct ApiServer {
    local_addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
    grace: Duration,
}

impl ApiServer {
    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting connections, ends event streams, and waits up to the configured grace period
    /// for in-flight requests.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        let mut task = self.task;
        match tokio::time::timeout(self.grace, &mut task).await {
            Ok(joined) => joined.map_err(std::io::Error::other)?,
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }
}

/// Binds `addr` and serves the API on the current tokio runtime until [`ApiServer::shutdown`] (or
/// until the returned handle is dropped, which also stops it). Fails only if the address cannot be
/// bound.
pub async fn serve(
    addr: SocketAddr,
    view: Arc<dyn NodeView>,
    config: ApiConfig,
) -> std::io::Result<ApiServer> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let grace = config.shutdown_grace;
    let listener =
        limits::BoundedListener::new(listener, config.max_connections, config.idle_timeout);
    let app = build(view, config, stop_rx.clone(), None);
    let mut until = stop_rx;
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                // Either an explicit stop or a dropped handle ends the server.
                let _ = until.wait_for(|stopped| *stopped).await;
            })
            .await
    });
    Ok(ApiServer {
        local_addr,
        stop: stop_tx,
        task,
        grace,
    })
}
