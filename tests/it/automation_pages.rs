//! The alert inbox, the rules and the automations page as a signed-in
//! person uses them without JavaScript: pages render what is stored, and
//! every form post changes it and comes back with a clear notice or error.

use crate::common::{self, app, exchange, post, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;
use sqlx::SqlitePool;

use calltrail::model::AlertState;
use calltrail::server::app::alerts::{AlertHub, Runner};
use calltrail::server::store::prelude::*;

async fn get(app: &TestApp, uri: &str) -> (StatusCode, String) {
    let request = Request::get(uri)
        .header("cookie", &app.cookie)
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = exchange(app, request).await;
    (status, body)
}

/// Posts a form; returns the status and where it redirects to.
async fn submit(app: &TestApp, uri: &str, form: &str) -> (StatusCode, String) {
    let request = Request::post(uri)
        .header("cookie", &app.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap();
    let (status, headers, _) = exchange(app, request).await;
    let to = headers
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, to)
}

async fn an_alert(app: &TestApp) -> i64 {
    let body = json!({"type": "tool-call", "call_id": "ui-call", "timestamp": "2025-04-12T14:32:00Z",
        "metadata": {"functionName": "book", "arguments": {}, "error": "card declined"}});
    assert_eq!(post(app, &body.to_string()).await.0, StatusCode::OK);
    let mut runner = Runner::new(app.state.store.clone(), AlertHub::default()).await;
    runner.catch_up().await.unwrap();
    app.state
        .store
        .alerts(None, None, None, 0, 10)
        .await
        .unwrap()[0]
        .id
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_inbox_lists_alerts_and_its_buttons_work(pool: SqlitePool) {
    let app = app(pool).await;
    let (status, page) = get(&app, "/alerts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No alerts here"), "{page:.500}");

    let id = an_alert(&app).await;
    let event = app.state.store.timeline("ui-call").await.unwrap()[0].id;
    let (_, page) = get(&app, "/alerts").await;
    assert!(page.contains("Tool book failed: card declined"));
    assert!(
        page.contains(&format!("href=\"/calls/ui-call?at={event}#e{event}\"")),
        "links the event"
    );
    assert!(page.contains("1 open"));
    assert!(page.contains(
        "aria-label=\"Acknowledge the issue tool-error: Tool book failed: card declined\""
    ));
    // The issue's alerts, one per call, each with its own buttons.
    let rule = app.state.store.alert(id).await.unwrap().unwrap().rule_id;
    let cause = "Tool%20book%20failed%3A%20card%20declined";
    let (_, issue) = get(&app, &format!("/alerts?rule={rule}&cause={cause}")).await;
    assert!(
        issue.contains("aria-label=\"Acknowledge the tool-error alert\""),
        "{issue:.3000}"
    );
    // The top bar counts it on every page.
    let (_, calls) = get(&app, "/").await;
    assert!(calls.contains("alert-count-open\">1<"), "{calls:.2000}");

    let (status, to) = submit(
        &app,
        &format!("/alerts/{id}/act"),
        "action=acknowledge&back=%2Falerts%3Fstate%3Dopen",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/alerts?state=open");
    let alert = app.state.store.alert(id).await.unwrap().unwrap();
    assert_eq!(alert.state, AlertState::Acknowledged);
    let (_, open_only) = get(&app, "/alerts?state=open").await;
    assert!(!open_only.contains("card declined"), "the filter hides it");

    submit(
        &app,
        &format!("/alerts/{id}/act"),
        "action=snooze&minutes=60",
    )
    .await;
    let alert = app.state.store.alert(id).await.unwrap().unwrap();
    assert_eq!(alert.state, AlertState::Snoozed);
    assert!(alert.snoozed_until.unwrap() > calltrail::server::store::now_ms() + 59 * 60_000);

    let (_, to) = submit(&app, &format!("/alerts/{id}/act"), "action=explode").await;
    assert_eq!(to, "/alerts?error=unknown-action");
    let (_, to) = submit(
        &app,
        &format!("/alerts/{id}/act"),
        "action=snooze&minutes=soon",
    )
    .await;
    assert_eq!(to, "/alerts?error=snooze-range");
    let (_, to) = submit(&app, "/alerts/999/act", "action=resolve").await;
    assert_eq!(to, "/alerts?error=no-such-alert");
    let (_, page) = get(&app, &to).await;
    assert!(page.contains(">There is no such alert.<"), "{page:.2000}");
    // An outside `back` is not followed.
    let (_, to) = submit(
        &app,
        &format!("/alerts/{id}/act"),
        "action=resolve&back=https%3A%2F%2Fevil.example",
    )
    .await;
    assert_eq!(to, "/alerts");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn rules_are_tuned_from_the_form(pool: SqlitePool) {
    let app = app(pool).await;
    let store = &app.state.store;
    let loop_rule = store
        .rules()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "tool-loop")
        .unwrap();
    let (status, to) = submit(
        &app,
        &format!("/alerts/rules/{}", loop_rule.id),
        "enabled=on&count=4&cooldown_secs=60",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/alerts/rules?notice=rule-saved");
    let saved = store
        .rules()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.id == loop_rule.id)
        .unwrap();
    assert_eq!(
        saved.spec,
        calltrail::model::RuleSpec::ToolLoop { count: 4 }
    );
    assert_eq!(saved.cooldown_secs, 60);

    let (_, to) = submit(
        &app,
        &format!("/alerts/rules/{}", loop_rule.id),
        "enabled=on&count=many",
    )
    .await;
    assert_eq!(to, "/alerts/rules?error=count-invalid");
    let (_, to) = submit(
        &app,
        "/alerts/rules",
        "name=refunds&event=tool-call&field=metadata.functionName&op=equals&value=refund",
    )
    .await;
    assert_eq!(to, "/alerts/rules?notice=rule-added");
    let (_, page) = get(&app, "/alerts/rules").await;
    assert!(page.contains("refunds"));
    assert!(page.contains("tool-call whose metadata.functionName equals"));
    // Deleting asks first, without JavaScript too: the delete is a second
    // button inside a disclosure that says what goes with it.
    let confirm = page.find("<details class=\"confirm\">").expect("a confirm");
    let rest = &page[confirm..];
    assert!(rest.find("Its alerts are deleted with it.") < rest.find("</details>"));
    assert!(rest.contains(">Delete rule refunds"), "{rest}");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn destinations_and_channels_are_added_checked_and_shown(pool: SqlitePool) {
    let app = app(pool).await;
    let (_, to) = submit(
        &app,
        "/automations/destinations",
        "name=inside&url=http%3A%2F%2F127.0.0.1%3A9%2F",
    )
    .await;
    assert_eq!(
        to,
        "/automations?error=address-private&form=destination&f_name=inside&f_url=http%3A%2F%2F127.0.0.1%3A9%2F"
    );
    let (_, to) = submit(
        &app,
        "/automations/destinations",
        "name=crm&url=https%3A%2F%2Fcrm.example.com%2Fhook&event=tool-call",
    )
    .await;
    assert_eq!(to, "/automations?notice=destination-saved");
    let (_, to) = submit(&app, "/automations/channels", "name=ops&kind=webhook&url=https%3A%2F%2Fhooks.example.com%2Fx&secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").await;
    assert_eq!(to, "/automations?notice=channel-saved");
    let (_, to) = submit(
        &app,
        "/automations/channels",
        "name=bad&kind=email&host=smtp.example.com&from=me&to=you",
    )
    .await;
    assert!(
        to.starts_with("/automations?error=channel-invalid&form=channel&f_name=bad"),
        "{to}"
    );

    let (status, page) = get(&app, "/automations").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("https://crm.example.com/hook"));
    assert!(page.contains("nothing finished yet"));
    assert!(page.contains("hooks.example.com"));
    assert!(page.contains(">Delete destination crm"));
    assert!(page.contains(">Delete channel ops"));
    // Buttons name their item for screen readers.
    assert!(
        page.contains("aria-label=\"Pause destination crm\""),
        "{page}"
    );
    assert!(page.contains("aria-label=\"Send test to channel ops\""));
    assert!(
        !page.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        "secrets stay off the page"
    );

    let id = app.state.store.destinations().await.unwrap()[0].id;
    submit(&app, &format!("/automations/destinations/{id}/pause"), "").await;
    assert!(
        app.state
            .store
            .destination(id)
            .await
            .unwrap()
            .unwrap()
            .paused
    );
    submit(&app, &format!("/automations/destinations/{id}/resume"), "").await;
    assert!(
        !app.state
            .store
            .destination(id)
            .await
            .unwrap()
            .unwrap()
            .paused
    );
    let (_, to) = submit(
        &app,
        &format!("/automations/destinations/{id}/replay"),
        "since=not-a-time",
    )
    .await;
    assert_eq!(to, "/automations?error=time-invalid");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_provisioning_file_sets_everything_and_can_be_applied_again(pool: SqlitePool) {
    let app = app(pool).await;
    let store = &app.state.store;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        r#"
[[channel]]
name = "ops"
kind = "webhook"
url = "https://hooks.example.com/calltrail"

[[rule]]
kind = "stuck-call"
seconds = 90
channels = ["ops"]

[[destination]]
name = "crm"
url = "https://crm.example.com/infer-events"
events = ["tool-call", "end-call"]
"#,
    )
    .unwrap();
    for _ in 0..2 {
        calltrail::server::app::provision::apply_file(file.path(), store, false)
            .await
            .unwrap();
    }
    let channels = store.channels().await.unwrap();
    assert_eq!(channels.len(), 1);
    let stuck = store
        .rules()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "stuck-call")
        .unwrap();
    assert_eq!(
        stuck.spec,
        calltrail::model::RuleSpec::StuckCall { seconds: 90 }
    );
    assert_eq!(stuck.channels, vec![channels[0].id]);
    let destinations = store.destinations().await.unwrap();
    assert_eq!(destinations.len(), 1);
    assert_eq!(destinations[0].events, ["tool-call", "end-call"]);
}

/// The same failure on many calls is one issue: one row, its calls a click
/// away, one notification; ticking issues acts on all their alerts; a new
/// call joins an acknowledged issue acknowledged; demo calls stay out unless
/// asked for.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn alerts_group_into_issues_acted_on_in_bulk(pool: SqlitePool) {
    let app = app(pool).await;
    let failing = |call: &str, function: &str, n: u32| {
        json!({"type": "tool-call", "call_id": call, "timestamp": "2025-04-12T14:32:00Z",
            "metadata": {"functionName": function, "arguments": {"n": n},
                "error": format!("upstream timeout after {} ms", 8000 + n)}})
        .to_string()
    };
    for (n, call) in ["a1", "a2", "a3", "demo_x"].iter().enumerate() {
        post(&app, &failing(call, "listOpenSlots", n as u32)).await;
    }
    post(&app, &failing("b1", "book", 0)).await;
    let mut runner = Runner::new(app.state.store.clone(), AlertHub::default()).await;
    runner.catch_up().await.unwrap();

    let (_, page) = get(&app, "/alerts").await;
    let rows = page.matches("class=\"issue issue-open\"").count();
    assert_eq!(rows, 2, "one issue per cause: {page:.4000}");
    assert!(
        page.contains(">3 calls<"),
        "demo calls are left out: {page:.4000}"
    );
    let (_, with_demo) = get(&app, "/alerts?demo=show").await;
    assert!(with_demo.contains(">4 calls<"), "{with_demo:.4000}");

    let slots = app
        .state
        .store
        .alerts(None, None, None, 0, 10)
        .await
        .unwrap();
    let rule = slots[0].rule_id;
    let cause = "Tool listOpenSlots failed: upstream timeout after # ms";
    let key = format!("{rule}:{cause}");
    assert!(
        page.contains(&format!("value=\"{key}\"")),
        "the tick box names the issue"
    );
    // Its calls, one click away.
    let href = format!("/alerts?rule={rule}&amp;cause=Tool%20listOpenSlots%20failed%3A%20upstream%20timeout%20after%20%23%20ms");
    assert!(page.contains(&href), "{page:.4000}");

    // Bulk: acknowledge both issues at once.
    let form = format!(
        "action=acknowledge&issue={}&issue={}",
        urlencode(&key),
        urlencode(&format!(
            "{rule}:Tool book failed: upstream timeout after # ms"
        ))
    );
    let (status, to) = submit(&app, "/alerts/issues/act", &form).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/alerts"));
    let states: Vec<AlertState> = app
        .state
        .store
        .alerts(None, None, None, 0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.state)
        .collect();
    assert_eq!(states, vec![AlertState::Acknowledged; 5]);
    assert_eq!(app.state.store.open_alerts().await.unwrap(), 0);

    // A new call with the same failure joins the acknowledged issue quietly.
    post(&app, &failing("a4", "listOpenSlots", 9)).await;
    runner.catch_up().await.unwrap();
    let joined = app
        .state
        .store
        .alerts(None, None, Some(cause), 0, 10)
        .await
        .unwrap();
    assert_eq!(joined.len(), 5);
    assert!(
        joined.iter().all(|a| a.state == AlertState::Acknowledged),
        "{joined:?}"
    );

    // Nothing ticked: said so, nothing changed.
    let (_, to) = submit(&app, "/alerts/issues/act", "action=resolve").await;
    assert_eq!(to, "/alerts?error=no-issue-chosen");
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A refused save comes back as typed (but for the secret), the error
/// beside its field, the form open.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_refused_destination_keeps_what_was_typed(pool: SqlitePool) {
    let app = app(pool).await;
    let form = "name=crm&url=http%3A%2F%2F127.0.0.1%3A9%2Fhook&event=tool_error&event=hang\
        &cond_field=metadata.role&cond_op=equals&cond_value=user&secret=whsec_c2VjcmV0c2VjcmV0c2VjcmV0";
    let (status, to) = submit(&app, "/automations/destinations", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        to.starts_with("/automations?error=address-private&form=destination&"),
        "{to}"
    );
    assert!(
        to.contains("f_url=http%3A%2F%2F127.0.0.1%3A9%2Fhook"),
        "{to}"
    );
    assert!(
        !to.contains("whsec"),
        "a secret never goes back in a URL: {to}"
    );
    let (_, page) = get(&app, &to).await;
    let page = page.replace("<!>", "");
    assert!(page.contains("value=\"crm\""), "the name as typed");
    assert!(
        page.contains("value=\"http://127.0.0.1:9/hook\""),
        "the URL as typed"
    );
    assert!(
        page.contains("value=\"tool_error\" checked"),
        "{page:.6000}"
    );
    assert!(
        !page.contains("value=\"turn\" checked"),
        "only what was ticked"
    );
    assert!(
        page.contains("class=\"field-error\""),
        "the error beside the URL"
    );
    assert!(
        page.contains("open class=\"new-form\"") || page.contains("class=\"new-form\" open"),
        "the form open: {page:.20000}"
    );
    assert!(
        app.state.store.destinations().await.unwrap().is_empty(),
        "nothing saved"
    );
}

