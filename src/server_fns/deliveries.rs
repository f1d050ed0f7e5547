//! Loads a page of the delivery log.

use leptos::prelude::*;

use super::PageError;

use crate::model::{DeliveriesPage, DeliveryFilter};

#[server(endpoint = "load_deliveries")]
pub async fn load_deliveries(
    page: u32,
    filter: DeliveryFilter,
) -> Result<DeliveriesPage, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_deliveries")?;
    page_data::deliveries_page(&state.store, page, filter)
        .await
        .map_err(|e| page_data::internal("the delivery log", e))
}
