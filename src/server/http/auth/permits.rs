//! What each dashboard route asks of the account behind a request: one table,
//! read by the guard in front of every page, server function, stream, form
//! and export. A path the table does not name is the administrators' alone,
//! so a route added without a line here is closed to everyone else (and the
//! route × role test names it).

use axum::http::Method;

use crate::model::{AccountRole, Action};
use crate::server::store::prelude::*;
use crate::server::store::Store;

/// Routes anyone may use, signed in or not: signing in and out, first-run
/// setup, the theme cookie, and one-time links and single sign-on, which
/// sign a person in. Only their exact spelling is open (a `{}` is one
/// segment of letters, digits, `-` and `_`): openness is never guessed.
const OPEN: [&str; 11] = [
    "/login",
    "/setup",
    "/logout",
    "/theme",
    "/invite/{}",
    "/api/load_invite",
    "/api/sign_in_options",
    "/sso/start",
    "/sso/callback",
    // A shared link shows one call, read-only, to whoever holds it.
    "/share/{}",
    "/api/load_shared_call",
];

/// `(method, path pattern, action)`: a pattern's `{}` is one segment, a
/// trailing `*` any rest. GET covers HEAD.
pub const PERMITS: &[(&str, &str, Action)] = &[
    // Pages.
    ("GET", "/", Action::ReadCalls),
    ("GET", "/calls/*", Action::ReadCalls),
    ("GET", "/insights", Action::ReadCalls),
    ("GET", "/alerts", Action::ReadCalls),
    ("GET", "/alerts/rules", Action::ReadCalls),
    ("GET", "/automations", Action::ReadCalls),
    ("GET", "/deliveries", Action::ReadRaw),
    ("GET", "/settings", Action::OwnAccount),
    ("GET", "/settings/tokens", Action::OwnAccount),
    ("GET", "/settings/users", Action::Administer),
    ("GET", "/settings/audit", Action::Administer),
    ("GET", "/review", Action::ReadCalls),
    ("GET", "/compare", Action::ReadCalls),
    ("GET", "/compare/ticked", Action::ReadCalls),
    // Bodies, recordings, exports and streams.
    ("GET", "/deliveries/{}/body", Action::ReadRaw),
    ("GET", "/events/{}/body", Action::ReadRaw),
    ("GET", "/recordings/{}/{}", Action::ReadRaw),
    ("GET", "/export", Action::ReadCalls),
    ("GET", "/export/fixture", Action::ReadRaw),
    ("GET", "/settings/audit/export", Action::Administer),
    ("GET", "/api/live/calls", Action::ReadCalls),
    ("GET", "/api/live/calls/{}", Action::ReadCalls),
    ("GET", "/api/live/alerts", Action::ReadCalls),
    ("GET", "/api/live/deliveries", Action::ReadRaw),
    // The API (signed with tokens, whose scope must allow the action too).
    ("GET", "/api/v1/calls", Action::ReadCalls),
    // A call's id may hold a `/` (sent as %2F): its page and its stream.
    ("GET", "/api/v1/calls/*", Action::ReadCalls),
    ("GET", "/api/v1/stream", Action::ReadCalls),
    ("GET", "/api/v1/events/{}", Action::ReadCalls),
    ("GET", "/api/v1/events/{}/body", Action::ReadRaw),
    ("GET", "/api/v1/deliveries", Action::ReadRaw),
    ("GET", "/api/v1/alerts", Action::ReadCalls),
    ("POST", "/api/v1/alerts/{}/acknowledge", Action::Edit),
    ("POST", "/api/v1/alerts/{}/resolve", Action::Edit),
    ("GET", "/api/v1/rules", Action::ReadCalls),
    ("POST", "/api/v1/rules", Action::Edit),
    ("PUT", "/api/v1/rules/{}", Action::Edit),
    ("DELETE", "/api/v1/rules/{}", Action::Edit),
    ("GET", "/api/v1/destinations", Action::ReadCalls),
    ("POST", "/api/v1/destinations", Action::Edit),
    ("PUT", "/api/v1/destinations/{}", Action::Edit),
    ("POST", "/api/v1/destinations/{}/pause", Action::Edit),
    ("POST", "/api/v1/destinations/{}/resume", Action::Edit),
    ("DELETE", "/api/v1/destinations/{}", Action::Edit),
    ("GET", "/api/v1/insights", Action::ReadCalls),
    // The MCP server: each tool reads as the API does (raw payloads only
    // for accounts that may read them).
    ("POST", "/mcp", Action::ReadCalls),
    // Server functions.
    ("POST", "/api/load_viewer", Action::OwnAccount),
    ("POST", "/api/setup_needs_code", Action::OwnAccount),
    ("POST", "/api/load_settings", Action::OwnAccount),
    ("POST", "/api/load_calls", Action::ReadCalls),
    ("POST", "/api/load_call", Action::ReadCalls),
    ("POST", "/api/load_alerts", Action::ReadCalls),
    ("POST", "/api/load_issues", Action::ReadCalls),
    ("POST", "/api/load_rules", Action::ReadCalls),
    ("POST", "/api/load_automations", Action::ReadCalls),
    ("POST", "/api/load_insights", Action::ReadCalls),
    ("POST", "/api/load_export_progress", Action::ReadCalls),
    ("POST", "/api/load_deliveries", Action::ReadRaw),
    ("POST", "/api/load_event_body", Action::ReadRaw),
    ("POST", "/api/send_test_event", Action::Edit),
    ("POST", "/api/rotate_webhook_token", Action::Administer),
    ("POST", "/api/load_tokens", Action::OwnAccount),
    ("POST", "/api/load_users", Action::Administer),
    ("POST", "/api/load_audit", Action::Administer),
    ("POST", "/api/load_queues", Action::ReadCalls),
    ("POST", "/api/load_comparison", Action::ReadCalls),
    ("POST", "/api/load_search_comparison", Action::ReadCalls),
    // Forms.
    ("POST", "/settings/password", Action::OwnAccount),
    ("POST", "/settings/tokens", Action::OwnAccount),
    ("POST", "/settings/tokens/{}/revoke", Action::OwnAccount),
    ("POST", "/alerts/{}/act", Action::Edit),
    ("POST", "/alerts/issues/act", Action::Edit),
    ("POST", "/alerts/rules", Action::Edit),
    ("POST", "/alerts/rules/{}", Action::Edit),
    ("POST", "/alerts/rules/{}/delete", Action::Edit),
    ("POST", "/automations/channels", Action::Edit),
    ("POST", "/automations/channels/{}/test", Action::Edit),
    ("POST", "/automations/channels/{}/delete", Action::Edit),
    ("POST", "/automations/destinations", Action::Edit),
    ("POST", "/automations/destinations/{}/test", Action::Edit),
    ("POST", "/automations/destinations/{}/pause", Action::Edit),
    ("POST", "/automations/destinations/{}/resume", Action::Edit),
    ("POST", "/automations/destinations/{}/replay", Action::Edit),
    ("POST", "/automations/destinations/{}/delete", Action::Edit),
    ("POST", "/automations/outbox/{}/redeliver", Action::Edit),
    ("POST", "/views", Action::Edit),
    ("POST", "/views/{}/delete", Action::Edit),
    ("POST", "/settings/users/invite", Action::Administer),
    (
        "POST",
        "/settings/users/links/{}/revoke",
        Action::Administer,
    ),
    ("POST", "/settings/users/{}/role", Action::Administer),
    ("POST", "/settings/users/{}/disable", Action::Administer),
    ("POST", "/settings/users/{}/enable", Action::Administer),
    ("POST", "/settings/users/{}/reset", Action::Administer),
    ("POST", "/settings/delete-call", Action::Administer),
    ("POST", "/settings/retention", Action::Administer),
    // Reviewing: notes, flags and verdicts; shared links; queues; reasons.
    ("POST", "/review/notes", Action::Review),
    ("POST", "/review/notes/{}", Action::Review),
    ("POST", "/review/notes/{}/delete", Action::Review),
    ("POST", "/review/flag", Action::Review),
    ("POST", "/review/verdict", Action::Review),
    ("POST", "/review/queues/{}/next", Action::Review),
    ("POST", "/review/queues", Action::Edit),
    ("POST", "/review/queues/{}/delete", Action::Edit),
    ("POST", "/review/shares", Action::Edit),
    ("POST", "/review/shares/{}/revoke", Action::Edit),
    ("POST", "/review/reasons", Action::Administer),
    ("POST", "/review/reasons/retire", Action::Administer),
    ("POST", "/review/viewers", Action::Administer),
];

