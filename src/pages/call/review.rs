//! The call page's review panel: what reviewers concluded (flags, scores,
//! who marked it reviewed), the reader's own review, notes on the call or
//! at a moment, and its shared links.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::{Moment, NoteCard, Reviewing};
use crate::model::review::{score_text, ShareLink, SHARE_LIFETIMES};

#[component]
pub fn ReviewPanel(
    reviewing: Reviewing,
    shares: Option<Vec<ShareLink>>,
    new_share: Option<String>,
    now: i64,
) -> impl IntoView {
    let desk = reviewing.desk.get_value();
    let marks = move || reviewing.review.with(|r| r.marks());
    let flags_text = {
        let desk = desk.clone();
        move || {
            marks()
                .flags
                .iter()
                .map(|code| desk.label(code).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let call_notes = move || {
        reviewing.review.with(|r| {
            r.notes
                .iter()
                .filter(|n| n.event_id.is_none())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section id="review" class="review-panel" aria-labelledby="review-head">
            <h2 id="review-head">"Review"</h2>
            <dl class="review-summary">
                <dt>"Flags"</dt>
                <dd data-testid="review-flags">{move || match flags_text() { t if t.is_empty() => "none".to_string(), t => t }}</dd>
                <dt>"Score"</dt>
                <dd data-testid="review-score">{move || match marks().score { Some(s) => score_text(s), None => "not scored".to_string() }}</dd>
                <dt>"Reviewed by"</dt>
                <dd data-testid="reviewed-by">{move || match marks().reviewed_by.join(", ") { t if t.is_empty() => "nobody yet".to_string(), t => t }}</dd>
            </dl>
            <For each=call_notes key=|n| (n.id, n.edited_at, n.body.clone()) let(note)>
                <NoteCard note reviewing/>
            </For>
            {desk.may_review.then(|| view! { <YourReview reviewing/> <NoteAtMoment reviewing/> })}
            {shares.map(|links| view! { <Shares reviewing links new_share now/> })}
        </section>
    }
}

/// The reader's verdict: reasons, score, reviewed.
#[component]
fn YourReview(reviewing: Reviewing) -> impl IntoView {
    let query = use_query_map();
    let queue = move || {
        query
            .read()
            .get("queue")
            .filter(|q| q.parse::<i64>().is_ok())
    };
    let desk = reviewing.desk.get_value();
    let call_id = reviewing.call_id.get_value();
    let (verdict, flagged) = reviewing.review.with_untracked(|r| {
        let flagged: Vec<String> = desk
            .reasons
            .iter()
            .filter(|reason| r.flagged_by(&desk.name, None, &reason.code))
            .map(|reason| reason.code.clone())
            .collect();
        (r.verdict_of(desk.you).cloned(), flagged)
    });
    let score = verdict.as_ref().and_then(|v| v.score);
    let reviewed = verdict.as_ref().is_some_and(|v| v.reviewed_at.is_some());
    view! {
        <form method="post" action="/review/verdict" class="your-review" aria-label="Your review">
            <input type="hidden" name="call_id" value=call_id/>
            {move || queue().map(|q| view! { <input type="hidden" name="queue" value=q/> })}
            <fieldset>
                <legend>"Flag the call"</legend>
                {desk.reasons.iter().map(|r| {
                    let checked = flagged.contains(&r.code);
                    view! { <label class="check"><input type="checkbox" name="reason" value=r.code.clone() checked=checked/> " " {r.label.clone()}</label> }
                }).collect_view()}
            </fieldset>
            <fieldset class="score">
                <legend>"Score (1 bad – 5 good)"</legend>
                <label class="check"><input type="radio" name="score" value="" checked=score.is_none()/> " none"</label>
                {(1u8..=5).map(|n| view! {
                    <label class="check"><input type="radio" name="score" value=n checked=score == Some(n)/> " " {n}</label>
                }).collect_view()}
            </fieldset>
            <label class="check"><input type="checkbox" name="reviewed" value="1" checked=reviewed/> " Reviewed"</label>
            " "
            <button type="submit" class="button primary">
                {move || if queue().is_some() { "Save and next call" } else { "Save review" }}
            </button>
        </form>
    }
}

/// A note on the call as a whole, or at a moment of it.
#[component]
fn NoteAtMoment(reviewing: Reviewing) -> impl IntoView {
    let call_id = reviewing.call_id.get_value();
    view! {
        <form method="post" action="/review/notes" class="note-form" aria-label="Note on the call">
            <input type="hidden" name="call_id" value=call_id/>
            <label>"Note on the call " <textarea name="body" required maxlength="4000" rows="2"></textarea></label>
            <label>"At (m:ss, optional) " <input type="text" name="at" size="8" placeholder="1:05" pattern="[0-9:.]*"/></label>
            " " <button type="submit" class="button">"Pin note"</button>
        </form>
    }
}

/// The call's shared links: the one just made (once), the list, and a
/// form for another.
#[component]
fn Shares(
    reviewing: Reviewing,
    links: Vec<ShareLink>,
    new_share: Option<String>,
    now: i64,
) -> impl IntoView {
    let call_id = reviewing.call_id.get_value();
    view! {
        <h3>"Shared links"</h3>
        {new_share.map(|link| view! {
            <div class="notice notice-ok new-link">
                <p>"Anyone with this link sees this call, read-only, until it expires or you revoke it. Only this page shows it, once."</p>
                <input type="text" readonly value=link class="wide" aria-label="The new shared link" data-testid="new-share"/>
            </div>
        })}
        {(!links.is_empty()).then(|| view! {
            <ul class="share-list">
                {links.into_iter().map(|l| {
                    let works = l.works(now);
                    let action = format!("/review/shares/{}/revoke", l.id);
                    view! {
                        <li data-testid="share">
                            {format!("By {}, {}{} · {} view{} · ", l.made_by, if l.redacted { "redacted" } else { "unredacted" },
                                if works { "" } else if l.revoked_at.is_some() { " · revoked" } else { " · expired" },
                                l.views, if l.views == 1 { "" } else { "s" })}
                            {if works { "works until " } else { "stopped " }}
                            <Moment at=l.revoked_at.unwrap_or(l.expires_at)/>
                            {works.then(|| view! {
                                <form method="post" action=action class="inline">
                                    <input type="hidden" name="call_id" value=l.call_id.clone()/>
                                    " " <button type="submit" class="button danger">"Revoke"</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        <form method="post" action="/review/shares" class="inline" aria-label="Share this call">
            <input type="hidden" name="call_id" value=call_id/>
            <label>"Works for "
                <select name="expires">
                    {SHARE_LIFETIMES.iter().map(|(v, label, _)| view! { <option value=*v selected=*v == "7d">{*label}</option> }).collect_view()}
                </select>
            </label>
            " " <label class="check"><input type="checkbox" name="redacted" value="1" checked=true/> " Redact callers' data"</label>
            " " <button type="submit" class="button">"Make a shared link"</button>
        </form>
    }
}
