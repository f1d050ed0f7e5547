//! When a connection counts as idle: no request in flight and no request or
//! response body moving for a while. HTTP/2 pings and settings frames do not
//! count, or the server's own keep-alive pings would keep every idle HTTP/2
//! connection open forever.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Body, Frame, SizeHint};
use tokio::time::Instant;

/// What one connection last did, shared by its requests and its watchdog.
#[derive(Debug)]
pub struct Activity {
    opened: Instant,
    /// Milliseconds after `opened` of the last request or body frame.
    last_ms: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    pub fn new() -> Arc<Self> {
        Arc::new(Activity {
            opened: Instant::now(),
            last_ms: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        })
    }

    /// Records that something moved just now.
    pub fn touch(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn quiet_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.opened.elapsed().saturating_sub(last)
    }
}

/// Completes once the connection has had nothing in flight and nothing
/// moving for `limit`.
pub async fn until_idle(activity: &Activity, limit: Duration) {
    loop {
        let quiet = activity.quiet_for();
        let busy = activity.in_flight.load(Ordering::Relaxed) > 0;
        if !busy && quiet >= limit {
            return;
        }
        // A request in flight is checked again a full `limit` later; its end
        // counts as activity, so the connection then gets a full `limit` too.
        let wait = if busy { limit } else { limit - quiet };
        tokio::time::sleep(wait).await;
    }
}

/// One request from its arrival until its response body is done or dropped.
#[derive(Debug)]
pub struct InFlight(Arc<Activity>);

impl InFlight {
    pub fn start(activity: &Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        activity.touch();
        InFlight(activity.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A request or response body whose frames count as activity. A response body
/// also holds its request's [`InFlight`] until it is finished or dropped.
#[derive(Debug)]
pub struct Watched<B> {
    inner: B,
    activity: Arc<Activity>,
    _request: Option<InFlight>,
}

impl<B> Watched<B> {
    pub fn request(inner: B, activity: &Arc<Activity>) -> Self {
        Watched {
            inner,
            activity: activity.clone(),
            _request: None,
        }
    }

    pub fn response(inner: B, request: InFlight) -> Self {
        Watched {
            inner,
            activity: request.0.clone(),
            _request: Some(request),
        }
    }
}

impl<B: Body + Unpin> Body for Watched<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(_))) = &polled {
            self.activity.touch();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
