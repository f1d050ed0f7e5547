//! What reviewing adds to pages: the call page's review, what its reader
//! may do and its shared links; the review queues page; a call opened
//! through a shared link.

use crate::model::overview::Steps;
use crate::model::review::{QueuesPage, ReviewDesk, SharedCall};
use crate::model::{Action, CallTimeline};
use crate::server::app::audit::{self, Actor};
use crate::server::app::redaction::without_raw;
use crate::server::app::review::{self, ShareRefused};
use crate::server::http::auth::{permits, CurrentUser};
use crate::server::http::AppState;
use crate::server::store::prelude::*;
use crate::server::store::{self, now_ms, Store};

use super::call::{call_timeline, first_window};
use super::restricted;

/// Where the session keeps a shared link just made (the call's id and the
/// link's path), until the call's page shows it.
pub const NEW_SHARE: &str = "new_share";

/// The first error or hang of the call: where a queue opens it.
pub async fn first_problem(store: &Store, call_id: &str) -> Result<Option<i64>, store::Error> {
    let items = store.timeline_to_measure(call_id).await?;
    Ok(Steps::of(&items).first_problem())
}

/// What `user` may do about reviews.
pub async fn review_desk(state: &AppState, user: &CurrentUser) -> Result<ReviewDesk, store::Error> {
    Ok(ReviewDesk {
        reasons: state.store.flag_reasons().await?,
        you: user.id,
        name: user.username.clone(),
        may_review: permits::allowed(&state.store, user.role, Action::Review).await,
        admin: user.role.may(Action::Administer),
    })
}

/// Adds the review, the reader's desk and (for those who may share) the
/// shared links to a call page's timeline; `new_share` is the link just
/// made, when it is this call's.
pub async fn add_review(
    state: &AppState,
    user: &CurrentUser,
    timeline: &mut CallTimeline,
    new_share: Option<(String, String)>,
) -> Result<(), store::Error> {
    let call_id = timeline.call.call_id.clone();
    let lens = restricted::lens_of(state, user);
    timeline.review = review::seen(&state.store, &call_id, lens.as_deref()).await?;
    timeline.desk = review_desk(state, user).await?;
    if user.role.may(Action::Edit) {
        let links = state.store.shares_of(&call_id).await?;
        timeline.shares = Some(review::order_links(links, now_ms()));
        if let Some((_, path)) = new_share.filter(|(call, _)| *call == call_id) {
            timeline.new_share = Some(format!("{}{path}", super::base_url(state).await));
        }
    }
    Ok(())
}

/// The review queues page for `user`.
pub async fn queues_page(state: &AppState, user: &CurrentUser) -> Result<QueuesPage, store::Error> {
    Ok(QueuesPage {
        queues: state.store.queues(user.id).await?,
        may_edit: user.role.may(Action::Edit),
        may_review: permits::allowed(&state.store, user.role, Action::Review).await,
        reasons: state.store.flag_reasons().await?,
        admin: user.role.may(Action::Administer),
        viewers_review: state.store.viewers_review().await?,
        you: user.username.clone(),
    })
}

/// The call a shared link opens, read-only (redacted when the link says
/// so), its view counted and written to the audit log; why not, when the
/// link does not work.
pub async fn shared_call(
    state: &AppState,
    secret: &str,
    address: Option<std::net::IpAddr>,
) -> Result<Result<SharedCall, ShareRefused>, store::Error> {
    let now = now_ms();
    let link = match review::open_share(&state.store, secret, now).await? {
        Ok(link) => link,
        Err(refused) => return Ok(Err(refused)),
    };
    let before = first_window(&state.store, &link.call_id).await?;
    let Some(mut timeline) =
        call_timeline(&state.store, &link.call_id, before, state.stale_after_ms()).await?
    else {
        return Ok(Err(ShareRefused::Unknown));
    };
    timeline.raw = false;
    let lens = link.redacted.then(|| state.redaction.clone());
    match &lens {
        Some(r) => restricted::timeline(r, &mut timeline),
        None => {
            // Nobody's raw payloads or recordings through a link.
            timeline.items.iter_mut().for_each(without_raw);
            timeline.call.recording_url = None;
        }
    }
    let review = review::seen(&state.store, &link.call_id, lens.as_deref()).await?;
    timeline.review = review::anonymous(review);
    state.store.note_share_view(link.id, now).await?;
    let actor = Actor::new(format!("shared link {}", link.id), address);
    let said = if link.redacted {
        "opened the call (redacted)"
    } else {
        "opened the call"
    };
    audit::record(&state.store, &actor, "share.view", &link.call_id, said).await;
    Ok(Ok(SharedCall {
        timeline,
        expires_at: link.expires_at,
        redacted: link.redacted,
    }))
}
