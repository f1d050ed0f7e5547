//! Destinations (add, pause, resume, replay, delete) and redelivering one
//! outbox message.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{back, back_keeping, storage, Fields, Outcome};
use crate::model::{FormError, Notice};
use crate::server::app::alerts::{replay as queue_replay, ReplayFrom};
use crate::server::app::audit;
use crate::server::app::outbound::destinations::{checked, ConditionRequest, DestinationRequest};
use crate::server::http::auth::actor::Acting;
use crate::server::http::AppState;
use crate::server::store::automation::DestinationSettings;
use crate::server::store::now_ms;
use crate::server::store::prelude::*;

pub(super) const PAGE: &str = "/automations";

/// The destination form's fields a refused save gives back (not the secret).
const KEPT: [&str; 7] = [
    "name",
    "url",
    "event",
    "cond_field",
    "cond_op",
    "cond_value",
    "redact",
];

/// `POST /automations/destinations`: adds one, or (with `edit`) changes the
/// one of that name; a blank secret then keeps the one it has.
pub async fn create_destination(
    State(state): State<AppState>,
    acting: Acting,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let form = match fields.get("edit") {
        Some(id) => format!("edit-destination-{}", id.parse::<i64>().unwrap_or_default()),
        None => "destination".to_string(),
    };
    let mut settings =
        match destination_of(&fields, state.config.outbound.allow_private_destinations) {
            Ok(settings) => settings,
            Err(e) => return back_keeping(PAGE, &fields, e, &form, &KEPT),
        };
    let before = match state.store.destinations().await {
        Ok(all) => all.into_iter().find(|d| d.name == settings.name),
        Err(e) => return back(PAGE, None, Err(storage(e))),
    };
    if fields.ticked("edit") && settings.secret.is_none() {
        settings.secret = before.as_ref().and_then(|d| d.secret.clone());
    }
    let outcome = state
        .store
        .save_destination(&settings, now_ms())
        .await
        .map(|_| Notice::DestinationSaved)
        .map_err(storage);
    if outcome.is_ok() {
        let after = described(&settings.url, &settings.events, settings.secret.is_some())
            + if settings.redact { ", redacted" } else { "" };
        let summary = match before {
            Some(d) => format!(
                "{}{} → {after}",
                described(&d.url, &d.events, d.secret.is_some()),
                if d.redact { ", redacted" } else { "" }
            ),
            None => format!("added: {after}"),
        };
        audit::record(
            &state.store,
            &acting.actor,
            "destination.save",
            &settings.name,
            &summary,
        )
        .await;
    }
    back(PAGE, None, outcome)
}

/// A destination in a line for the audit log (whether it signs, never the secret).
fn described(url: &str, events: &[String], signed: bool) -> String {
    let events = if events.is_empty() {
        "all events".to_string()
    } else {
        events.join(", ")
    };
    let signed = if signed { ", signed" } else { "" };
    format!("{url} ({events}{signed})")
}

/// `POST /automations/destinations/{id}/test`: a test event in the
/// envelope a forward has, signed as forwards are.
pub async fn test_destination(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let destination = match state.store.destination(id).await {
        Ok(Some(d)) => d,
        Ok(None) => return back(PAGE, None, Err(FormError::NoSuchDestination)),
        Err(e) => return back(PAGE, None, Err(storage(e))),
    };
    let answer = state.sender.test_destination(&destination).await;
    let outcome = if answer.ok {
        Ok(Notice::DestinationTested)
    } else {
        tracing::info!(destination = %destination.name, answer = %answer.summary(), "a destination's test failed");
        Err(FormError::DestinationTestFailed)
    };
    back(PAGE, None, outcome)
}

