//! Reviewing calls, beyond storing it: a review as a reader may see it,
//! shared links' secrets, and the next call a queue offers.

use crate::model::query::Query;
use crate::model::review::{CallReview, ShareLink};
use crate::server::app::accounts::{link_hash, new_link_secret};
use crate::server::app::redaction::Redaction;
use crate::server::store::prelude::*;
use crate::server::store::shares::SharedTo;
use crate::server::store::{self, SearchAt, Store};

/// The call's review as a reader sees it: redacted through `restricted`
/// when set.
pub async fn seen(
    store: &Store,
    call_id: &str,
    restricted: Option<&Redaction>,
) -> Result<CallReview, store::Error> {
    let mut review = store.call_review(call_id).await?;
    if let Some(r) = restricted {
        if !review.notes.is_empty() {
            let source = store.call(call_id).await?.map(|c| c.source);
            r.review_for_restricted(source.as_deref().unwrap_or_default(), &mut review);
        }
    }
    Ok(review)
}

/// A review as a shared link shows it: what reviewers concluded, not who
/// they are (their accounts' names may be e-mail addresses). Scores and
/// "reviewed" marks stay with the team.
pub fn anonymous(mut review: CallReview) -> CallReview {
    for note in &mut review.notes {
        note.author = "a reviewer".into();
        note.author_id = 0;
    }
    for flag in &mut review.flags {
        flag.author = "a reviewer".into();
    }
    review.verdicts.clear();
    review
}

/// The path a shared link's secret opens.
pub fn share_path(secret: &str) -> String {
    format!("/share/{secret}")
}

/// Makes a shared link to `call_id` that works for `lifetime_ms`; returns
/// its secret (shown once; only its hash is kept).
pub async fn share(
    store: &Store,
    call_id: &str,
    redacted: bool,
    by: i64,
    now: i64,
    lifetime_ms: i64,
) -> Result<String, store::Error> {
    let (secret, hash) = new_link_secret();
    store
        .create_share(call_id, &hash, redacted, by, now, now + lifetime_ms)
        .await?;
    Ok(secret)
}

/// Why a shared link does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareRefused {
    Unknown,
    Revoked,
    Expired,
}

/// The link a secret stands for, if it works at `now`.
pub async fn open_share(
    store: &Store,
    secret: &str,
    now: i64,
) -> Result<Result<SharedTo, ShareRefused>, store::Error> {
    Ok(match store.shared_to(&link_hash(secret)).await? {
        None => Err(ShareRefused::Unknown),
        Some(link) if link.revoked_at.is_some() => Err(ShareRefused::Revoked),
        Some(link) if now >= link.expires_at => Err(ShareRefused::Expired),
        Some(link) => Ok(link),
    })
}

/// Working links first, each as the page lists it.
pub fn order_links(mut links: Vec<ShareLink>, now: i64) -> Vec<ShareLink> {
    links.sort_by_key(|l| (!l.works(now), -l.id));
    links
}

/// What "Next call" finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Call(String),
    /// Nothing waits for this reviewer.
    Empty,
    /// The queue is for other reviewers.
    NotYours,
    Gone,
}

/// The next call queue `id` offers the reviewer `(id, name)`, after the
/// queue has looked at the calls that ended since it last looked; an error
/// when its stored query no longer reads.
pub async fn next_in_queue(
    store: &Store,
    id: i64,
    (reader, name): (i64, &str),
    at: SearchAt,
) -> Result<Next, store::Error> {
    let Some(rule) = store.queue_rule(id).await? else {
        return Ok(Next::Gone);
    };
    if !crate::model::review::is_for(&rule.reviewers, name) {
        return Ok(Next::NotYours);
    }
    let query = Query::parse(&rule.query)
        .map_err(|e| store::Error::corrupt(format!("queue {id}'s query: {e}")))?;
    store.fill_queue(id, &query, rule.sampling, at).await?;
    Ok(match store.next_in_queue(id, reader).await? {
        Some(call) => Next::Call(call),
        None => Next::Empty,
    })
}
