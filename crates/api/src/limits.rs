//! Bounds on what clients can hold of the server: open connections, requests in flight, the time a
//! request may take (reading its body included) and open event streams. Each bound answers with a
//! clear error (or, for connections, waits in the kernel's accept queue) instead of letting a client
//! exhaust the node's file descriptors, memory or runtime threads.

use crate::AppState;
use crate::error::{ApiError, CODE_TIMEOUT};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::Listener;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Middleware: refuses a request when `max_in_flight` are being handled already, and answers 408
/// when one takes longer than `request_timeout`. An event stream counts only until its headers are
/// sent; [`stream_slot`] bounds open streams.
pub(crate) async fn guard(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let config = st.config();
    let Ok(_permit) = st.in_flight().try_acquire() else {
        return ApiError::unavailable(format!(
            "the API is already handling {} requests; retry shortly",
            config.max_in_flight
        ))
        .into_response();
    };
    match tokio::time::timeout(config.request_timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            CODE_TIMEOUT,
            format!(
                "the request was not answered within {} s (is its body sent too slowly?)",
                config.request_timeout.as_secs()
            ),
        )
        .into_response(),
    }
}

/// A place for one more event stream, held for as long as the stream is open.
pub(crate) fn stream_slot(st: &AppState) -> Result<OwnedSemaphorePermit, ApiError> {
    Arc::clone(st.event_streams())
        .try_acquire_owned()
        .map_err(|_| {
            ApiError::unavailable(format!(
                "{} event streams are open already, the most this node serves; close one or retry \
                 later",
                st.config().max_event_streams
            ))
        })
}

/// A TCP listener that holds at most `slots` connections open: past that it stops accepting, and
/// new clients wait in the kernel's queue until a connection closes.
pub(crate) struct BoundedListener {
    inner: TcpListener,
    slots: Arc<Semaphore>,
}

impl BoundedListener {
    /// Wraps `inner`, allowing `max_connections` (at least 1) open connections.
    pub(crate) fn new(inner: TcpListener, max_connections: usize) -> Self {
        Self {
            inner,
            slots: Arc::new(Semaphore::new(max_connections.max(1))),
        }
    }
}

impl Listener for BoundedListener {
    type Io = SlottedStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            // The semaphore is never closed, so acquiring fails only if it were; then wait for
            // connections without a bound rather than stop serving.
            let slot = Arc::clone(&self.slots).acquire_owned().await.ok();
            let (stream, addr) = Listener::accept(&mut self.inner).await;
            if let Some(slot) = slot {
                return (
                    SlottedStream {
                        stream,
                        _slot: slot,
                    },
                    addr,
                );
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection holding its slot until it is dropped.
pub(crate) struct SlottedStream {
    stream: TcpStream,
    _slot: OwnedSemaphorePermit,
}

impl AsyncRead for SlottedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for SlottedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
