//! Acknowledge, resolve, snooze or reopen an alert from the inbox.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{back, storage, Fields};
use crate::server::store::alerts::AlertAction;
use crate::server::store::now_ms;
use crate::server::AppState;

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
        Some("snooze") => match fields.number::<i64>("minutes", "The snooze") {
            Ok(Some(m)) if (1..=MAX_SNOOZE_MINUTES).contains(&m) => AlertAction::Snooze {
                until: now + m * 60_000,
            },
            Ok(_) => {
                return back(
                    "/alerts",
                    Some(&fields),
                    Err("snooze for 1 minute to 7 days".into()),
                )
            }
            Err(e) => return back("/alerts", Some(&fields), Err(e)),
        },
        other => {
            let e = format!("unknown action {:?}", other.unwrap_or(""));
            return back("/alerts", Some(&fields), Err(e));
        }
    };
    let outcome = match state.store.act_on_alert(id, action, now).await {
        Ok(true) => {
            if let Err(e) = state.alerts.announce(&state.store, &[]).await {
                tracing::warn!(error = %e, "could not announce an alert change");
            }
            Ok(String::new())
        }
        Ok(false) => Err(format!("there is no alert {id}")),
        Err(e) => Err(storage(e)),
    };
    back("/alerts", Some(&fields), outcome)
}
