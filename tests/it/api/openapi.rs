//! The OpenAPI document: 3.1, generated from the code, covering exactly the
//! routes the server has (each named in the permission table); validated
//! by an independent validator; and a client generated from it by an
//! independent generator lists the calls a query selects.

use axum::http::{Method, StatusCode};
use serde_json::Value;
use sqlx::SqlitePool;

use super::{call, get, permissions::TOKEN_EXPECT, status, token};
use crate::common::{app, deliver, receiver, run_python};
use calltrail::model::tokens::TokenScope;
use calltrail::model::AccountRole;
use calltrail::model::Action;
use calltrail::server::http::api::document_json;
use calltrail::server::http::auth::permits::{self, Need};

/// Every `(method, path)` the document describes.
fn operations(document: &Value) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            all.push((method.to_uppercase(), path.clone()));
        }
    }
    all
}

/// A path of the document with a sample value in each parameter.
fn sample(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "1" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_document_covers_every_route_and_every_route_is_in_it(pool: SqlitePool) {
    let app = app(pool).await;
    let (served, headers, document) =
        call(&app, Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(served, StatusCode::OK, "served to anyone: it holds no data");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(
        document,
        serde_json::from_str::<Value>(&document_json()).unwrap()
    );
    let token = token(&app, AccountRole::Admin, TokenScope::ReadWrite).await;
    let described = operations(&document);
    assert!(described.len() >= 18, "{described:?}");
    let mut failures = Vec::new();
    for (method, path) in &described {
        let uri = sample(path);
        // Each operation is a route of the server: a handler answers, not
        // the API's own "no such route" (or the router's 405) …
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let body = Some(Value::Object(Default::default()));
        let (answer, _) = status(&app, m.clone(), &uri, Some(&token), body.clone()).await;
        let unrouted = match answer {
            StatusCode::METHOD_NOT_ALLOWED => true,
            StatusCode::NOT_FOUND => {
                let (_, _, problem) = call(&app, m.clone(), &uri, Some(&token), body).await;
                problem["title"] == "no such route"
            }
            _ => false,
        };
        if unrouted {
            failures.push(format!(
                "{method} {path} is described but not routed: {answer}"
            ));
        }
        // … that the permission table names (else only admins could use
        // it, and no token at all) …
        if permits::needed(&m, &uri) == Need::Permit(Action::Administer) {
            failures.push(format!(
                "{method} {path} has no row in the permission table"
            ));
        }
        // … and this file's table too.
        let listed = TOKEN_EXPECT
            .iter()
            .any(|(tm, _, turi, _, _)| *tm == method && sample_of_expect(turi) == uri);
        if !listed {
            failures.push(format!("{method} {path} has no row in TOKEN_EXPECT"));
        }
    }
    // Every API row of the permission table is described.
    for (method, pattern, _) in permits::PERMITS
        .iter()
        .filter(|r| r.1.starts_with("/api/v1/"))
    {
        let covered = described
            .iter()
            .any(|(m, p)| m == method && pattern_covers(pattern, &sample(p)));
        if !covered {
            failures.push(format!(
                "{method} {pattern} is in the permission table but not described"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The check can fail: a path no route has is "no such route".
    let (answer, _, problem) = call(
        &app,
        Method::GET,
        "/api/v1/no-such-thing",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        (answer, problem["title"].as_str()),
        (StatusCode::NOT_FOUND, Some("no such route"))
    );
}

/// The sample URI of a TOKEN_EXPECT row, with its values as `sample` writes them.
fn sample_of_expect(uri: &str) -> String {
    uri.replace("/abc", "/1")
}

fn pattern_covers(pattern: &str, uri: &str) -> bool {
    let want: Vec<&str> = pattern.split('/').collect();
    let got: Vec<&str> = uri.split('/').collect();
    if want.last() == Some(&"*") {
        return got.len() >= want.len()
            && want[..want.len() - 1]
                .iter()
                .zip(&got)
                .all(|(w, g)| w == g || *w == "{}");
    }
    want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| w == g || *w == "{}")
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_validator_and_a_generated_client_read_the_document(pool: SqlitePool) {
    let app = app(pool).await;
    for line in crate::common::call_sequence() {
        deliver(&app, serde_json::from_str(&line).unwrap()).await;
    }
    for i in 0..4 {
        deliver(
            &app,
            crate::common::events::said(&format!("quiet-{i}"), "user", "hello").json(),
        )
        .await;
    }
    let token = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    let (_, _, expected) = get(&app, "/api/v1/calls?q=-has:tool_error&limit=100", &token).await;
    let expected = super::call_ids(&expected);
    assert_eq!(expected.len(), 4);
    let base = receiver::serve(app.router.clone()).await;
    let script = format!("{}/tests/api/openapi_client.py", env!("CARGO_MANIFEST_DIR"));
    let out = tokio::task::spawn_blocking(move || {
        run_python(
            &[&script, &base, &token, "-has:tool_error"],
            "",
            "openapi-spec-validator and openapi-python-client (.ci/setup installs them)",
        )
    })
    .await
    .unwrap();
    let out: Value = serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)));
    assert_eq!(out["openapi"], "3.1.0");
    assert_eq!(out["valid"], true);
    let ids: Vec<String> = serde_json::from_value(out["ids"].clone()).unwrap();
    assert_eq!(
        ids, expected,
        "the generated client pages through the same calls"
    );
    assert_eq!(out["wrong_token_status"], 401);
    assert_eq!(
        out["wrong_token_problem"], "Problem",
        "{}",
        out["generator_output"]
    );
}
