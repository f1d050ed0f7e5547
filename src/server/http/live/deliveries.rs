//! `/api/live/deliveries`: the delivery log's new rows as they are written,
//! narrowed by the log's filters (`?outcome=…&kind=…`). Message ids are
//! delivery ids: a browser resumes with `Last-Event-ID` (or `?after=`).
//! Every delivery is written by the writer, and refused ones publish no
//! event, so the stream looks after each commit and at least every second.

use std::convert::Infallible;
use std::time::Duration;

use async_stream::stream;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;
use tokio::sync::broadcast;
use tokio::time::MissedTickBehavior;
use tower_sessions::Session;

use super::session::{too_many_streams, SessionWatch};
use super::sse::resume_after;
use super::{opening, respond, to_json};
use crate::model::{DeliveryFilter, DeliveryOutcome};
use crate::server::app::prometheus::LiveClient;
use crate::server::http::auth::CurrentUser;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

/// Rows read per query.
const BATCH: i64 = 200;
/// The longest a new refused delivery waits to be seen.
const POLL: Duration = Duration::from_secs(1);

#[derive(Debug, Deserialize)]
pub struct Params {
    after: Option<i64>,
    outcome: Option<String>,
    status: Option<i64>,
    kind: Option<String>,
    call: Option<String>,
    text: Option<String>,
}

impl Params {
    fn filter(&self) -> Result<DeliveryFilter, String> {
        let text = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
        Ok(DeliveryFilter {
            outcome: text(&self.outcome)
                .map(DeliveryOutcome::try_from)
                .transpose()?,
            status: self.status,
            kind: text(&self.kind),
            call: text(&self.call),
            text: text(&self.text),
        })
    }
}

pub async fn deliveries_stream(
    State(state): State<AppState>,
    session: Session,
    Extension(user): Extension<CurrentUser>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let filter = match params.filter() {
        Ok(f) => f,
        Err(e) => return (StatusCode::BAD_REQUEST, e).into_response(),
    };
    let mut last = resume_after(&headers, params.after);
    let Some(mut watch) = SessionWatch::start(&state, &session, &user) else {
        return too_many_streams(&state);
    };
    let (store, hub) = (state.store.clone(), state.hub.clone());
    let mut commits = hub.subscribe();
    let stream = stream! {
        let _client = LiveClient::start();
        yield Ok::<_, Infallible>(opening("calltrail live"));
        let mut poll = tokio::time::interval(POLL);
        poll.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            loop {
                let batch = match store.deliveries_since(&filter, last, BATCH).await {
                    Ok(batch) => batch,
                    Err(e) => {
                        tracing::warn!(error = %e, "reading new deliveries failed; closing the stream");
                        return;
                    }
                };
                let full = batch.len() as i64 == BATCH;
                for delivery in batch {
                    last = delivery.id;
                    yield Ok(Event::default().id(last.to_string()).data(to_json(&delivery)));
                }
                if !full {
                    break;
                }
            }
            tokio::select! {
                _ = hub.stopping() => return,
                _ = watch.due() => {
                    if !watch.still_signed_in().await {
                        return;
                    }
                }
                received = commits.recv() => {
                    if matches!(received, Err(broadcast::error::RecvError::Closed)) {
                        return;
                    }
                }
                _ = poll.tick() => {}
            }
        }
    };
    respond(stream)
}
