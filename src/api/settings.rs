//! Loads the settings page: database size and contents, retention in force.

use leptos::prelude::*;

use crate::model::SettingsPage;

#[server(endpoint = "load_settings")]
pub async fn load_settings() -> Result<SettingsPage, ServerFnError> {
    use crate::server::views;
    let state = views::signed_in_state()?;
    views::settings_page(&state.store, &state.config)
        .await
        .map_err(|e| views::internal("the settings", e))
}
