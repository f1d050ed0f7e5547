//! Acknowledge, resolve, snooze or reopen an alert, or every alert of the
//! issues ticked, from the inbox.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{back, back_quietly, storage, Fields};
use crate::model::issues::parse_key;
use crate::model::FormError;
use crate::server::http::AppState;
use crate::server::store::alerts::AlertAction;
use crate::server::store::now_ms;
use crate::server::store::prelude::*;

/// Longest snooze: a week.
const MAX_SNOOZE_MINUTES: i64 = 7 * 24 * 60;

/// The action a form asks for: `action` = acknowledge | resolve | snooze
/// (for `minutes`) | reopen.
fn action_of(fields: &Fields, now: i64) -> Result<AlertAction, FormError> {
    Ok(match fields.get("action") {
        Some("acknowledge") => AlertAction::Acknowledge,
        Some("resolve") => AlertAction::Resolve,
        Some("reopen") => AlertAction::Reopen,
        Some("snooze") => match fields.number::<i64>("minutes", FormError::SnoozeRange) {
            Ok(Some(m)) if (1..=MAX_SNOOZE_MINUTES).contains(&m) => AlertAction::Snooze {
                until: now + m * 60_000,
            },
            _ => return Err(FormError::SnoozeRange),
        },
        _ => return Err(FormError::UnknownAction),
    })
}

/// `POST /alerts/{id}/act`: one alert.
pub async fn act(State(state): State<AppState>, Path(id): Path<i64>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let now = now_ms();
    let action = match action_of(&fields, now) {
        Ok(action) => action,
        Err(error) => return back("/alerts", Some(&fields), Err(error)),
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

/// `POST /alerts/issues/act`: every alert of each `issue` (`rule:cause`)
/// posted, that is not resolved (all of them, to reopen).
pub async fn act_on_issues(State(state): State<AppState>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let now = now_ms();
    let action = match action_of(&fields, now) {
        Ok(action) => action,
        Err(error) => return back("/alerts", Some(&fields), Err(error)),
    };
    let issues: Vec<(i64, String)> = fields
        .all("issue")
        .into_iter()
        .filter_map(parse_key)
        .collect();
    if issues.is_empty() {
        return back("/alerts", Some(&fields), Err(FormError::NoIssueChosen));
    }
    for (rule, cause) in &issues {
        if let Err(e) = state.store.act_on_issue(*rule, cause, action, now).await {
            return back("/alerts", Some(&fields), Err(storage(e)));
        }
    }
    if let Err(e) = state.alerts.announce(&state.store, &[]).await {
        tracing::warn!(error = %e, "could not announce an alert change");
    }
    back_quietly("/alerts", Some(&fields))
}