/// The destination the form asks for, checked.
fn destination_of(fields: &Fields, allow_private: bool) -> Result<DestinationSettings, FormError> {
    let mut events: Vec<String> = fields.all("event").into_iter().map(String::from).collect();
    if let Some(list) = fields.get("events") {
        events.extend(
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
    }
    let condition = match (fields.get("cond_op"), fields.get("cond_value")) {
        (None, None) => None,
        (op, value) => Some(ConditionRequest {
            field: fields.get("cond_field").map(str::to_string),
            op: op.map(str::to_string),
            value: value.unwrap_or("").to_string(),
        }),
    };
    let request = DestinationRequest {
        name: fields.get("name").map(str::to_string),
        url: fields.get("url").map(str::to_string),
        secret: fields.get("secret").map(str::to_string),
        events,
        condition,
        redact: fields.ticked("redact"),
    };
    checked(request, allow_private)
}

/// `POST /automations/destinations/{id}/pause`
pub async fn pause(State(state): State<AppState>, acting: Acting, Path(id): Path<i64>) -> Response {
    let outcome = paused(
        &state,
        id,
        Some("paused from the dashboard"),
        Notice::DestinationPaused,
    )
    .await;
    if outcome.is_ok() {
        let target = format!("destination {id}");
        audit::record(
            &state.store,
            &acting.actor,
            "destination.pause",
            &target,
            "running → paused",
        )
        .await;
    }
    back(PAGE, None, outcome)
}

/// `POST /automations/destinations/{id}/resume`
pub async fn resume(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    let outcome = paused(&state, id, None, Notice::DestinationResumed).await;
    if outcome.is_ok() {
        let target = format!("destination {id}");
        audit::record(
            &state.store,
            &acting.actor,
            "destination.resume",
            &target,
            "paused → running",
        )
        .await;
    }
    state.alerts.outbox.notify_one();
    back(PAGE, None, outcome)
}

async fn paused(state: &AppState, id: i64, why: Option<&str>, done: Notice) -> Outcome {
    match state.store.set_destination_paused(id, why).await {
        Ok(true) => Ok(done),
        Ok(false) => Err(FormError::NoSuchDestination),
        Err(e) => Err(storage(e)),
    }
}

/// `POST /automations/destinations/{id}/replay`: a call's events
/// (`call_id`), or every event since a time (`since`, UTC).
pub async fn replay(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let from = match (fields.get("call_id"), fields.get("since")) {
        (Some(call), _) => ReplayFrom::Call(call.to_string()),
        (None, Some(since)) => match parse_utc(since) {
            Some(at) => ReplayFrom::Since(at),
            None => return back(PAGE, None, Err(FormError::TimeInvalid)),
        },
        (None, None) => return back(PAGE, None, Err(FormError::ReplayNeedsStart)),
    };
    let what = match &from {
        ReplayFrom::Call(call) => format!("call {call}"),
        ReplayFrom::Since(at) => format!("everything since {}", crate::model::format::iso(*at)),
    };
    let outcome = match queue_replay(&state.store, id, from).await {
        Ok(Some(0)) => Ok(Notice::ReplayEmpty),
        Ok(Some(n)) => {
            state.alerts.outbox.notify_one();
            let summary = format!("replayed {what}: {n} events queued");
            let target = format!("destination {id}");
            audit::record(
                &state.store,
                &acting.actor,
                "destination.replay",
                &target,
                &summary,
            )
            .await;
            Ok(Notice::ReplayQueued)
        }
        Ok(None) => Err(FormError::NoSuchDestination),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

/// `2026-11-29T08:30` (as a datetime-local input sends it) or with seconds, in UTC.
fn parse_utc(s: &str) -> Option<i64> {
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| t.and_utc().timestamp_millis())
}

/// `POST /automations/destinations/{id}/delete`
pub async fn delete_destination(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    let name = match state.store.destination(id).await {
        Ok(d) => d.map_or_else(|| format!("destination {id}"), |d| d.name),
        Err(e) => return back(PAGE, None, Err(storage(e))),
    };
    let outcome = match state.store.delete_destination(id).await {
        Ok(true) => {
            audit::record(
                &state.store,
                &acting.actor,
                "destination.delete",
                &name,
                "deleted, with its queue",
            )
            .await;
            Ok(Notice::DestinationDeleted)
        }
        Ok(false) => Err(FormError::NoSuchDestination),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

/// `POST /automations/outbox/{id}/redeliver`
pub async fn redeliver(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    let outcome = match state.store.redeliver(id, now_ms()).await {
        Ok(Some(_)) => {
            state.alerts.outbox.notify_one();
            let target = format!("outbox message {id}");
            audit::record(
                &state.store,
                &acting.actor,
                "outbox.redeliver",
                &target,
                "queued to send again",
            )
            .await;
            Ok(Notice::Redelivered)
        }
        Ok(None) => Err(FormError::NoSuchMessage),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MatchOp;

    #[test]
    fn destinations_read_from_the_form() {
        let f = Fields::parse(
            b"name=crm&url=https%3A%2F%2Fcrm.example.com%2Fx&event=tool-call&event=end-call&cond_field=metadata.role&cond_op=equals&cond_value=user",
        );
        let d = destination_of(&f, false).unwrap();
        assert_eq!(d.events, ["tool-call", "end-call"]);
        let f = Fields::parse(
            b"name=crm&url=https%3A%2F%2Fcrm.example.com%2Fx&event=tool_error&event=hang",
        );
        assert_eq!(
            destination_of(&f, false).unwrap().events,
            ["tool_error", "hang"]
        );
        let f = Fields::parse(b"name=crm&url=https%3A%2F%2Fcrm.example.com%2Fx&event=everything");
        assert_eq!(
            destination_of(&f, false).unwrap_err(),
            FormError::UnknownKind
        );
        assert_eq!(d.condition.unwrap().op, MatchOp::Equals);
        let f = Fields::parse(b"name=x&url=http%3A%2F%2F10.0.0.1%2F");
        assert_eq!(
            destination_of(&f, false).unwrap_err(),
            FormError::AddressPrivate
        );
        let f = Fields::parse(b"name=x&url=ftp%3A%2F%2Fx.example%2F");
        assert_eq!(
            destination_of(&f, false).unwrap_err(),
            FormError::UrlInvalid
        );
        let f = Fields::parse(b"name=x&url=https%3A%2F%2Fx.example&secret=nope");
        assert_eq!(
            destination_of(&f, false).unwrap_err(),
            FormError::SecretInvalid
        );
    }

    #[test]
    fn replay_times_are_utc() {
        assert_eq!(parse_utc("1970-01-01T00:01"), Some(60_000));
        assert_eq!(parse_utc("yesterday"), None);
    }
}