/// Whether `role` may do `action` now: the table, and for reviewing, the
/// admins' word on viewers (an unreadable setting says no, logged).
pub async fn allowed(store: &Store, role: AccountRole, action: Action) -> bool {
    if role.may(action) {
        return true;
    }
    if action != Action::Review || role != AccountRole::Viewer {
        return false;
    }
    match store.viewers_review().await {
        Ok(viewers) => role.may_review(viewers),
        Err(e) => {
            tracing::error!(error = %e, "could not read whether viewers may review");
            false
        }
    }
}

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing: a sign-in route.
    Open,
    /// A signed-in account whose role may do this.
    Permit(Action),
}

/// What `method` on `path` needs. The path is read as a browser or a
/// router might read it (percent-decoded, dot segments resolved, repeated
/// and trailing slashes dropped, any case), and what no line names needs
/// [`Action::Administer`].
pub fn needed(method: &Method, path: &str) -> Need {
    if OPEN.iter().any(|pattern| exactly(pattern, path)) {
        return Need::Open;
    }
    let segments = normalised(path);
    let matches = |pattern: &str| fits(pattern, &segments);
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    PERMITS
        .iter()
        .find(|(m, pattern, _)| *m == method && matches(pattern))
        .map_or(Need::Permit(Action::Administer), |(_, _, action)| {
            Need::Permit(*action)
        })
}

