//! Loads the settings page: database size and contents, retention in force.

use leptos::prelude::*;

use super::PageError;

use crate::model::SettingsPage;

#[server(endpoint = "load_settings")]
pub async fn load_settings() -> Result<SettingsPage, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_settings")?;
    page_data::settings_page(&state.store, &state.config, &state.redaction)
        .await
        .map_err(|e| page_data::internal("the settings", e))
}
