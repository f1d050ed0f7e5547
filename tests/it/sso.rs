//! Single sign-on against a real, certified OpenID Provider (`oidc-provider`
//! from npm, run by Node on loopback: `end2end/oidc/provider.mjs`): the
//! happy path with roles from groups, and the refusals — a wrong `state`, a
//! wrong `nonce`, an expired token, a token from another issuer, a replayed
//! callback.

use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sqlx::SqlitePool;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tower::ServiceExt;

use crate::common::{app_with, page_as, TestApp};
use calltrail::model::AccountRole;
use calltrail::server::config::Secret;
use calltrail::server::store::audit::AuditFilter;
use calltrail::server::store::prelude::*;

const CLIENT_ID: &str = "calltrail";
const CLIENT_SECRET: &str = "test-secret-0123456789";
/// Nobody listens here: the test's browser stops at the redirect to it and
/// hands the answer to the app.
const CALLBACK: &str = "http://127.0.0.1:1/sso/callback";

/// The provider, running until dropped.
struct Provider {
    issuer: String,
    _child: Child,
    _stdin: ChildStdin,
}

impl Provider {
    async fn start() -> Provider {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/end2end");
        assert!(
            std::path::Path::new(dir)
                .join("node_modules/oidc-provider")
                .is_dir(),
            "the OpenID Provider is not installed: run `npm ci` in {dir} (.ci/setup does)"
        );
        let mut child = Command::new("node")
            .current_dir(dir)
            .args(["oidc/provider.mjs", "--port", "0", "--client-id", CLIENT_ID])
            .args(["--client-secret", CLIENT_SECRET, "--redirect-uri", CALLBACK])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let stdin = child.stdin.take().unwrap();
        echo(child.stderr.take().unwrap());
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let issuer = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(issuer) = line.strip_prefix("ready ") {
                    return issuer.to_string();
                }
            }
            panic!("the provider stopped before it was ready")
        })
        .await
        .expect("the provider starts within 30 s");
        echo(lines.into_inner().into_inner());
        Provider {
            issuer,
            _child: child,
            _stdin: stdin,
        }
    }

    /// How the provider's next ID tokens look: `normal`, `expired`,
    /// `other-issuer` or `wrong-nonce` (see end2end/oidc/README.md).
    async fn control(&self, mode: &str) {
        let status = reqwest::Client::new()
            .post(format!("{}/__control", self.issuer))
            .header("content-type", "application/json")
            .body(format!(r#"{{"mode":"{mode}"}}"#))
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success(), "control {mode}: {status}");
    }
}

/// Keeps reading the provider's output (a closed pipe would stop it).
fn echo(output: impl tokio::io::AsyncRead + Unpin + Send + 'static) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(output).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            eprintln!("provider: {line}");
        }
    });
}

async fn app_signing_on(pool: SqlitePool, provider: &Provider) -> TestApp {
    let issuer = provider.issuer.clone();
    app_with(pool, move |config| {
        config.sso.issuer = Some(issuer);
        config.sso.client_id = Some(CLIENT_ID.into());
        config.sso.client_secret = Some(Secret(CLIENT_SECRET.into()));
        config.sso.redirect_url = Some(CALLBACK.into());
        config.sso.role_groups = Some("admin=calltrail-admins,editor=support".into());
    })
    .await
}

/// A browser between `/sso/start` and the callback.
struct Attempt {
    cookie: String,
    /// The callback's query, as the provider sent it.
    callback: String,
}

/// Starts signing in on the app, and plays the browser at the provider as
/// `user` until it is sent back to calltrail's callback.
async fn attempt(app: &TestApp, user: &str) -> Attempt {
    let response = app
        .router
        .clone()
        .oneshot(
            Request::get("/sso/start?next=/insights")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let mut url = reqwest::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    url.query_pairs_mut().append_pair("login_hint", user);
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut jar: HashMap<String, String> = HashMap::new();
    for _ in 0..10 {
        let cookies: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let answer = browser
            .get(url.clone())
            .header("cookie", cookies.join("; "))
            .send()
            .await
            .unwrap();
        for set in answer.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            if let Some((name, value)) = pair.split_once('=') {
                jar.insert(name.to_string(), value.to_string());
            }
        }
        let location = answer.headers()["location"].to_str().unwrap().to_string();
        url = url.join(&location).unwrap();
        if url.as_str().starts_with(CALLBACK) {
            let callback = url.query().unwrap_or_default().to_string();
            return Attempt { cookie, callback };
        }
    }
    panic!("the provider never sent the browser back");
}

/// Hands the provider's answer (maybe altered) to the app: where it sends
/// the browser, and the session cookie it sets.
async fn finish(app: &TestApp, attempt: &Attempt, query: &str) -> (String, Option<String>) {
    let request = Request::get(format!("/sso/callback?{query}"))
        .header("cookie", &attempt.cookie)
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = response.headers()["location"].to_str().unwrap().to_string();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string());
    (to, cookie)
}