/// Whether `path` is spelled exactly as `pattern`, a `{}` standing for one
/// plain segment.
fn exactly(pattern: &str, path: &str) -> bool {
    let mut wanted = pattern.split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some("{}"), Some(s)) if is_plain(s) => {}
            (Some(w), Some(s)) if w == s => {}
            _ => return false,
        }
    }
}

fn is_plain(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The path's segments, decoded and resolved, lower-cased.
fn normalised(path: &str) -> Vec<String> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut segments: Vec<String> = Vec::new();
    for segment in decoded.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s.to_lowercase()),
        }
    }
    segments
}

fn fits(pattern: &str, segments: &[String]) -> bool {
    let wanted: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    if wanted.last() == Some(&"*") {
        let fixed = &wanted[..wanted.len() - 1];
        return segments.len() > fixed.len() && fits_each(fixed, segments);
    }
    wanted.len() == segments.len() && fits_each(&wanted, segments)
}

fn fits_each(wanted: &[&str], segments: &[String]) -> bool {
    wanted
        .iter()
        .zip(segments)
        .all(|(w, s)| *w == "{}" || *w == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(method: Method, path: &str) -> Need {
        needed(&method, path)
    }

    #[test]
    fn paths_are_read_as_routers_read_them() {
        use Action::*;
        let get = |p| need(Method::GET, p);
        assert_eq!(get("/"), Need::Permit(ReadCalls));
        assert_eq!(get("/calls/abc"), Need::Permit(ReadCalls));
        assert_eq!(get("/calls/a/b"), Need::Permit(ReadCalls));
        assert_eq!(get("/calls"), Need::Permit(Administer));
        assert_eq!(get("/deliveries/"), Need::Permit(ReadRaw));
        assert_eq!(get("//DELIVERIES"), Need::Permit(ReadRaw));
        assert_eq!(get("/x/../deliveries/3/body"), Need::Permit(ReadRaw));
        assert_eq!(get("/%64eliveries"), Need::Permit(ReadRaw));
        assert_eq!(get("/calls/x/../../deliveries"), Need::Permit(ReadRaw));
        assert_eq!(get("/settings/users/"), Need::Permit(Administer));
        assert_eq!(get("/no-such-page"), Need::Permit(Administer));
        assert_eq!(get("/login"), Need::Open);
        assert_eq!(get("/invite/abc-_9"), Need::Open);
        // Openness is never read into another spelling.
        for closed in [
            "/login/",
            "//login",
            "/x/../login",
            "/invite/a/b",
            "/invite/",
            "/invite/a%2F",
        ] {
            assert_eq!(get(closed), Need::Permit(Administer), "{closed}");
        }
        assert_eq!(need(Method::HEAD, "/insights"), Need::Permit(ReadCalls));
        assert_eq!(
            need(Method::POST, "/automations/channels/7/delete"),
            Need::Permit(Edit)
        );
        // A page's spelling does not open its forms: the method counts.
        assert_eq!(need(Method::POST, "/insights"), Need::Permit(Administer));
    }
}
