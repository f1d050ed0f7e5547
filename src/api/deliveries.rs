//! Loads a page of the delivery log.

use leptos::prelude::*;

use crate::model::{DeliveriesPage, DeliveryFilter};

#[server(endpoint = "load_deliveries")]
pub async fn load_deliveries(
    page: u32,
    filter: DeliveryFilter,
) -> Result<DeliveriesPage, ServerFnError> {
    use crate::server::views;
    let state = views::signed_in_state()?;
    views::deliveries_page(&state.store, page, filter)
        .await
        .map_err(|e| views::internal("the delivery log", e))
}
