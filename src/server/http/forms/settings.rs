//! Admins' settings forms: each source's own retention, and deleting one
//! call and everything about it. Both are written to the audit log.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;

use super::{back, storage, Fields};
use crate::model::{FormError, Notice};
use crate::server::app::audit;
use crate::server::app::platforms;
use crate::server::http::auth::actor::Acting;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

/// `POST /settings/retention`: `days_<source>` for each source (blank: the
/// installation's retention).
pub async fn retention(State(state): State<AppState>, acting: Acting, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let mut own = Vec::new();
    for platform in platforms::listed().0 {
        let key = format!("days_{}", platform.name);
        match fields.number::<u32>(&key, FormError::DaysInvalid) {
            Ok(Some(0)) | Err(_) => return back(PAGE, None, Err(FormError::DaysInvalid)),
            Ok(Some(days)) => own.push((platform.name.to_string(), days)),
            Ok(None) => {}
        }
    }
    let before = match state.store.source_retention().await {
        Ok(before) => before,
        Err(e) => return back(PAGE, None, Err(storage(e))),
    };
    if let Err(e) = state.store.set_source_retention(&own).await {
        return back(PAGE, None, Err(storage(e)));
    }
    let said = |days: &[(String, u32)]| match days.is_empty() {
        true => "every source the installation's".to_string(),
        false => days
            .iter()
            .map(|(s, d)| format!("{s} {d} days"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let summary = format!("{} → {}", said(&before), said(&own));
    audit::record(
        &state.store,
        &acting.actor,
        "settings.retention",
        "retention per source",
        &summary,
    )
    .await;
    back(PAGE, None, Ok(Notice::RetentionSaved))
}

const PAGE: &str = "/settings";

/// `POST /settings/delete-call` (`call_id`): the call, its events and their
/// search entries, deliveries, metrics, alerts and queued sends. (Not under
/// `/calls/…`, which is the call pages' own.)
pub async fn delete_call(State(state): State<AppState>, acting: Acting, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let Some(call_id) = fields.get("call_id").map(str::to_string) else {
        return back(PAGE, None, Err(FormError::NoSuchCall));
    };
    let outcome = match state.store.delete_call_now(&call_id).await {
        Ok(Some(gone)) => {
            let said = format!(
                "deleted the call: {} events, {} deliveries",
                gone.events, gone.deliveries
            );
            audit::record(&state.store, &acting.actor, "call.delete", &call_id, &said).await;
            Ok(Notice::CallDeleted)
        }
        Ok(None) => Err(FormError::NoSuchCall),
        Err(e) => Err(storage(e)),
    };
    let page = match outcome {
        Ok(_) => "/",
        Err(_) => "/settings",
    };
    back(page, None, outcome)
}
