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

/// The next call queue `id` offers `reader`, after the queue has looked
/// at the calls that ended since it last looked. `None` when the queue is
/// gone or nothing waits; an error when its stored query no longer reads.
pub async fn next_in_queue(
    store: &Store,
    id: i64,
    reader: i64,
    at: SearchAt,
) -> Result<Option<String>, store::Error> {
    let Some((query, sampling)) = store.queue_rule(id).await? else {
        return Ok(None);
    };
    let query = Query::parse(&query)
        .map_err(|e| store::Error::corrupt(format!("queue {id}'s query: {e}")))?;
    store.fill_queue(id, &query, sampling, at).await?;
    store.next_in_queue(id, reader).await
}
