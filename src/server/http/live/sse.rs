//! The SSE routes: `/api/live/calls` (summaries for the calls list) and
//! `/api/live/calls/{call_id}` (one call's new events). Each message's `id` is
//! an event row id; a client resumes with `Last-Event-ID` (or `?after=` on its
//! first connection) and is sent what it missed before anything new. A
//! stream lives only as long as the session that opened it.

use std::future::Future;
use std::sync::Arc;

use async_stream::stream;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::sse::Event;
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tower_sessions::Session;

use super::session::{too_many_streams, SessionWatch};
use super::{opening, respond, to_json, Hub, Published};
use crate::model::review::{CallReview, ReviewUpdate};
use crate::model::{clip, CallSummary, LiveUpdate};
use crate::server::app::prometheus::{self, LiveClient};
use crate::server::app::redaction::Redaction;
use crate::server::app::review;
use crate::server::http::auth::CurrentUser;
use crate::server::http::page_data::restricted::lens_of;
use crate::server::http::AppState;
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::Store;

/// Rows read from the database per catch-up query.
const CATCH_UP_BATCH: i64 = 500;

#[derive(Debug, Deserialize)]
pub struct Resume {
    after: Option<i64>,
}

/// Where to resume: the browser's `Last-Event-ID` wins over `?after=`.
fn resume_point(headers: &HeaderMap, query: &Resume) -> i64 {
    resume_after(headers, query.after)
}

/// The id a stream resumes after: the browser's `Last-Event-ID`, else
/// `after` (`?after=` on a first connection), else the start.
pub(super) fn resume_after(headers: &HeaderMap, after: Option<i64>) -> i64 {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .or(after)
        .unwrap_or(0)
        .max(0)
}

/// One kind of live stream: what it replays from the database and which hub
/// updates it forwards. Message ids are event row ids in both.
trait Feed: Send + Sync + 'static {
    /// Messages (JSON) for what was committed after event `after`, oldest
    /// first, at most one batch; each with its id.
    fn missed(
        &self,
        after: i64,
    ) -> impl Future<Output = Result<Vec<(i64, Arc<str>)>, store::Error>> + Send;
    /// The message this feed sends for a live update, if any.
    fn pick(&self, update: &Published) -> Option<Arc<str>>;
    /// The hub channel this feed listens to.
    fn subscribe(&self, hub: &Hub) -> broadcast::Receiver<Arc<Published>>;
    /// The message this feed sends about its call's review, if it follows
    /// one: when call `changed`'s review changed, or (`None`) as the whole
    /// review — on opening, an empty one is not sent (`opening`).
    fn review(
        &self,
        changed: Option<&str>,
        opening: bool,
    ) -> impl Future<Output = Option<Arc<str>>> + Send {
        let _ = (changed, opening);
        async { None }
    }
}

/// `/api/live/calls/{call_id}`
pub async fn call_stream(
    State(state): State<AppState>,
    session: Session,
    Extension(user): Extension<CurrentUser>,
    Path(call_id): Path<String>,
    Query(query): Query<Resume>,
    headers: HeaderMap,
) -> Response {
    let feed = CallFeed {
        store: state.store.clone(),
        call_id,
        restricted: lens_of(&state, &user),
    };
    open(
        &state,
        &session,
        &user,
        resume_point(&headers, &query),
        feed,
    )
}

/// `/api/live/calls`
pub async fn calls_stream(
    State(state): State<AppState>,
    session: Session,
    Extension(user): Extension<CurrentUser>,
    Query(query): Query<Resume>,
    headers: HeaderMap,
) -> Response {
    let feed = CallsFeed {
        store: state.store.clone(),
        restricted: lens_of(&state, &user),
    };
    open(
        &state,
        &session,
        &user,
        resume_point(&headers, &query),
        feed,
    )
}

/// Opens `feed` as a stream of `session`, after event `after`; `429` when
/// the session already holds its allowance of streams.
fn open<F: Feed>(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    after: i64,
    feed: F,
) -> Response {
    let Some(watch) = SessionWatch::start(state, session, user) else {
        return too_many_streams(state);
    };
    follow(state.hub.clone(), feed, after, watch)
}

/// A live update as `restricted` (when set) may read it.
fn seen(update: &LiveUpdate, restricted: &Redaction) -> LiveUpdate {
    let mut update = update.clone();
    restricted.item_for_restricted(&update.call.source, &mut update.item);
    restricted.call_for_restricted(&mut update.call);
    update
}

struct CallFeed {
    store: Store,
    call_id: String,
    restricted: Option<Arc<Redaction>>,
}

impl Feed for CallFeed {
    async fn missed(&self, after: i64) -> Result<Vec<(i64, Arc<str>)>, store::Error> {
        let items = self
            .store
            .events_after(&self.call_id, after, CATCH_UP_BATCH)
            .await?;
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let Some(call) = self.store.call(&self.call_id).await? else {
            return Ok(Vec::new());
        };
        Ok(items
            .into_iter()
            .map(|item| {
                let update = LiveUpdate {
                    item: clip::item(&item),
                    call: call.clone(),
                };
                let json = match &self.restricted {
                    Some(r) => to_json(&seen(&update, r)),
                    None => to_json(&update),
                };
                (item.id, json)
            })
            .collect())
    }

