//! `/review`'s forms: add and delete review queues, "Next call", the list
//! of flag reasons, and whether viewers may review.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{back, see_other, storage, Fields};
use crate::model::query::Query;
use crate::model::review::{reason_code, Sampling};
use crate::model::{event_link, FormError, Notice};
use crate::server::app::review::Next;
use crate::server::app::{audit, review};
use crate::server::http::auth::actor::Acting;
use crate::server::http::AppState;
use crate::server::store::prelude::*;
use crate::server::store::queues::NewQueue;

const PAGE: &str = "/review";
/// The longest queue name.
const NAME_CHARS: usize = 60;

fn new_queue(fields: &Fields) -> Result<NewQueue, FormError> {
    let name = fields
        .get("name")
        .filter(|n| n.chars().count() <= NAME_CHARS)
        .ok_or(FormError::QueueNeedsName)?;
    let query = fields.get("q").unwrap_or_default();
    Query::parse(query).map_err(|_| FormError::QueueQueryInvalid)?;
    let n = fields
        .number::<i64>("n", FormError::SamplingInvalid)?
        .unwrap_or(1);
    let sampling = Sampling::parse(fields.get("sampling").unwrap_or("all"), n)
        .ok_or(FormError::SamplingInvalid)?;
    let reviews_needed = fields
        .number::<i64>("reviews_needed", FormError::ReviewsNeededInvalid)?
        .unwrap_or(1);
    if !(1..=10).contains(&reviews_needed) {
        return Err(FormError::ReviewsNeededInvalid);
    }
    let reviewers = fields
        .get("reviewers")
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    Ok(NewQueue {
        name: name.to_string(),
        query: query.to_string(),
        sampling,
        reviews_needed,
        reviewers,
    })
}

/// `POST /review/queues`: `name`, `q`, `sampling` (all | every | percent |
/// per_day) with `n`, `reviews_needed`, `reviewers` (names).
pub async fn create(State(state): State<AppState>, acting: Acting, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let outcome = async {
        let queue = new_queue(&fields)?;
        match state.store.create_queue(&queue, acting.user.id).await {
            Ok(Some(_)) => {
                let said = format!("{} of {:?}", queue.sampling.describe(), queue.query);
                audit::record(
                    &state.store,
                    &acting.actor,
                    "queue.create",
                    &queue.name,
                    &said,
                )
                .await;
                Ok(Notice::QueueAdded)
            }
            Ok(None) => Err(FormError::QueueNameTaken),
            Err(e) => Err(storage(e)),
        }
    }
    .await;
    match outcome {
        Ok(notice) => back(PAGE, None, Ok(notice)),
        Err(error) => super::back_keeping(
            PAGE,
            &fields,
            error,
            "queue",
            &["name", "q", "sampling", "n", "reviews_needed", "reviewers"],
        ),
    }
}

/// `POST /review/queues/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    let outcome = match state.store.delete_queue(id).await {
        Ok(true) => {
            let target = format!("queue {id}");
            audit::record(
                &state.store,
                &acting.actor,
                "queue.delete",
                &target,
                "deleted",
            )
            .await;
            Ok(Notice::QueueDeleted)
        }
        Ok(false) => Err(FormError::NoSuchQueue),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

/// `POST /review/queues/{id}/next`: the queue's next call for the reader.
pub async fn next(State(state): State<AppState>, acting: Acting, Path(id): Path<i64>) -> Response {
    next_call(&state, &acting, id).await
}

/// The queue's next call for the reader, opened at its first problem, with
/// the review form set to come back for the one after.
pub(super) async fn next_call(state: &AppState, acting: &Acting, id: i64) -> Response {
    let at = state.search_at();
    let reader = (acting.user.id, acting.user.username.as_str());
    match review::next_in_queue(&state.store, id, reader, at).await {
        Ok(Next::Call(call_id)) => {
            let first =
                match crate::server::http::page_data::first_problem(&state.store, &call_id).await {
                    Ok(first) => first,
                    Err(e) => return back(PAGE, None, Err(storage(e))),
                };
            let link = event_link(&call_id, first);
            let (path, fragment) = link
                .split_once('#')
                .map_or((link.as_str(), ""), |(p, f)| (p, f));
            let sep = if path.contains('?') { '&' } else { '?' };
            let fragment = if fragment.is_empty() {
                "review"
            } else {
                fragment
            };
            see_other(format!("{path}{sep}queue={id}#{fragment}"))
        }
        Ok(Next::Empty) => back(PAGE, None, Ok(Notice::QueueEmpty)),
        Ok(Next::NotYours) => back(PAGE, None, Err(FormError::QueueNotYours)),
        Ok(Next::Gone) => back(PAGE, None, Err(FormError::NoSuchQueue)),
        Err(e) => back(PAGE, None, Err(storage(e))),
    }
}

/// `POST /review/reasons`: `label`.
pub async fn add_reason(State(state): State<AppState>, acting: Acting, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let label = fields.get("label").unwrap_or_default();
    let outcome = async {
        let code = reason_code(label).ok_or(FormError::ReasonInvalid)?;
        match state.store.add_flag_reason(&code, label).await {
            Ok(true) => {
                audit::record(&state.store, &acting.actor, "reason.add", &code, label).await;
                Ok(Notice::ReasonAdded)
            }
            Ok(false) => Err(FormError::ReasonTaken),
            Err(e) => Err(storage(e)),
        }
    }
    .await;
    back(PAGE, None, outcome)
}

/// `POST /review/reasons/retire`: `code`.
pub async fn retire_reason(State(state): State<AppState>, acting: Acting, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let code = fields.get("code").unwrap_or_default().to_string();
    let outcome = match state.store.retire_flag_reason(&code).await {
        Ok(true) => {
            audit::record(
                &state.store,
                &acting.actor,
                "reason.retire",
                &code,
                "retired",
            )
            .await;
            Ok(Notice::ReasonRetired)
        }
        Ok(false) => Err(FormError::NoSuchReason),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

/// `POST /review/viewers`: `allow` (a checkbox): whether viewers may review.
pub async fn viewers(State(state): State<AppState>, acting: Acting, body: Bytes) -> Response {
    let allow = Fields::parse(&body).ticked("allow");
    let outcome = match state.store.set_viewers_review(allow).await {
        Ok(()) => {
            let said = if allow {
                "viewers may review"
            } else {
                "viewers may not review"
            };
            audit::record(
                &state.store,
                &acting.actor,
                "review.viewers",
                "settings",
                said,
            )
            .await;
            Ok(Notice::ReviewersSaved)
        }
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}
