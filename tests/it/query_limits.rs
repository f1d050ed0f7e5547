//! A query too long to search quickly, or holding a NUL character, is
//! refused with a clear error before the database sees it: on the calls
//! list and the insights page, in an export (400), and as a saved view.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sqlx::SqlitePool;

use crate::common::{app, exchange, send};
use calltrail::model::format::url_segment;
use calltrail::model::query::{MAX_QUERY_CHARS, MAX_TERMS};

#[sqlx::test(migrations = "migrations/sqlite")]
async fn oversized_and_nul_queries_are_refused_clearly(pool: SqlitePool) {
    let app = app(pool).await;
    let get = |uri: String| {
        Request::get(uri)
            .header("cookie", &app.cookie)
            .body(Body::empty())
            .unwrap()
    };
    let most = vec!["refund"; MAX_TERMS].join(" ");
    let too_many = format!("{most} -voicemail");
    let too_long = "a".repeat(MAX_QUERY_CHARS + 1);
    let cases = [
        (
            too_many.as_str(),
            "a query has at most 32 words, phrases and filters: remove some (at character 225)",
        ),
        (
            too_long.as_str(),
            "a query has at most 1000 characters: shorten it (at character 1001)",
        ),
        (
            "refund\0 status:live",
            "a query cannot hold a NUL character (U+0000): remove it (at character 7)",
        ),
    ];
    for (q, error) in cases {
        for page in ["/", "/insights"] {
            let (status, _, html) =
                exchange(&app, get(format!("{page}?q={}", url_segment(q)))).await;
            assert_eq!(status, StatusCode::OK, "{page} {q:.40}");
            assert!(
                html.contains(&format!("This query cannot be read: </strong>{error}")),
                "{page} {q:.40}: {html:.3000}"
            );
        }
        let (status, answer) = send(&app, get(format!("/export?q={}", url_segment(q)))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q:.40}");
        assert_eq!(
            answer["detail"],
            format!("the query cannot be read: {error}"),
            "{q:.40}"
        );
    }
    // At the limit the search runs.
    let (_, _, html) = exchange(&app, get(format!("/?q={}", url_segment(&most)))).await;
    assert!(!html.contains("query-error"), "{html:.3000}");

    let save = Request::post("/views")
        .header("cookie", &app.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("q=refund%00&name=Broken"))
        .unwrap();
    let (status, headers, _) = exchange(&app, save).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers["location"],
        "/?q=refund%00&error=view-query-invalid"
    );
}