/// Changing one's password: the current one first, the new one twice; the
/// session stays signed in.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_person_changes_their_own_password(pool: SqlitePool) {
    let app = app(pool).await;
    let (_, to) = submit(
        &app,
        "/settings/password",
        "current=wrong-one&new=brand-new-pass&confirm=brand-new-pass",
    )
    .await;
    assert_eq!(to, "/settings?error=password-wrong");
    let (_, to) = submit(
        &app,
        "/settings/password",
        &format!(
            "current={}&new=brand-new-pass&confirm=other-pass",
            common::ADMIN_PASSWORD
        ),
    )
    .await;
    assert_eq!(to, "/settings?error=passwords-differ");
    let (_, to) = submit(
        &app,
        "/settings/password",
        &format!("current={}&new=short&confirm=short", common::ADMIN_PASSWORD),
    )
    .await;
    assert_eq!(to, "/settings?error=password-too-short");
    let (status, page) = get(&app, "/settings").await;
    assert_eq!(status, StatusCode::OK, "{page:.3000}");
    assert!(page.contains("Change password"), "{page:.3000}");

    let request = Request::post("/settings/password")
        .header("cookie", &app.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "current={}&new=brand-new-pass&confirm=brand-new-pass",
            common::ADMIN_PASSWORD
        )))
        .unwrap();
    let (status, headers, _) = exchange(&app, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/settings?notice=password-changed");
    // The renewed session comes back in a new cookie, which stays signed in.
    let renewed = headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (status, _, _) = exchange(&app, common::get("/settings", &renewed)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        common::sign_in(&app.router, common::ADMIN, common::ADMIN_PASSWORD)
            .await
            .is_none(),
        "the old password no longer signs in"
    );
    assert!(
        common::sign_in(&app.router, common::ADMIN, "brand-new-pass")
            .await
            .is_some()
    );
}
