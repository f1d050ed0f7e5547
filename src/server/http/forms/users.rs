//! `/settings/users`' forms: invite by a one-time link, change a role,
//! disable or enable an account, make a password-reset link, withdraw a
//! link. Each is written to the audit log; the last enabled admin cannot be
//! demoted or disabled.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use super::{back, storage, Fields, Outcome};
use crate::model::{format, AccountRole, FormError, Notice};
use crate::server::app::accounts::{link_path, new_link_secret, INVITE_HOURS, RESET_HOURS};
use crate::server::app::audit;
use crate::server::http::auth::actor::Acting;
use crate::server::http::page_data::NEW_LINK;
use crate::server::http::AppState;
use crate::server::store::invitations::LinkFor;
use crate::server::store::now_ms;
use crate::server::store::prelude::*;
use crate::server::store::users::{AccountChange, User};

const PAGE: &str = "/settings/users";

/// `POST /settings/users/invite`: `role`.
pub async fn invite(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    body: Bytes,
) -> Response {
    let Ok(role) = AccountRole::parse(Fields::parse(&body).get("role").unwrap_or_default()) else {
        return back(PAGE, None, Err(FormError::NoSuchRole));
    };
    let outcome = make_link(
        &state,
        &acting,
        &session,
        LinkFor::Invite(role),
        INVITE_HOURS,
    )
    .await;
    if outcome.is_ok() {
        let summary = format!("invited a new {} account", role.label().to_lowercase());
        audit::record(
            &state.store,
            &acting.actor,
            "user.invite",
            role.as_str(),
            &summary,
        )
        .await;
    }
    back(PAGE, None, outcome)
}

/// `POST /settings/users/{id}/reset`: a link that sets a new password.
pub async fn reset(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    let user = match account(&state, id).await {
        Ok(user) => user,
        Err(error) => return back(PAGE, None, Err(error)),
    };
    let outcome = make_link(&state, &acting, &session, LinkFor::Reset(id), RESET_HOURS).await;
    if outcome.is_ok() {
        let summary = "made a password-reset link";
        audit::record(
            &state.store,
            &acting.actor,
            "user.reset",
            &user.username,
            summary,
        )
        .await;
    }
    back(PAGE, None, outcome)
}

async fn make_link(
    state: &AppState,
    acting: &Acting,
    session: &Session,
    link: LinkFor,
    hours: i64,
) -> Outcome {
    let (secret, hash) = new_link_secret();
    let expires_at = now_ms() + hours * 3_600_000;
    state
        .store
        .create_link(&hash, link, Some(acting.user.id), expires_at)
        .await
        .map_err(storage)?;
    // Shown once, on the page this redirects to; only the hash is kept.
    if let Err(e) = session.insert(NEW_LINK, link_path(&secret)).await {
        tracing::error!(error = %e, "could not keep a new link for the page");
        return Err(FormError::Storage);
    }
    Ok(Notice::LinkMade)
}

/// `POST /settings/users/{id}/role`: `role`.
pub async fn set_role(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let Ok(role) = AccountRole::parse(Fields::parse(&body).get("role").unwrap_or_default()) else {
        return back(PAGE, None, Err(FormError::NoSuchRole));
    };
    let outcome = async {
        let user = account(&state, id).await?;
        changed(state.store.set_role(id, role).await, Notice::RoleChanged)?;
        let summary = format!("role {} → {role}", user.role);
        audit::record(
            &state.store,
            &acting.actor,
            "user.role",
            &user.username,
            &summary,
        )
        .await;
        Ok(Notice::RoleChanged)
    }
    .await;
    back(PAGE, None, outcome)
}

/// `POST /settings/users/{id}/disable`: the account's sessions end at once.
pub async fn disable(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    standing(&state, &acting, id, true).await
}

/// `POST /settings/users/{id}/enable`
pub async fn enable(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    standing(&state, &acting, id, false).await
}

async fn standing(state: &AppState, acting: &Acting, id: i64, disable: bool) -> Response {
    let (notice, action) = match disable {
        true => (Notice::UserDisabled, "user.disable"),
        false => (Notice::UserEnabled, "user.enable"),
    };
    let outcome = async {
        let user = account(state, id).await?;
        changed(state.store.set_disabled(id, disable).await, notice)?;
        let summary = match disable {
            true => "enabled → disabled",
            false => "disabled → enabled",
        };
        audit::record(&state.store, &acting.actor, action, &user.username, summary).await;
        Ok(notice)
    }
    .await;
    back(PAGE, None, outcome)
}

/// `POST /settings/users/links/{id}/revoke`
pub async fn revoke(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    let outcome = match state.store.revoke_link(id).await {
        Ok(true) => {
            let target = format!("link {id}");
            let summary = format!("withdrew the link at {}", format::datetime(now_ms()));
            audit::record(
                &state.store,
                &acting.actor,
                "user.link-revoke",
                &target,
                &summary,
            )
            .await;
            Ok(Notice::LinkRevoked)
        }
        Ok(false) => Err(FormError::NoSuchLink),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

async fn account(state: &AppState, id: i64) -> Result<User, FormError> {
    match state.store.user_by_id(id).await {
        Ok(Some(user)) => Ok(user),
        Ok(None) => Err(FormError::NoSuchUser),
        Err(e) => Err(storage(e)),
    }
}

fn changed(change: Result<AccountChange, crate::server::store::Error>, notice: Notice) -> Outcome {
    match change.map_err(storage)? {
        AccountChange::Changed => Ok(notice),
        AccountChange::NoSuchUser => Err(FormError::NoSuchUser),
        AccountChange::LastAdmin => Err(FormError::LastAdmin),
    }
}
