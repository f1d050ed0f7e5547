//! Live updates: committed events are published to a hub, and browsers follow
//! them over Server-Sent Events. A stream that falls behind, or reconnects with
//! `Last-Event-ID`, is caught up from the database, so nothing is skipped.

mod alerts;
mod deliveries;
mod limits;
mod session;
mod sse;

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;

pub use alerts::alerts_stream;
pub use deliveries::deliveries_stream;
pub use limits::{StreamSlot, StreamSlots};
pub use session::SessionChecks;
pub use sse::{call_stream, calls_stream};

pub use crate::server::app::live::{to_json, Hub, Published};

/// What the server keeps per session across its live streams.
#[derive(Clone, Default)]
pub struct Streams {
    /// Open streams per session.
    pub slots: StreamSlots,
    /// Each session's latest sign-in check, shared by its streams.
    pub checks: SessionChecks,
}

/// How soon a browser retries after losing a stream.
const RETRY: Duration = Duration::from_secs(1);
/// How often an idle stream sends a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A stream's first message: how soon to retry, and what the stream is.
fn opening(what: &'static str) -> Event {
    Event::default().retry(RETRY).comment(what)
}

/// The response that sends `stream`, kept alive through idle spells.
fn respond<S>(stream: S) -> Response
where
    S: Stream<Item = Result<Event, Infallible>> + Send + 'static,
{
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}
