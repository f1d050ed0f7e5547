//! The dashboard's form posts — alert actions, rules, channels, destinations
//! and the outbox — as plain HTML forms, so each works with and without
//! JavaScript. Every handler answers with a redirect (303) back to its page,
//! carrying a one-line notice or error that the page shows.

mod alerts;
mod automation;
mod rules;
mod saved_views;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use crate::model::format;
use crate::server::auth::guard::safe_next;
use crate::server::AppState;

/// The form routes (behind the dashboard's session guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/alerts/{id}/act", post(alerts::act))
        .route("/alerts/rules", post(rules::create))
        .route("/alerts/rules/{id}", post(rules::update))
        .route("/alerts/rules/{id}/delete", post(rules::delete))
        .route("/automations/channels", post(automation::create_channel))
        .route(
            "/automations/channels/{id}/test",
            post(automation::test_channel),
        )
        .route(
            "/automations/channels/{id}/delete",
            post(automation::delete_channel),
        )
        .route(
            "/automations/destinations",
            post(automation::create_destination),
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

    /// A number field; `Err` says which field and why.
    pub fn number<T: std::str::FromStr>(
        &self,
        key: &str,
        label: &str,
    ) -> Result<Option<T>, String> {
        self.get(key)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("{label} must be a number (got {v:?})"))
            })
            .transpose()
    }
}

/// What a form post did, said on the page it returns to.
pub type Outcome = Result<String, String>;

/// 303 to `page` (a local path; `back` from the form when it is local),
/// with the outcome in the query.
pub fn back(page: &str, fields: Option<&Fields>, outcome: Outcome) -> Response {
    let page = fields
        .and_then(|f| f.get("back"))
        .map(safe_next)
        .filter(|p| *p != "/")
        .unwrap_or(page);
    let (key, text) = match &outcome {
        Ok(notice) => ("notice", notice.as_str()),
        Err(error) => ("error", error.as_str()),
    };
    let location = if text.is_empty() {
        page.to_string()
    } else {
        let sep = if page.contains('?') { '&' } else { '?' };
        format!("{page}{sep}{key}={}", format::url_segment(text))
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// The message for a storage failure behind a form.
pub fn storage(e: sqlx::Error) -> String {
    tracing::error!(error = %e, "a form could not be saved");
    "the database did not answer; nothing was changed — try again".into()
}
