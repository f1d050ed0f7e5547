//! How far an export started from the calls list has gone.

use leptos::prelude::*;

use super::PageError;

use crate::model::export::ExportProgress;

#[server(endpoint = "load_export_progress")]
pub async fn load_export_progress(id: String) -> Result<Option<ExportProgress>, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_export_progress")?;
    Ok(state.exports.get(&id))
}
