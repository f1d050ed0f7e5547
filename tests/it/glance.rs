//! The call page's helpers on the server: the theme choice (a cookie the
//! page is rendered with) and "Send a test event" (through the webhook route).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sqlx::SqlitePool;

use crate::common::{app, app_with, exchange};
use calltrail::model::SAMPLE_PREFIX;
use calltrail::server::http::test_event;
use calltrail::server::store::prelude::*;

fn choose(theme: &str, back: &str) -> Request<Body> {
    Request::post("/theme")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("theme={theme}&back={back}")))
        .unwrap()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_theme_choice_is_kept_in_a_cookie_and_rendered_into_the_page(pool: SqlitePool) {
    let app = app(pool).await;
    // Anyone may choose (the sign-in page has the switch too).
    let (status, headers, _) = exchange(&app, choose("dark", "/deliveries")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/deliveries");
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("calltrail-theme=dark;"), "{cookie}");

    // Only a local path to go back to, and only known themes.
    let (_, headers, _) = exchange(&app, choose("light", "https://evil.example")).await;
    assert_eq!(headers["location"], "/");
    let (status, _, _) = exchange(&app, choose("pink", "/")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The page arrives in the theme: the choice is in the HTML itself.
    let page = |theme: Option<&str>| {
        let request = Request::get("/login");
        match theme {
            Some(theme) => request.header("cookie", format!("calltrail-theme={theme}")),
            None => request,
        }
        .body(Body::empty())
        .unwrap()
    };
    let (status, headers, html) = exchange(&app, page(Some("dark"))).await;
    assert!(
        html.contains(r#"<html lang="en" data-theme="dark">"#),
        "{status} {headers:?} {html:.300}"
    );
    assert!(html.contains(r#"<meta name="color-scheme" content="dark">"#));
    let (_, _, html) = exchange(&app, page(None)).await;
    assert!(html.contains(r#"data-theme="system""#));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_test_event_goes_through_the_webhook_route_and_is_stored(pool: SqlitePool) {
    // The token is required, as in a real installation.
    let app = app_with(pool, |c| c.webhook.auth = None).await;
    let sent = test_event::send(&app.state).await;
    assert!(sent.accepted, "{sent:?}");
    assert!(sent.answer.starts_with("HTTP 200"), "{sent:?}");
    assert!(sent.call_id.starts_with(SAMPLE_PREFIX));
    let call = app
        .state
        .store
        .call(&sent.call_id)
        .await
        .unwrap()
        .expect("stored");
    assert!(call.is_sample() && call.is_live());
    assert_eq!(call.n_messages, 1);
    // It went through the delivery log like any agent's delivery.
    let logged = app.state.store.deliveries(0, 10).await.unwrap();
    assert!(logged.iter().any(|d| d.http_status == 200));
}
