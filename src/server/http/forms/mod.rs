//! The dashboard's form posts — alert actions, rules, channels, destinations
//! and the outbox — as plain HTML forms, so each works with and without
//! JavaScript. Every handler answers with a redirect (303) back to its page,
//! carrying the code of a notice or error ([`crate::model::notice`]) that
//! the page shows.

mod alerts;
mod automation;
mod channels;
mod password;
mod queues;
mod review;
mod rules;
mod saved_views;
mod settings;
mod shares;
mod tokens;
mod users;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::model::{FormError, Notice};
use crate::server::http::auth::guard::safe_next;
use crate::server::http::AppState;
use crate::server::store;

/// The form routes (behind the dashboard's session guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/alerts/{id}/act", post(alerts::act))
        .route("/alerts/issues/act", post(alerts::act_on_issues))
        .route("/alerts/rules", post(rules::create))
        .route("/alerts/rules/{id}", post(rules::update))
        .route("/alerts/rules/{id}/delete", post(rules::delete))
        .route("/automations/channels", post(channels::create_channel))
        .route(
            "/automations/channels/{id}/test",
            post(channels::test_channel),
        )
        .route(
            "/automations/channels/{id}/delete",
            post(channels::delete_channel),
        )
        .route(
            "/automations/destinations",
            post(automation::create_destination),
        )
        .route(
            "/automations/destinations/{id}/test",
            post(automation::test_destination),
        )
        .route(
            "/automations/destinations/{id}/pause",
            post(automation::pause),
        )
        .route(
            "/automations/destinations/{id}/resume",
            post(automation::resume),
        )
        .route(
            "/automations/destinations/{id}/replay",
            post(automation::replay),
        )
        .route(
            "/automations/destinations/{id}/delete",
            post(automation::delete_destination),
        )
        .route(
            "/automations/outbox/{id}/redeliver",
            post(automation::redeliver),
        )
        .route("/settings/password", post(password::change))
        .route("/settings/retention", post(settings::retention))
        .route("/settings/delete-call", post(settings::delete_call))
        .route("/settings/tokens", post(tokens::create))
        .route("/settings/tokens/{id}/revoke", post(tokens::revoke))
        .route("/settings/users/invite", post(users::invite))
        .route("/settings/users/links/{id}/revoke", post(users::revoke))
        .route("/settings/users/{id}/role", post(users::set_role))
        .route("/settings/users/{id}/disable", post(users::disable))
        .route("/settings/users/{id}/enable", post(users::enable))
        .route("/settings/users/{id}/reset", post(users::reset))
        .route("/compare/ticked", get(review::compare_ticked))
        .route("/review/notes", post(review::add_note))
        .route("/review/notes/{id}", post(review::edit_note))
        .route("/review/notes/{id}/delete", post(review::delete_note))
        .route("/review/flag", post(review::flag))
        .route("/review/verdict", post(review::verdict))
        .route("/review/shares", post(shares::create))
        .route("/review/shares/{id}/revoke", post(shares::revoke))
        .route("/review/queues", post(queues::create))
        .route("/review/queues/{id}/delete", post(queues::delete))
        .route("/review/queues/{id}/next", post(queues::next))
        .route("/review/reasons", post(queues::add_reason))
        .route("/review/reasons/retire", post(queues::retire_reason))
        .route("/review/viewers", post(queues::viewers))
        .route("/views", post(saved_views::save))
        .route("/views/{id}/delete", post(saved_views::delete))
}

/// A form's fields as posted (`application/x-www-form-urlencoded`); a key
/// may repeat (checkboxes).
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Self {
        Fields(url::form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of `key`, trimmed; `None` when missing or blank.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Every non-blank value of `key`.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A checkbox: ticked when posted with any value.
    pub fn ticked(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// A number field; `Err` is `invalid`, the error that names the field.
    pub fn number<T: std::str::FromStr>(
        &self,
        key: &str,
        invalid: FormError,
    ) -> Result<Option<T>, FormError> {
        self.get(key)
            .map(|v| v.parse().map_err(|_| invalid))
            .transpose()
    }
}

/// What a form post did, said on the page it returns to.
pub type Outcome = Result<Notice, FormError>;

/// 303 to `page` (a local path; `back` from the form when it is local),
/// with the outcome's code in the query.
pub fn back(page: &str, fields: Option<&Fields>, outcome: Outcome) -> Response {
    let said = match outcome {
        Ok(notice) => format!("notice={}", notice.code()),
        Err(error) => format!("error={}", error.code()),
    };
    let page = return_to(page, fields);
    let sep = if page.contains('?') { '&' } else { '?' };
    see_other(format!("{page}{sep}{said}"))
}

/// 303 back to `page` with `error`, keeping what was typed into the form
/// named `form`: each of the `keep` fields (never a secret) goes back as
/// `f_<name>` for the page to fill in again, so a refused save loses
/// nothing.
pub fn back_keeping(
    page: &str,
    fields: &Fields,
    error: FormError,
    form: &str,
    keep: &[&str],
) -> Response {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("error", error.code());
    query.append_pair("form", form);
    for (key, value) in fields.0.iter().filter(|(k, _)| keep.contains(&k.as_str())) {
        query.append_pair(&format!("f_{key}"), value);
    }
    see_other(format!("{page}?{}", query.finish()))
}

/// 303 to `page` as [`back`] does, saying nothing: the page itself shows
/// what changed.
pub fn back_quietly(page: &str, fields: Option<&Fields>) -> Response {
    see_other(return_to(page, fields).to_string())
}

fn return_to<'a>(page: &'a str, fields: Option<&'a Fields>) -> &'a str {
    fields
        .and_then(|f| f.get("back"))
        .map(safe_next)
        .filter(|p| *p != "/")
        .unwrap_or(page)
}

fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// The error for a storage failure behind a form (logged here).
pub fn storage(e: store::Error) -> FormError {
    tracing::error!(error = %e, "a form could not be saved");
    FormError::Storage
}