    fn pick(&self, published: &Published) -> Option<Arc<str>> {
        if published.update.item.call_id != self.call_id {
            return None;
        }
        Some(match &self.restricted {
            Some(r) => to_json(&seen(&published.update, r)),
            None => published.full_json(),
        })
    }

    fn subscribe(&self, hub: &Hub) -> broadcast::Receiver<Arc<Published>> {
        hub.subscribe_call(&self.call_id)
    }

    async fn review(&self, changed: Option<&str>, opening: bool) -> Option<Arc<str>> {
        if changed.is_some_and(|id| id != self.call_id) {
            return None;
        }
        match review::seen(&self.store, &self.call_id, self.restricted.as_deref()).await {
            // A stream opening on a call nobody reviewed says nothing.
            Ok(review) if opening && review == CallReview::default() => None,
            Ok(review) => Some(to_json(&ReviewUpdate { review })),
            Err(e) => {
                tracing::warn!(error = %e, "could not read a call's review for its stream");
                None
            }
        }
    }
}

struct CallsFeed {
    store: Store,
    restricted: Option<Arc<Redaction>>,
}

impl CallsFeed {
    fn json(&self, call: &CallSummary) -> Arc<str> {
        match &self.restricted {
            Some(r) => {
                let mut call = call.clone();
                r.call_for_restricted(&mut call);
                to_json(&call)
            }
            None => to_json(call),
        }
    }
}

impl Feed for CallsFeed {
    async fn missed(&self, after: i64) -> Result<Vec<(i64, Arc<str>)>, store::Error> {
        let calls = self
            .store
            .calls_changed_after(after, CATCH_UP_BATCH)
            .await?;
        Ok(calls
            .into_iter()
            .map(|c| (c.last_event_id, self.json(&c)))
            .collect())
    }

    fn pick(&self, published: &Published) -> Option<Arc<str>> {
        Some(match &self.restricted {
            Some(_) => self.json(&published.update.call),
            None => published.summary_json(),
        })
    }

    fn subscribe(&self, hub: &Hub) -> broadcast::Receiver<Arc<Published>> {
        hub.subscribe()
    }
}

/// What woke a stream up.
enum Wake {
    Stop,
    CheckSession,
    Update(Result<Arc<Published>, RecvError>),
    Review(Result<Arc<str>, RecvError>),
}

/// The stream every feed shares: replay what was missed, then forward live
/// updates; replay again whenever the hub says this subscriber fell behind.
/// It ends when the server stops or the session that opened it ends.
fn follow<F: Feed>(hub: Hub, feed: F, mut last: i64, mut watch: SessionWatch) -> Response {
    // Subscribe before the first replay so nothing committed in between is missed.
    let mut rx = feed.subscribe(&hub);
    let mut reviews = hub.subscribe_reviews();
    let stream = stream! {
        // Counted while the stream lives, however it ends.
        let _client = LiveClient::start();
        yield Ok(opening("calltrail live"));
        // Review messages carry no id: they are not events to resume after.
        if let Some(review) = feed.review(None, true).await {
            yield Ok(Event::default().data(&*review));
        }
        let mut behind = true;
        loop {
            while behind {
                match feed.missed(last).await {
                    Ok(batch) => {
                        behind = batch.len() as i64 == CATCH_UP_BATCH;
                        for (id, msg) in batch {
                            last = id;
                            yield Ok(message(id, &msg));
                        }
                    }
                    Err(e) => {
                        // Ending the stream makes the browser reconnect and resume.
                        tracing::warn!(error = %e, "live catch-up failed; closing the stream");
                        return;
                    }
                }
            }
            let wake = tokio::select! {
                _ = hub.stopping() => Wake::Stop,
                _ = watch.due() => Wake::CheckSession,
                received = rx.recv() => Wake::Update(received),
                changed = reviews.recv() => Wake::Review(changed),
            };
            match wake {
                Wake::Stop => return,
                Wake::CheckSession => {
                    if !watch.still_signed_in().await {
                        return;
                    }
                }
                Wake::Update(Ok(update)) if update.update.item.id > last => {
                    if let Some(msg) = feed.pick(&update) {
                        last = update.update.item.id;
                        yield Ok(message(last, &msg));
                    }
                }
                Wake::Update(Ok(_)) => {}
                Wake::Update(Err(RecvError::Lagged(_))) => {
                    prometheus::live_caught_up();
                    behind = true;
                }
                Wake::Update(Err(RecvError::Closed)) => return,
                Wake::Review(Ok(call_id)) => {
                    if let Some(review) = feed.review(Some(&call_id), false).await {
                        yield Ok(Event::default().data(&*review));
                    }
                }
                // Behind on reviews: the whole review again, if it follows one.
                Wake::Review(Err(RecvError::Lagged(_))) => {
                    if let Some(review) = feed.review(None, false).await {
                        yield Ok(Event::default().data(&*review));
                    }
                }
                Wake::Review(Err(RecvError::Closed)) => return,
            }
        }
    };
    respond(stream)
}

fn message(id: i64, json: &str) -> Event {
    Event::default().id(id.to_string()).data(json)
}
