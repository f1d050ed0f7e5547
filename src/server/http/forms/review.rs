//! The call page's review forms: pin, change and delete a note, flag an
//! item, and save one's verdict on the call (reasons, score, reviewed).
//! Each answers with a redirect back to the call, at the item it was
//! about, and tells the call's open pages that its review changed.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{see_other, storage, Fields, Outcome};
use crate::model::review::{note_body, parse_moment, quote};
use crate::model::{event_anchor, format, Action, FormError, Notice};
use crate::server::http::auth::actor::Acting;
use crate::server::http::AppState;
use crate::server::store::prelude::*;
use crate::server::store::review::{NewNote, NewVerdict, NoteChange};

/// 303 to the call's page (at `event_id`'s item, when given) with the
/// outcome's code.
pub(super) fn to_call(call_id: &str, event_id: Option<i64>, outcome: Outcome) -> Response {
    let said = match outcome {
        Ok(notice) => format!("notice={}", notice.code()),
        Err(error) => format!("error={}", error.code()),
    };
    let call = format::url_segment(call_id);
    see_other(match event_id {
        Some(id) => format!("/calls/{call}?at={id}&{said}#{}", event_anchor(id)),
        None => format!("/calls/{call}?{said}#review"),
    })
}

/// The call a form is about, which must exist.
async fn call_of(state: &AppState, fields: &Fields) -> Result<String, FormError> {
    let call_id = fields.get("call_id").ok_or(FormError::NoSuchCall)?;
    match state.store.call(call_id).await.map_err(storage)? {
        Some(call) => Ok(call.call_id),
        None => Err(FormError::NoSuchCall),
    }
}

/// The item a form is about (`event_id`), which must be the call's.
async fn item_of(
    state: &AppState,
    call_id: &str,
    fields: &Fields,
) -> Result<Option<i64>, FormError> {
    let Some(id) = fields.number::<i64>("event_id", FormError::NoSuchItem)? else {
        return Ok(None);
    };
    match state.store.event(id).await.map_err(storage)? {
        Some(item) if item.call_id == call_id => Ok(Some(id)),
        _ => Err(FormError::NoSuchItem),
    }
}

/// `POST /review/notes`: `call_id`, `body`, and what it is about:
/// `event_id` (an item), `at` (`m:ss` from the start), `quote`.
pub async fn add_note(State(state): State<AppState>, acting: Acting, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let call_id = match call_of(&state, &fields).await {
        Ok(call_id) => call_id,
        Err(error) => return super::back("/", None, Err(error)),
    };
    let event_id = fields.get("event_id").and_then(|v| v.parse().ok());
    let outcome = async {
        let event_id = item_of(&state, &call_id, &fields).await?;
        let at_ms = match fields.get("at") {
            Some(at) => Some(parse_moment(at).ok_or(FormError::MomentInvalid)?),
            None => None,
        };
        let note = NewNote {
            event_id,
            at_ms,
            quote: fields.get("quote").and_then(quote),
            body: note_body(fields.get("body").unwrap_or_default())
                .map_err(|_| FormError::NoteInvalid)?,
        };
        match state.store.add_note(&call_id, acting.user.id, &note).await {
            Ok(Some(_)) => Ok(Notice::NoteAdded),
            Ok(None) => Err(FormError::NotesFull),
            Err(e) => Err(storage(e)),
        }
    }
    .await;
    changed(&state, &call_id, &outcome).await;
    to_call(&call_id, event_id, outcome)
}

/// `POST /review/notes/{id}`: `call_id`, `body`.
pub async fn edit_note(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let call_id = fields.get("call_id").unwrap_or_default().to_string();
    let event_id = fields.get("event_id").and_then(|v| v.parse().ok());
    let outcome = async {
        let text = note_body(fields.get("body").unwrap_or_default())
            .map_err(|_| FormError::NoteInvalid)?;
        let admin = acting.user.role.may(Action::Administer);
        let change = state
            .store
            .edit_note(&call_id, id, acting.user.id, admin, &text)
            .await;
        note_outcome(change.map_err(storage)?, Notice::NoteSaved)
    }
    .await;
    changed(&state, &call_id, &outcome).await;
    to_call(&call_id, event_id, outcome)
}

/// `POST /review/notes/{id}/delete`: `call_id`.
pub async fn delete_note(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let call_id = fields.get("call_id").unwrap_or_default().to_string();
    let event_id = fields.get("event_id").and_then(|v| v.parse().ok());
    let admin = acting.user.role.may(Action::Administer);
    let outcome = match state
        .store
        .delete_note(&call_id, id, acting.user.id, admin)
        .await
    {
        Ok(change) => note_outcome(change, Notice::NoteDeleted),
        Err(e) => Err(storage(e)),
    };
    changed(&state, &call_id, &outcome).await;
    to_call(&call_id, event_id, outcome)
}

