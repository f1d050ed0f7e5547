//! The theme choice on the server: read from the request for the page's
//! first byte, and `POST /theme` (the switcher's form without JavaScript).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use crate::model::Theme;
use crate::server::http::auth::guard::safe_next;

/// The theme of the page being rendered, from its request's cookie.
pub fn current() -> Theme {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(Theme::from_cookie_header)
        })
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub struct ThemeForm {
    theme: String,
    #[serde(default)]
    back: String,
}

/// `POST /theme`: keeps the choice and goes back to the page it was made on.
pub async fn choose(Form(form): Form<ThemeForm>) -> Response {
    let Some(theme) = Theme::parse(&form.theme) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown theme: choose system, light or dark",
        )
            .into_response();
    };
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, theme.cookie()),
            (header::LOCATION, safe_next(&form.back).to_string()),
        ],
    )
        .into_response()
}
