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
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

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
/// new clients wait in the kernel's queue until a connection closes. A connection the server has
/// written nothing to for `idle` is closed, so idle or trickling clients cannot keep the places.
pub(crate) struct BoundedListener {
    inner: TcpListener,
    slots: Arc<Semaphore>,
    idle: Duration,
}

impl BoundedListener {
    /// Wraps `inner`, allowing `max_connections` (at least 1) open connections, each closed once the
    /// server has written nothing to it for `idle`.
    pub(crate) fn new(inner: TcpListener, max_connections: usize, idle: Duration) -> Self {
        Self {
            inner,
            slots: Arc::new(Semaphore::new(max_connections.max(1))),
            idle,
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
                        idle: self.idle,
                        quiet_until: Box::pin(tokio::time::sleep(self.idle)),
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

/// A connection holding its slot until it is dropped. Reading fails once the server has written
/// nothing for `idle`: every request is answered within the request timeout and every event stream
/// sends keep-alives, so only a client that sends no complete request (idle, or trickling its
/// headers) gets there. Bytes from the client do not count, or trickling would keep it open.
pub(crate) struct SlottedStream {
    stream: TcpStream,
    _slot: OwnedSemaphorePermit,
    idle: Duration,
    quiet_until: Pin<Box<Sleep>>,
}

impl AsyncRead for SlottedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Pending => match self.quiet_until.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no request completed within the connection idle timeout",
                ))),
                Poll::Pending => Poll::Pending,
            },
            ready => ready,
        }
    }
}

impl SlottedStream {
    /// The server wrote: the connection is in use, so its idle deadline moves.
    fn wrote(&mut self, written: &Poll<io::Result<usize>>) {
        if matches!(written, Poll::Ready(Ok(n)) if *n > 0)
            && let Some(next) = tokio::time::Instant::now().checked_add(self.idle)
        {
            self.quiet_until.as_mut().reset(next);
        }
    }
}

impl AsyncWrite for SlottedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.wrote(&written);
        written
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
        let written = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.wrote(&written);
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
