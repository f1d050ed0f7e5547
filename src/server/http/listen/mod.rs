//! Accepting connections: HTTP/1.1 and HTTP/2, each request told its peer's
//! address, and limits so that clients cannot hold connections open for free
//! (a deadline for the first bytes and for request headers, an idle limit,
//! HTTP/2 pings and a stream cap, a cap on open connections), then a graceful
//! shutdown.

mod idle;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt as _;

/// How long open connections get to finish once shutdown starts.
const DRAIN: Duration = Duration::from_secs(10);
/// An HTTP/2 connection that has read nothing for this long is pinged…
const PING_INTERVAL: Duration = Duration::from_secs(20);
/// …and closed if the answer does not come within this long.
const PING_TIMEOUT: Duration = Duration::from_secs(20);
/// Requests one HTTP/2 connection may have open at once (RFC 9113 advises
/// no fewer than 100).
const MAX_STREAMS: u32 = 128;

/// How much of the server one client may hold, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A new connection must send its first bytes within this long, and an
    /// HTTP/1 request its complete headers within this long after that.
    pub header_timeout: Duration,
    /// A connection with no request in flight and no body moving for this
    /// long is shut down gracefully. Live streams send a keep-alive every
    /// 15 s, so this must be longer than that.
    pub idle_timeout: Duration,
    /// Connections open at once; further ones wait in the kernel's backlog
    /// until one closes.
    pub max_connections: usize,
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max));
    let server = Arc::new(Server {
        app,
        builder: builder(&limits),
        limits,
    });
    // Every connection holds a receiver: `stop.closed()` tells when all ended.
    let (stop, stopping) = watch::channel(false);
    let mut at_cap = false;
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = free_slot(&slots, max, &mut at_cap) => slot,
            () = &mut shutdown => break,
        };
        let Some(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, then go on.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Each answer and live message goes out whole and at once: without
        // this, Nagle's algorithm holds a small write back until the last
        // one is acknowledged, which a delayed ACK can make 40 ms.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
        let connection = server
            .clone()
            .connection(stream, peer, stopping.clone(), slot);
        tokio::spawn(connection);
    }
    drop(listener);
    stop.send_replace(true);
    drop(stopping);
    if tokio::time::timeout(DRAIN, stop.closed()).await.is_err() {
        tracing::warn!("some connections were still open after {DRAIN:?}; closing them");
    }
}

fn builder(limits: &Limits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(PING_INTERVAL)
        .keep_alive_timeout(PING_TIMEOUT)
        .max_concurrent_streams(MAX_STREAMS);
    builder
}

/// Waits for room for one more connection. Warns once when the cap is
/// reached, not again until a slot was free without waiting.
async fn free_slot(
    slots: &Arc<Semaphore>,
    max: usize,
    at_cap: &mut bool,
) -> Option<OwnedSemaphorePermit> {
    if let Ok(slot) = slots.clone().try_acquire_owned() {
        *at_cap = false;
        return Some(slot);
    }
    if !*at_cap {
        *at_cap = true;
        tracing::warn!(
            max_connections = max,
            "{max} connections are open, the most allowed: new ones wait until one closes \
             (raise CALLTRAIL_MAX_CONNECTIONS or --max-connections to allow more)"
        );
    }
    // Never closed, so this only waits.
    slots.clone().acquire_owned().await.ok()
}

/// What every connection task shares.
struct Server {
    app: Router,
    builder: auto::Builder<TokioExecutor>,
    limits: Limits,
}

impl Server {
    /// Serves one connection while it holds `_slot`.
    async fn connection(
        self: Arc<Self>,
        stream: TcpStream,
        peer: SocketAddr,
        mut stopping: watch::Receiver<bool>,
        _slot: OwnedSemaphorePermit,
    ) {
        let spoke = tokio::select! {
            spoke = first_bytes(&stream, self.limits.header_timeout) => spoke,
            () = stopped(&mut stopping) => false,
        };
        if !spoke {
            tracing::debug!(%peer, "closing a connection that sent nothing");
            return;
        }
        let activity = idle::Activity::new();
        let service = {
            let (app, activity) = (self.app.clone(), activity.clone());
            hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let in_flight = idle::InFlight::start(&activity);
                let mut request = request.map(|body| idle::Watched::request(body, &activity));
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                let app = app.clone();
                async move {
                    let Ok(response) = app.oneshot(request).await;
                    Ok::<_, Infallible>(
                        response.map(|body| idle::Watched::response(body, in_flight)),
                    )
                }
            })
        };
        let connection = self
            .builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service);
        tokio::pin!(connection);
        let mut closing = false;
        loop {
            tokio::select! {
                ended = connection.as_mut() => {
                    if let Err(e) = ended {
                        tracing::debug!(error = %e, %peer, "connection ended with an error");
                    }
                    return;
                }
                () = idle::until_idle(&activity, self.limits.idle_timeout) => {
                    if closing {
                        // E.g. an HTTP/2 client that never answers the
                        // shutdown's ping: stop waiting for it.
                        tracing::debug!(%peer, "dropping a connection that did not finish closing");
                        return;
                    }
                    tracing::debug!(%peer, "closing an idle connection");
                }
                () = stopped(&mut stopping), if !closing => {}
            }
            connection.as_mut().graceful_shutdown();
            closing = true;
            // Closing gets its own idle period before the connection is dropped.
            activity.touch();
        }
    }
}

/// True once the client has sent something, false if it closed or stayed
/// silent for `deadline` (hyper's header timeout only starts after that).
async fn first_bytes(stream: &TcpStream, deadline: Duration) -> bool {
    let mut byte = [0u8; 1];
    match tokio::time::timeout(deadline, stream.peek(&mut byte)).await {
        Ok(Ok(read)) => read > 0,
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "could not read from a new connection");
            false
        }
        Err(_elapsed) => false,
    }
}

/// Completes when the server starts shutting down.
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    // An error means the server is gone: that is a stop too.
    let _ = stopping.wait_for(|stop| *stop).await;
}
