//! A link cannot write in a page's notices: `?notice=` and `?error=` carry
//! codes of messages calltrail wrote (anything else shows nothing), and the
//! sign-in page's `wait=` is a number of seconds or nothing.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sqlx::SqlitePool;

use crate::common::{app, exchange, TestApp};

async fn page(app: &TestApp, uri: &str) -> String {
    let request = Request::get(uri)
        .header("cookie", &app.cookie)
        .body(Body::empty())
        .unwrap();
    let (status, _, page) = exchange(app, request).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {page}");
    page
}

/// The page's text, without its tags (a link's query may be in an
/// attribute, such as the theme switch's way back, but not in the text).
fn visible_text(page: &str) -> String {
    let mut in_tag = false;
    page.chars()
        .filter(|c| {
            let visible = !in_tag && *c != '<';
            in_tag = (in_tag || *c == '<') && *c != '>';
            visible
        })
        .collect()
}

/// The banner a form post's redirect shows, if any.
fn banner(page: &str) -> Option<&str> {
    let start = page.find("data-testid=\"form-")?;
    let text = &page[start..];
    let text = &text[text.find('>')? + 1..];
    Some(&text[..text.find('<')?])
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn notices_show_only_messages_calltrail_wrote(pool: SqlitePool) {
    let app = app(pool).await;
    for (uri, shown) in [
        ("/alerts/rules?notice=rule-saved", Some("Saved the rule.")),
        (
            "/automations?error=address-private",
            Some("That address is loopback or private; set CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS=true to allow it."),
        ),
        ("/?q=refund&notice=view-saved", Some("Saved the view.")),
        ("/alerts?error=storage", Some("The database did not answer; nothing was changed — try again.")),
        ("/alerts/rules", None),
        ("/alerts/rules?notice=not-a-code", None),
    ] {
        assert_eq!(banner(&page(&app, uri).await), shown, "{uri}");
    }

    let hostile = [
        (
            "<script>Click here</script>",
            "%3Cscript%3EClick%20here%3C%2Fscript%3E",
        ),
        (
            "Your session expired, sign in at evil.example",
            "Your%20session%20expired%2C%20sign%20in%20at%20evil.example",
        ),
    ];
    for path in ["/alerts/rules", "/automations", "/alerts", "/"] {
        for (text, encoded) in hostile {
            for key in ["error", "notice"] {
                let uri = format!("{path}?{key}={encoded}");
                let page = page(&app, &uri).await;
                assert_eq!(banner(&page), None, "{uri}");
                let shown = visible_text(&page);
                for part in ["Click here", "session expired", "evil.example"] {
                    assert!(!shown.contains(part), "{uri} shows {part:?} of {text:?}");
                }
            }
        }
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_sign_in_wait_is_a_number_or_nothing(pool: SqlitePool) {
    let app = app(pool).await;
    let signed_out = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    let notice = |page: &str| {
        let start = page.find("role=\"alert\"").expect("a notice");
        let text = &page[start + page[start..].find('>').unwrap() + 1..];
        text[..text.find('<').unwrap()].to_string()
    };
    for (wait, said) in [
        ("30", "Too many failed attempts. Try again in 30 seconds."),
        (
            "a%20few.%20Your%20session%20expired%2C%20sign%20in%20at%20evil.example.%20Or%20in%205",
            "Too many failed attempts. Try again later.",
        ),
        ("99999999", "Too many failed attempts. Try again later."),
    ] {
        let uri = format!("/login?error=throttled&wait={wait}");
        let (status, _, page) = exchange(&app, signed_out(&uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        assert_eq!(notice(&page), said, "{uri}");
        assert!(!visible_text(&page).contains("evil.example"), "{uri}");
    }
}
