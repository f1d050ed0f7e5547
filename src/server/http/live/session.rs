//! A live stream belongs to the session that opened it: it takes one of the
//! session's stream slots (a cap per session), and ends once the session
//! ends — signed out, expired, its account's password changed, the account
//! disabled — or the account's role changes (the browser reconnects, through
//! the guard, as what it is now).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::response::{IntoResponse, Response};
use tower_sessions::session::Id;
use tower_sessions::Session;

use super::StreamSlot;
use crate::model::AccountRole;
use crate::server::http::auth::CurrentUser;
use crate::server::http::error::ApiError;
use crate::server::store::Store;
use crate::server::{http::auth, http::AppState};

/// How often a stream checks that its session is still signed in: a
/// disabled account's open pages stop updating within about this long.
pub const SESSION_CHECK: Duration = Duration::from_secs(1);
/// How long one stream's answer serves the other streams of its session.
const ANSWER_KEPT: Duration = Duration::from_millis(500);

/// The latest answer for each session, shared by its streams: a session
/// with many streams open (tabs, or the bench's hundred clients) is looked
/// up once per [`ANSWER_KEPT`], not once per stream — at the same moment,
/// in a burst that held every stream's messages back while it queued.
#[derive(Clone, Default)]
pub struct SessionChecks(Arc<Mutex<HashMap<String, AnswerSlot>>>);

/// When a session was last looked up, and whether it was signed in.
type Answer = (Instant, bool);
type AnswerSlot = Arc<tokio::sync::Mutex<Option<Answer>>>;

impl SessionChecks {
    /// The session's shared answer slot (created on first use; slots of
    /// sessions not asked about for a while are dropped).
    fn slot(&self, id: &str) -> AnswerSlot {
        let mut slots = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slots.len() > 1024 {
            slots.retain(|_, slot| Arc::strong_count(slot) > 1);
        }
        slots.entry(id.to_string()).or_default().clone()
    }
}

/// The answer when a session already holds its allowance of streams.
pub fn too_many_streams(state: &AppState) -> Response {
    ApiError::busy(
        "too many live streams",
        format!(
            "this session already has {} live streams open (CALLTRAIL_MAX_STREAMS_PER_SESSION); close some tabs",
            state.config.max_streams_per_session
        ),
        5,
    )
    .into_response()
}

/// Ties a stream to the session that opened it: it holds one of the
/// session's stream slots, and the stream ends once the session does
/// (signed out, expired, password changed), checked every [`SESSION_CHECK`].
pub struct SessionWatch {
    store: Store,
    checks: SessionChecks,
    id: Id,
    max_hours: u32,
    /// Who opened the stream, as what.
    user: (i64, AccountRole),
    every: tokio::time::Interval,
    _slot: StreamSlot,
}

impl SessionWatch {
    /// `None` when the session has no id (never the case behind the guard)
    /// or already holds its allowance of streams.
    pub fn start(state: &AppState, session: &Session, user: &CurrentUser) -> Option<Self> {
        let id = session.id()?;
        let slot = state
            .streams
            .slots
            .take(&id.to_string(), state.config.max_streams_per_session)?;
        let mut every =
            tokio::time::interval_at(tokio::time::Instant::now() + SESSION_CHECK, SESSION_CHECK);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Some(SessionWatch {
            store: state.store.clone(),
            checks: state.streams.checks.clone(),
            id,
            max_hours: state.config.session_max_hours,
            user: (user.id, user.role),
            every,
            _slot: slot,
        })
    }

    /// Resolves when the session is due a check, every [`SESSION_CHECK`]:
    /// a `select!` branch (cancel-safe) whose handler then calls
    /// [`Self::still_signed_in`], so a busy stream never cuts a check short.
    pub async fn due(&mut self) {
        self.every.tick().await;
    }

    /// Asks the database, unless another stream of the session did within
    /// [`ANSWER_KEPT`]; streams asking at once wait for one answer.
    pub async fn still_signed_in(&self) -> bool {
        let slot = self.checks.slot(&self.id.to_string());
        let mut answer = slot.lock().await;
        if let Some((at, valid)) = *answer {
            if at.elapsed() < ANSWER_KEPT {
                return valid;
            }
        }
        let valid = self.ask().await;
        *answer = Some((Instant::now(), valid));
        valid
    }

    async fn ask(&self) -> bool {
        match auth::still_signed_in(&self.store, &self.id, self.max_hours).await {
            Ok(now) => now.is_some_and(|now| (now.id, now.role) == self.user),
            Err(e) => {
                // Ending the stream makes the browser reconnect through the guard.
                tracing::warn!(error = %e, "could not check a live stream's session; closing it");
                false
            }
        }
    }
}
