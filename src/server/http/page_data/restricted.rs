//! What a restricted viewer reads: the same pages with callers' sensitive
//! data redacted, and no raw payloads or recordings. Applied here, at the
//! one seam every page's data passes through on its way out.

use std::sync::Arc;

use crate::model::{
    AlertsPage, CallTimeline, CallsPage, IssuesPage, SearchHit, HIT_END, HIT_START,
};
use crate::server::app::redaction::{Mode, Redaction};
use crate::server::http::auth::CurrentUser;
use crate::server::http::AppState;

use super::current_user;
use crate::server_fns::PageError;

/// The redaction `user` reads through, when their role reads redacted
/// calls: pages, live streams and exports all ask this.
pub fn lens_of(state: &AppState, user: &CurrentUser) -> Option<Arc<Redaction>> {
    user.role.sees_redacted().then(|| state.redaction.clone())
}

/// [`lens_of`] the signed-in account of the request being served.
pub fn lens(state: &AppState) -> Option<Arc<Redaction>> {
    current_user().and_then(|user| lens_of(state, &user))
}

/// A call's timeline as the signed-in account may read it: redacted for a
/// restricted viewer; for anyone else, reading what a restricted viewer
/// would get redacted is written to the audit log.
pub async fn as_seen(state: &AppState, timeline: &mut CallTimeline) {
    match lens(state) {
        Some(r) => self::timeline(&r, timeline),
        None => {
            let call = &timeline.call;
            if call.n_redacted > 0 && state.redaction.mode(&call.source) == Mode::Display {
                let said = format!(
                    "read the call unredacted ({} values a restricted viewer gets redacted)",
                    call.n_redacted
                );
                super::audit(state, "call.view-unredacted", &call.call_id, &said).await;
            }
        }
    }
}

pub fn timeline(r: &Redaction, timeline: &mut CallTimeline) {
    let source = timeline.call.source.clone();
    for item in &mut timeline.items {
        r.item_for_restricted(&source, item);
    }
    r.call_for_restricted(&mut timeline.call);
}

pub fn calls(r: &Redaction, page: &mut CallsPage) {
    for call in page.live.iter_mut().chain(page.past.iter_mut()) {
        r.call_for_restricted(call);
    }
    if let Some(search) = &mut page.search {
        for hit in &mut search.hits {
            self::hit(r, hit);
        }
    }
}

/// Alerts' reasons may quote what was said (a tool's error, a matched text).
pub fn alerts(r: &Redaction, page: &mut AlertsPage) {
    for alert in &mut page.alerts {
        r.notice(&mut alert.reason);
    }
}

pub fn issues(r: &Redaction, page: &mut IssuesPage) {
    for issue in &mut page.issues {
        r.notice(&mut issue.reason);
    }
}

fn hit(r: &Redaction, hit: &mut SearchHit) {
    r.call_for_restricted(&mut hit.call);
    let Some(snippet) = &hit.snippet else {
        return;
    };
    // The highlight's marks would split what a detector must see whole.
    let plain = snippet.replace([HIT_START, HIT_END], "");
    let (redacted, marks) = r.redactor().text(&hit.call.source, &plain);
    if marks > 0 {
        hit.snippet = Some(redacted.into_owned());
    }
}

/// Whether a restricted viewer's search asks for a sensitive value itself
/// (a phone number, an address…): such a query would tell, by its hits,
/// which calls hold it, so it is refused.
pub fn asks_for_sensitive(r: &Redaction, query: &str) -> bool {
    r.redactor().text("", query).1 > 0
}

/// Refuses a query that asks for a sensitive value itself when the
/// signed-in account reads calls redacted ([`asks_for_sensitive`]).
pub fn check_query(state: &AppState, q: Option<&str>) -> Result<(), PageError> {
    match (lens(state), q) {
        (Some(lens), Some(q)) if asks_for_sensitive(&lens, q) => Err(PageError::Refused(
            "Your account reads calls with sensitive data redacted, so it cannot search for a phone number, e-mail address, card or other such value.".into(),
        )),
        _ => Ok(()),
    }
}
