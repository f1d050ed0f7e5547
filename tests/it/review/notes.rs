//! Notes, flags and verdicts: pinned to an item, live on the call's
//! stream, found by the query language, carried by the CSV export, and
//! refused to those the roles table does not let review.

use axum::http::{Request, StatusCode};
use sqlx::SqlitePool;

use super::{event_of, fixture_call, member, next_review, post};
use crate::common::sse;
use crate::common::{app, page_as, TestApp};
use calltrail::model::query::Query;
use calltrail::model::AccountRole;
use calltrail::server::store::prelude::*;
use calltrail::server::store::SearchFrom;

async fn found(app: &TestApp, q: &str) -> Vec<String> {
    let query = Query::parse(q).unwrap();
    let hits = app
        .state
        .store
        .search_calls(
            &query,
            app.state.search_at(),
            SearchFrom::Offset(0, Default::default()),
            50,
        )
        .await
        .unwrap();
    let mut ids: Vec<String> = hits.into_iter().map(|h| h.call.call_id).collect();
    ids.sort();
    ids
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_note_on_a_tool_call_reaches_the_other_viewer_live(pool: SqlitePool) {
    let app = app(pool).await;
    fixture_call(&app, "c1").await;
    let tool = event_of(&app, "c1", "tool_call").await;
    let ann = member(&app, "ann", AccountRole::Editor).await;
    // Bob watches the call's stream.
    let request = Request::get("/api/live/calls/c1?after=999999").header("cookie", &app.cookie);
    let mut stream = sse::open(&app, request, None).await;
    let form =
        format!("call_id=c1&event_id={tool}&quote=findAppointment&body=The+tool+timed+out+here");
    let (status, to) = post(&app, &ann, "/review/notes", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, format!("/calls/c1?at={tool}&notice=note-added#e{tool}"));
    let review = next_review(&mut stream).await;
    assert_eq!(review["notes"][0]["body"], "The tool timed out here");
    assert_eq!(review["notes"][0]["author"], "ann");
    assert_eq!(review["notes"][0]["event_id"], tool);
    assert_eq!(review["notes"][0]["quote"], "findAppointment");
    // The page shows it under its item, server-rendered.
    let (_, page) = page_as(&app, Some(&app.cookie), "/calls/c1").await;
    assert!(
        page.contains("The tool timed out here"),
        "the note is on the page"
    );
    // Only its author (or an admin) changes it.
    let note: i64 = review["notes"][0]["id"].as_i64().unwrap();
    let carl = member(&app, "carl", AccountRole::Editor).await;
    let edit = format!("/review/notes/{note}");
    let (_, to) = post(&app, &carl, &edit, "call_id=c1&body=mine+now").await;
    assert!(to.contains("error=not-your-note"), "{to}");
    let (_, to) = post(&app, &ann, &edit, "call_id=c1&body=Timed+out+after+8+s").await;
    assert!(to.contains("notice=note-saved"), "{to}");
    let review = next_review(&mut stream).await;
    assert_eq!(review["notes"][0]["body"], "Timed out after 8 s");
    let (_, to) = post(&app, &app.cookie, &format!("{edit}/delete"), "call_id=c1").await;
    assert!(
        to.contains("notice=note-deleted"),
        "an admin deletes anyone's: {to}"
    );
    let review = next_review(&mut stream).await;
    assert_eq!(review["notes"].as_array().unwrap().len(), 0);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn flags_and_scores_are_searched_and_exported(pool: SqlitePool) {
    let app = app(pool).await;
    fixture_call(&app, "flagged").await;
    fixture_call(&app, "fine").await;
    let bob = member(&app, "bob", AccountRole::Editor).await;
    let form = "call_id=flagged&reason=tool_failed&reason=too_slow&score=2&reviewed=1";
    let (_, to) = post(&app, &bob, "/review/verdict", form).await;
    assert_eq!(to, "/calls/flagged?notice=review-saved#review");
    let (_, to) = post(&app, &app.cookie, "/review/verdict", "call_id=fine&score=5").await;
    assert!(to.contains("review-saved"));
    assert_eq!(found(&app, "flag:tool_failed score<3").await, ["flagged"]);
    assert_eq!(found(&app, "reviewed:yes").await, ["flagged"]);
    assert_eq!(found(&app, "reviewed:no").await, ["fine"]);
    assert_eq!(found(&app, "reviewer:BOB").await, ["flagged"]);
    assert_eq!(found(&app, "score>=4").await, ["fine"]);
    assert_eq!(found(&app, "-flag:tool_failed").await, ["fine"]);
    assert!(found(&app, "has:note").await.is_empty());
    // A flag on an item counts for `flag:` too, and a note for `has:note`.
    let tool = event_of(&app, "fine", "tool_call").await;
    let form = format!("call_id=fine&event_id={tool}&reason=wrong_answer");
    post(&app, &bob, "/review/flag", &form).await;
    post(
        &app,
        &bob,
        "/review/notes",
        "call_id=fine&at=0:05&body=listen+here",
    )
    .await;
    assert_eq!(found(&app, "flag:wrong_answer has:note").await, ["fine"]);
    // Insights count the flagged calls per reason (Infer names no agent).
    let all = Query::parse("").unwrap();
    let insights = app
        .state
        .store
        .insights(&all, app.state.search_at())
        .await
        .unwrap();
    let by_agent: Vec<(String, String, i64)> = ["too_slow", "tool_failed", "wrong_answer"]
        .map(|r| (String::new(), r.to_string(), 1))
        .to_vec();
    assert_eq!(insights.flags.by_agent, by_agent);
    assert_eq!(insights.flags.reasons().len(), 3);
    let (_, page) = page_as(&app, Some(&app.cookie), "/insights").await;
    assert!(
        page.contains("data-testid=\"flags-by-agent\""),
        "insights show the flags"
    );
    // A reason not on the list, or a score out of range, is refused.
    let (_, to) = post(&app, &bob, "/review/verdict", "call_id=fine&reason=made_up").await;
    assert!(to.contains("error=no-such-reason"), "{to}");
    let (_, to) = post(&app, &bob, "/review/verdict", "call_id=fine&score=6").await;
    assert!(to.contains("error=score-invalid"), "{to}");
    let (_, to) = post(&app, &bob, "/review/notes", "call_id=fine&at=soon&body=x").await;
    assert!(to.contains("error=moment-invalid"), "{to}");
    // The CSV export carries flags and score.
    let (status, csv) = page_as(
        &app,
        Some(&app.cookie),
        "/export?format=csv&q=flag:tool_failed",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    // The review's columns come last (earlier ones may hold quoted commas).
    let column = |name: &str| {
        let from_end = header.len() - header.iter().position(|h| *h == name).unwrap();
        row[row.len() - from_end]
    };
    assert!(row[0] == "flagged");
    assert_eq!(
        &header[header.len() - 4..],
        ["flags", "score", "reviewed_by", "notes"]
    );
    assert_eq!(column("flags"), "too_slow tool_failed", "by code");
    assert_eq!(column("score"), "2");
    assert_eq!(column("reviewed_by"), "bob");
    assert!(lines.next().is_none());
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn viewers_review_only_when_an_admin_lets_them(pool: SqlitePool) {
    let app = app(pool).await;
    fixture_call(&app, "c1").await;
    let vera = member(&app, "vera", AccountRole::Viewer).await;
    let rita = member(&app, "rita", AccountRole::Restricted).await;
    let note = "call_id=c1&body=hello";
    let (status, _) = post(&app, &vera, "/review/notes", note).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&app, &vera, "/review/viewers", "allow=1").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins decide");
    let (_, to) = post(&app, &app.cookie, "/review/viewers", "allow=1").await;
    assert!(to.contains("notice=reviewers-saved"), "{to}");
    let (status, to) = post(&app, &vera, "/review/notes", note).await;
    assert_eq!(
        (status, to.contains("note-added")),
        (StatusCode::SEE_OTHER, true)
    );
    let (status, _) = post(&app, &rita, "/review/notes", note).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "restricted viewers never review"
    );
    post(&app, &app.cookie, "/review/viewers", "").await;
    let (status, _) = post(&app, &vera, "/review/verdict", "call_id=c1&score=3").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "taken back");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn restricted_viewers_read_notes_redacted(pool: SqlitePool) {
    let app = app(pool).await;
    fixture_call(&app, "c1").await;
    let message = event_of(&app, "c1", "message").await;
    let form = format!(
        "call_id=c1&event_id={message}&quote=call+me+at+415-555-0134&body=She+gave+jane%40example.com"
    );
    post(&app, &app.cookie, "/review/notes", &form).await;
    let rita = member(&app, "rita", AccountRole::Restricted).await;
    let (status, page) = page_as(&app, Some(&rita), "/calls/c1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("415-555-0134"), "the quote is redacted");
    assert!(!page.contains("jane@example.com"), "the note is redacted");
    assert!(page.contains("She gave"), "the rest of the note is shown");
    let (_, page) = page_as(&app, Some(&app.cookie), "/calls/c1").await;
    assert!(page.contains("415-555-0134"), "an admin reads it whole");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn admins_keep_the_reasons_and_a_retired_one_stays_on_its_calls(pool: SqlitePool) {
    let app = app(pool).await;
    fixture_call(&app, "c1").await;
    let (_, to) = post(&app, &app.cookie, "/review/reasons", "label=Wrong+language").await;
    assert_eq!(to, "/review?notice=reason-added");
    let (_, to) = post(&app, &app.cookie, "/review/reasons", "label=wrong+LANGUAGE").await;
    assert_eq!(to, "/review?error=reason-taken");
    let (_, to) = post(&app, &app.cookie, "/review/reasons", "label=%21%21").await;
    assert_eq!(to, "/review?error=reason-invalid");
    let form = "call_id=c1&reason=wrong_language&reason=other";
    post(&app, &app.cookie, "/review/verdict", form).await;
    let (_, to) = post(
        &app,
        &app.cookie,
        "/review/reasons/retire",
        "code=wrong_language",
    )
    .await;
    assert_eq!(to, "/review?notice=reason-retired");
    let reasons = app.state.store.flag_reasons().await.unwrap();
    assert!(
        !reasons.iter().any(|r| r.code == "wrong_language"),
        "off the list"
    );
    assert_eq!(reasons.last().unwrap().code, "other");
    // Saving the verdict again (the form no longer offers it) keeps it.
    post(&app, &app.cookie, "/review/verdict", "call_id=c1&score=3").await;
    let review = app.state.store.call_review("c1").await.unwrap();
    let flags: Vec<&str> = review.flags.iter().map(|f| f.reason.as_str()).collect();
    assert_eq!(flags, ["wrong_language"]);
    // It is offered again once back on the list, at its end.
    let (_, to) = post(&app, &app.cookie, "/review/reasons", "label=Wrong+language").await;
    assert_eq!(to, "/review?notice=reason-added");
    let reasons = app.state.store.flag_reasons().await.unwrap();
    assert_eq!(reasons.last().unwrap().code, "wrong_language");
    // An item's flag is cleared by its author.
    let tool = event_of(&app, "c1", "tool_call").await;
    let flag = format!("call_id=c1&event_id={tool}&reason=too_slow");
    post(&app, &app.cookie, "/review/flag", &flag).await;
    let on_item = |r: &calltrail::model::review::CallReview| r.reasons_on(Some(tool)).len();
    assert_eq!(
        on_item(&app.state.store.call_review("c1").await.unwrap()),
        1
    );
    post(&app, &app.cookie, "/review/flag", &format!("{flag}&on=0")).await;
    assert_eq!(
        on_item(&app.state.store.call_review("c1").await.unwrap()),
        0
    );
    // An item of another call is refused.
    fixture_call(&app, "c2").await;
    let other = event_of(&app, "c2", "tool_call").await;
    let (_, to) = post(
        &app,
        &app.cookie,
        "/review/flag",
        &format!("call_id=c1&event_id={other}&reason=other"),
    )
    .await;
    assert!(to.contains("error=no-such-item"), "{to}");
}
