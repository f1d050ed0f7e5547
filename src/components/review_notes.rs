//! Reviewers' notes and flags where they belong: under the timeline item
//! they are about, with a form to pin another or flag the item. The call
//! page provides [`Reviewing`]; its review updates live.

use leptos::prelude::*;

use super::Moment;
use crate::model::format;
use crate::model::review::{CallReview, Note, ReviewDesk};

/// A call page's review, for its parts: the review as it is now (live),
/// and what the reader may do.
#[derive(Clone, Copy)]
pub struct Reviewing {
    pub review: RwSignal<CallReview>,
    pub desk: StoredValue<ReviewDesk>,
    pub call_id: StoredValue<String>,
}

/// The notes and flags on item `event_id`, and (for a reviewer) its forms.
#[component]
pub fn ItemReview(event_id: i64, quote: String) -> impl IntoView {
    let Some(reviewing) = use_context::<Reviewing>() else {
        return ().into_any();
    };
    let notes = move || {
        reviewing
            .review
            .with(|r| r.notes_on(event_id).cloned().collect::<Vec<_>>())
    };
    // Each reason once, with whether the reader flagged it (and may clear it).
    let flags = move || {
        reviewing.review.with(|r| {
            reviewing.desk.with_value(|d| {
                r.reasons_on(Some(event_id))
                    .into_iter()
                    .map(|code| {
                        let yours = d.may_review && r.flagged_by(&d.name, Some(event_id), code);
                        (code.to_string(), d.label(code).to_string(), yours)
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let may_review = reviewing.desk.with_value(|d| d.may_review);
    let call_id = reviewing.call_id.get_value();
    view! {
        {move || {
            let flags = flags();
            let call_id = call_id.clone();
            (!flags.is_empty()).then(|| view! {
                <p class="item-flags" data-testid="item-flags">
                    {flags.into_iter().map(|(code, label, yours)| view! {
                        <span class="tag tag-flag">"⚑ " {label.clone()}
                            {yours.then(|| view! {
                                <form method="post" action="/review/flag" class="inline unflag">
                                    <input type="hidden" name="call_id" value=call_id.clone()/>
                                    <input type="hidden" name="event_id" value=event_id/>
                                    <input type="hidden" name="reason" value=code/>
                                    <input type="hidden" name="on" value="0"/>
                                    <button type="submit" class="unflag-button" aria-label=format!("Clear your flag {label}")>"×"</button>
                                </form>
                            })}
                        </span>
                    }).collect_view()}
                </p>
            })
        }}
        <For each=notes key=|n| (n.id, n.edited_at, n.body.clone()) let(note)>
            <NoteCard note reviewing/>
        </For>
        {may_review.then(|| view! { <ItemForms event_id quote reviewing/> })}
    }
    .into_any()
}

/// One note: who wrote it and when, what it quotes, what it says; its
/// author (or an admin) may change or delete it.
#[component]
pub fn NoteCard(note: Note, reviewing: Reviewing) -> impl IntoView {
    let may_change = reviewing.desk.with_value(|d| d.may_change(&note));
    let call_id = reviewing.call_id.get_value();
    let event_id = note.event_id.map(|id| id.to_string()).unwrap_or_default();
    let edit_action = format!("/review/notes/{}", note.id);
    let delete_action = format!("/review/notes/{}/delete", note.id);
    view! {
        <aside class="note" data-testid="note" data-note-id=note.id id=format!("note-{}", note.id)>
            <p class="note-head">
                <span class="note-author">{note.author.clone()}</span>
                {note.at_ms.map(|ms| view! { <span class="muted">" at " {format::offset(ms)}</span> })}
                " · " <Moment at=note.created_at/>
                {note.edited_at.map(|_| view! { <span class="muted">" (edited)"</span> })}
            </p>
            {note.quote.clone().map(|q| view! { <blockquote class="note-quote">{q}</blockquote> })}
            <p class="note-body">{note.body.clone()}</p>
            {may_change.then(|| view! {
                <details class="note-edit">
                    <summary>"Edit"</summary>
                    <form method="post" action=edit_action>
                        <input type="hidden" name="call_id" value=call_id.clone()/>
                        <input type="hidden" name="event_id" value=event_id.clone()/>
                        <textarea name="body" required maxlength="4000" rows="3" aria-label="Note">{note.body.clone()}</textarea>
                        <button type="submit" class="button">"Save note"</button>
                    </form>
                    <form method="post" action=delete_action>
                        <input type="hidden" name="call_id" value=call_id/>
                        <input type="hidden" name="event_id" value=event_id/>
                        <button type="submit" class="button danger">"Delete note"</button>
                    </form>
                </details>
            })}
        </aside>
    }
}

/// Pin a note to the item (quoting it), or flag it for a reason.
#[component]
fn ItemForms(event_id: i64, quote: String, reviewing: Reviewing) -> impl IntoView {
    let call_id = reviewing.call_id.get_value();
    let reasons = reviewing.desk.with_value(|d| d.reasons.clone());
    view! {
        <details class="review-add">
            <summary>"Note or flag"</summary>
            <form method="post" action="/review/notes" class="note-form">
                <input type="hidden" name="call_id" value=call_id.clone()/>
                <input type="hidden" name="event_id" value=event_id/>
                <label>"Quote " <input type="text" name="quote" value=quote maxlength="500" class="wide"/></label>
                <label>"Note " <textarea name="body" required maxlength="4000" rows="2"></textarea></label>
                <button type="submit" class="button primary">"Pin note"</button>
            </form>
            <form method="post" action="/review/flag" class="inline flag-form">
                <input type="hidden" name="call_id" value=call_id/>
                <input type="hidden" name="event_id" value=event_id/>
                <input type="hidden" name="on" value="1"/>
                <label>"Flag as "
                    <select name="reason">
                        {reasons.into_iter().map(|r| view! { <option value=r.code>{r.label}</option> }).collect_view()}
                    </select>
                </label>
                " " <button type="submit" class="button">"Flag item"</button>
            </form>
        </details>
    }
}
