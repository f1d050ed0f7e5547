//! Dashboard accounts and sessions: the session layer, the guard in front of
//! every page, server function and live stream, the sign-in forms' routes,
//! and login throttling.

pub mod actor;
pub mod guard;
pub mod invite;
pub mod password;
pub mod permits;
pub mod routes;
pub mod setup_code;
pub mod sso;
pub mod throttle;

use serde::{Deserialize, Serialize};
use tower_sessions::cookie::{time, SameSite};
use tower_sessions::session::Id;
use tower_sessions::{Expiry, Session, SessionManagerLayer, SessionStore as _};

use crate::model::AccountRole;
use crate::server::config::ServeConfig;
use crate::server::store::prelude::*;
use crate::server::store::{now_ms, Sessions, Store, User};

/// The session cookie's name.
pub const COOKIE: &str = "calltrail_session";
/// Where the signed-in account is kept in the session.
const SESSION_KEY: &str = "account";

/// What a session remembers about who signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SignedIn {
    user_id: i64,
    at_ms: i64,
}

/// The account behind a request; the guard puts it in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub role: AccountRole,
}

/// Sessions in the database (so they survive restarts), in an `HttpOnly`,
/// `SameSite=Lax` cookie that ends after the configured idle time.
pub fn session_layer(store: &Store, config: &ServeConfig) -> SessionManagerLayer<Sessions> {
    SessionManagerLayer::new(store.sessions())
        .with_name(COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.cookies_secure())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(i64::from(
            config.session_idle_minutes,
        ))))
}

/// Deletes expired sessions every hour, for as long as the server runs.
pub fn spawn_session_cleanup(store: &Store) {
    use tower_sessions::session_store::ExpiredDeletion;
    let sessions = store.sessions();
    tokio::spawn(async move {
        if let Err(e) = sessions
            .continuously_delete_expired(tokio::time::Duration::from_secs(3600))
            .await
        {
            tracing::warn!(error = %e, "the expired-session cleanup stopped");
        }
    });
}

/// The account signed in on `session`, if the session is still valid: within
/// its absolute lifetime, and not older than the account's last password change.
pub async fn current_user(
    store: &Store,
    session: &Session,
    max_hours: u32,
) -> anyhow::Result<Option<CurrentUser>> {
    let Some(signed_in) = session.get::<SignedIn>(SESSION_KEY).await? else {
        return Ok(None);
    };
    let user = valid_user(store, &signed_in, max_hours).await?;
    if user.is_none() {
        session.flush().await?;
    }
    Ok(user)
}

/// The account the session with `id` is signed in as, read afresh from the
/// session store: `None` once it was signed out, expired, its account's
/// password changed or the account was disabled. Long-lived requests (live
/// streams) ask this as they go, and end when the answer changes.
pub async fn still_signed_in(
    store: &Store,
    id: &Id,
    max_hours: u32,
) -> anyhow::Result<Option<CurrentUser>> {
    let Some(record) = store.sessions().load(id).await? else {
        return Ok(None);
    };
    let Some(value) = record.data.get(SESSION_KEY) else {
        return Ok(None);
    };
    let signed_in: SignedIn = serde_json::from_value(value.clone())?;
    valid_user(store, &signed_in, max_hours).await
}

async fn valid_user(
    store: &Store,
    signed_in: &SignedIn,
    max_hours: u32,
) -> anyhow::Result<Option<CurrentUser>> {
    let max_ms = i64::from(max_hours) * 3_600_000;
    let user = store.user_by_id(signed_in.user_id).await?;
    Ok(user
        .filter(|user| {
            now_ms() - signed_in.at_ms < max_ms
                && signed_in.at_ms >= user.password_changed_at
                && !user.is_disabled()
        })
        .map(|user| CurrentUser {
            id: user.id,
            username: user.username,
            role: user.role,
        }))
}

/// Signs `user` in on `session`, under a new session id (no fixation).
pub async fn sign_in(session: &Session, user: &User) -> anyhow::Result<()> {
    session.cycle_id().await?;
    session
        .insert(
            SESSION_KEY,
            SignedIn {
                user_id: user.id,
                at_ms: now_ms(),
            },
        )
        .await?;
    Ok(())
}

/// Creates the admin account from `CALLTRAIL_ADMIN_USER`/`_PASSWORD` when
/// there is no account yet.
pub async fn ensure_admin(store: &Store, config: &ServeConfig) -> anyhow::Result<()> {
    let (Some(user), Some(pass)) = (&config.admin_user, &config.admin_password) else {
        if config.admin_user.is_some() != config.admin_password.is_some() {
            anyhow::bail!("set both CALLTRAIL_ADMIN_USER and CALLTRAIL_ADMIN_PASSWORD, or neither");
        }
        return Ok(());
    };
    if store.has_users().await? {
        return Ok(());
    }
    password::check_new(user, &pass.0).map_err(anyhow::Error::msg)?;
    let hash = password::hash(pass.0.clone()).await;
    if store.create_first_user(user.trim(), &hash).await?.is_some() {
        tracing::info!(
            username = user.trim(),
            "created the admin account from CALLTRAIL_ADMIN_USER"
        );
    }
    Ok(())
}