fn note_outcome(change: NoteChange, done: Notice) -> Outcome {
    match change {
        NoteChange::Done => Ok(done),
        NoteChange::Missing => Err(FormError::NoSuchNote),
        NoteChange::NotYours => Err(FormError::NotYourNote),
    }
}

/// The reason codes posted as `reason`, each on the list.
async fn reasons_of(state: &AppState, fields: &Fields) -> Result<Vec<String>, FormError> {
    let listed = state.store.flag_reasons().await.map_err(storage)?;
    let mut reasons = Vec::new();
    for code in fields.all("reason") {
        if !listed.iter().any(|r| r.code == code) {
            return Err(FormError::NoSuchReason);
        }
        if !reasons.iter().any(|r| r == code) {
            reasons.push(code.to_string());
        }
    }
    Ok(reasons)
}

/// `POST /review/flag`: `call_id`, `event_id`, `reason`, `on` (`1` sets
/// the flag, `0` clears it).
pub async fn flag(State(state): State<AppState>, acting: Acting, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let call_id = match call_of(&state, &fields).await {
        Ok(call_id) => call_id,
        Err(error) => return super::back("/", None, Err(error)),
    };
    let event_id = fields.get("event_id").and_then(|v| v.parse().ok());
    let outcome = async {
        let event_id = item_of(&state, &call_id, &fields).await?;
        let on = fields.get("on") != Some("0");
        // A flag for a reason since taken off the list can still be cleared.
        let reasons = match on {
            true => reasons_of(&state, &fields).await?,
            false => fields
                .all("reason")
                .into_iter()
                .map(str::to_string)
                .collect(),
        };
        for reason in &reasons {
            state
                .store
                .set_flag(&call_id, event_id, reason, acting.user.id, on)
                .await
                .map_err(storage)?;
        }
        Ok(Notice::ReviewSaved)
    }
    .await;
    changed(&state, &call_id, &outcome).await;
    to_call(&call_id, event_id, outcome)
}

/// `POST /review/verdict`: `call_id`, `reason` (repeated), `score` (1–5
/// or blank), `reviewed` (a checkbox).
pub async fn verdict(State(state): State<AppState>, acting: Acting, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let call_id = match call_of(&state, &fields).await {
        Ok(call_id) => call_id,
        Err(error) => return super::back("/", None, Err(error)),
    };
    let outcome = async {
        let score = fields
            .number::<u8>("score", FormError::ScoreInvalid)?
            .map(|s| {
                (1..=5)
                    .contains(&s)
                    .then_some(s)
                    .ok_or(FormError::ScoreInvalid)
            })
            .transpose()?;
        let verdict = NewVerdict {
            reasons: reasons_of(&state, &fields).await?,
            score,
            reviewed: fields.ticked("reviewed"),
        };
        state
            .store
            .save_verdict(&call_id, acting.user.id, &verdict)
            .await
            .map_err(storage)?;
        Ok(Notice::ReviewSaved)
    }
    .await;
    changed(&state, &call_id, &outcome).await;
    // From a queue: on to its next call.
    if let (Ok(_), Some(queue)) = (&outcome, fields.get("queue")) {
        if let Ok(queue) = queue.parse::<i64>() {
            return super::queues::next_call(&state, &acting, queue).await;
        }
    }
    to_call(&call_id, None, outcome)
}

/// `GET /compare/ticked?c=…&c=…`: the two rows ticked in a calls list,
/// side by side (`/compare?a=…&b=…`, the one that started first as A);
/// back to the list unless two were.
pub async fn compare_ticked(State(state): State<AppState>, uri: axum::http::Uri) -> Response {
    let fields = Fields::parse(uri.query().unwrap_or_default().as_bytes());
    let [a, b] = fields.all("c")[..] else {
        return super::back("/", None, Err(FormError::TickTwo));
    };
    let started = |id: &str| {
        let store = state.store.clone();
        let id = id.to_string();
        async move { store.call(&id).await.ok().flatten().map(|c| c.started_at) }
    };
    let (a, b) = match (started(a).await, started(b).await) {
        (Some(sa), Some(sb)) if (sb, b) < (sa, a) => (b, a),
        _ => (a, b),
    };
    see_other(format!(
        "/compare?a={}&b={}",
        format::url_segment(a),
        format::url_segment(b)
    ))
}

/// Tells the call's open pages that its review changed: through the
/// database to every instance on PostgreSQL, else (or when that fails)
/// this instance's own.
async fn changed(state: &AppState, call_id: &str, outcome: &Outcome) {
    if outcome.is_err() {
        return;
    }
    match state.store.announce_review(call_id).await {
        Ok(true) => {}
        Ok(false) => state.hub.review_changed(call_id),
        Err(e) => {
            tracing::warn!(error = %e, "could not tell the other instances of a review change");
            state.hub.review_changed(call_id);
        }
    }
}