async fn last_refusal(app: &TestApp) -> String {
    let filter = AuditFilter {
        action: Some("auth.sign-in-failed".into()),
        ..AuditFilter::default()
    };
    let entries = app.state.store.audit_entries(&filter, 0, 1).await.unwrap();
    entries
        .first()
        .map(|e| e.summary.clone())
        .unwrap_or_default()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn signing_in_makes_the_account_with_the_role_its_groups_give(pool: SqlitePool) {
    let provider = Provider::start().await;
    let app = app_signing_on(pool, &provider).await;
    let (status, login) = page_as(&app, None, "/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        login.contains("Sign in with single sign-on"),
        "{login:.600}"
    );

    let alice = attempt(&app, "alice").await;
    let (to, cookie) = finish(&app, &alice, &alice.callback).await;
    assert_eq!(to, "/insights");
    let cookie = cookie.expect("a session");
    let (status, _) = page_as(&app, Some(&cookie), "/settings/users").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "alice is an admin through her group"
    );
    let user = app
        .state
        .store
        .user_by_name("alice")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, AccountRole::Admin);
    assert_eq!(
        user.sso_identity
            .as_deref()
            .map(|i| i.starts_with(&provider.issuer)),
        Some(true)
    );
    // The same callback twice: the attempt was used up.
    let (to, cookie) = finish(&app, &alice, &alice.callback).await;
    assert!(to.starts_with("/login?error=sso-expired"), "{to}");
    assert!(cookie.is_none() || !to.starts_with("/insights"));

    for (user, role) in [("bob", AccountRole::Editor), ("carol", AccountRole::Viewer)] {
        let a = attempt(&app, user).await;
        let (to, _) = finish(&app, &a, &a.callback).await;
        assert_eq!(to, "/insights", "{user}");
        let account = app.state.store.user_by_name(user).await.unwrap().unwrap();
        assert_eq!(account.role, role, "{user}");
    }
    let entries = app
        .state
        .store
        .audit_entries(&AuditFilter::default(), 0, 50)
        .await
        .unwrap();
    assert!(entries.iter().any(|e| e.action == "auth.sign-in"
        && e.actor == "bob"
        && e.summary.contains("single sign-on")));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn each_untrustworthy_answer_is_refused(pool: SqlitePool) {
    let provider = Provider::start().await;
    let app = app_signing_on(pool, &provider).await;

    // A state that is not this session's.
    let a = attempt(&app, "alice").await;
    let forged = a.callback.replace("state=", "state=x");
    let (to, cookie) = finish(&app, &a, &forged).await;
    assert!(to.starts_with("/login?error=sso-invalid"), "{to}");
    let session = cookie.unwrap_or_else(|| a.cookie.clone());
    let (status, _) = page_as(&app, Some(&session), "/").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a refused sign-in signs nobody in"
    );
    assert!(last_refusal(&app)
        .await
        .contains("does not belong to this session"));

    for (mode, why) in [
        ("wrong-nonce", "issued for another sign-in attempt"),
        ("expired", "has expired"),
        ("other-issuer", "unexpected issuer"),
        ("bad-signature", "signature is not valid"),
    ] {
        provider.control(mode).await;
        let a = attempt(&app, "alice").await;
        let (to, _) = finish(&app, &a, &a.callback).await;
        assert!(to.starts_with("/login?error=sso-invalid"), "{mode}: {to}");
        let said = last_refusal(&app).await;
        assert!(said.contains(why), "{mode}: {said}");
    }
    provider.control("normal").await;
    assert!(app
        .state
        .store
        .user_by_name("alice")
        .await
        .unwrap()
        .is_none());
    let a = attempt(&app, "alice").await;
    let (to, _) = finish(&app, &a, &a.callback).await;
    assert_eq!(to, "/insights");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn with_passwords_off_only_single_sign_on_signs_in(pool: SqlitePool) {
    let provider = Provider::start().await;
    let issuer = provider.issuer.clone();
    // No signed-in admin: passwords do not sign in.
    let app = crate::common::bare_app(pool, move |config| {
        config.sso.issuer = Some(issuer);
        config.sso.client_id = Some(CLIENT_ID.into());
        config.sso.client_secret = Some(Secret(CLIENT_SECRET.into()));
        config.sso.redirect_url = Some(CALLBACK.into());
        config.sso.passwords = false;
    })
    .await;
    let hash = calltrail::server::http::auth::password::hash("correct horse battery".into()).await;
    app.state
        .store
        .create_first_user("admin", &hash)
        .await
        .unwrap();
    let (_, login) = page_as(&app, None, "/login").await;
    assert!(login.contains("Sign in with single sign-on"));
    assert!(!login.contains("name=\"password\""), "{login:.800}");
    let (_, to, cookie) = crate::common::submit_as(
        &app,
        None,
        "/login",
        "username=admin&password=correct+horse+battery",
    )
    .await;
    assert!(to.starts_with("/login?error=passwords-off"), "{to}");
    assert!(cookie.is_none());
}
