//! Acknowledge, resolve, snooze or reopen an alert from the inbox.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{back, back_quietly, storage, Fields};
use crate::model::FormError;
use crate::server::http::AppState;
use crate::server::store::alerts::AlertAction;
use crate::server::store::now_ms;
use crate::server::store::prelude::*;

/// Longest snooze: a week.
const MAX_SNOOZE_MINUTES: i64 = 7 * 24 * 60;

/// `POST /alerts/{id}/act`: `action` = acknowledge | resolve | snooze
/// (for `minutes`) | reopen.
pub async fn act(State(state): State<AppState>, Path(id): Path<i64>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let now = now_ms();
    let action = match fields.get("action") {
        Some("acknowledge") => AlertAction::Acknowledge,
        Some("resolve") => AlertAction::Resolve,
        Some("reopen") => AlertAction::Reopen,
        Some("snooze") => match fields.number::<i64>("minutes", FormError::SnoozeRange) {
            Ok(Some(m)) if (1..=MAX_SNOOZE_MINUTES).contains(&m) => AlertAction::Snooze {
                until: now + m * 60_000,
            },
            _ => return back("/alerts", Some(&fields), Err(FormError::SnoozeRange)),
        },
        _ => return back("/alerts", Some(&fields), Err(FormError::UnknownAction)),
    };
    let error = match state.store.act_on_alert(id, action, now).await {
        Ok(true) => {
            if let Err(e) = state.alerts.announce(&state.store, &[]).await {
                tracing::warn!(error = %e, "could not announce an alert change");
            }
            return back_quietly("/alerts", Some(&fields));
        }
        Ok(false) => FormError::NoSuchAlert,
        Err(e) => storage(e),
    };
    back("/alerts", Some(&fields), Err(error))
}
