//! `/deliveries`: every request that reached a webhook route, newest first,
//! rejected ones with their reason and body.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{page_param, LoadError};
use crate::api::load_deliveries;
use crate::components::{Pager, RawJson};
use crate::model::{event_link, format, DeliveriesPage as Data, Delivery, DeliveryOutcome};

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let page = page_param();
    let data = Resource::new(move || page.get(), load_deliveries);
    view! {
        <Title text="Deliveries"/>
        <div class="page-head">
            <h1>"Deliveries"</h1>
            <a class="button" href=move || format!("/deliveries?page={}", page.get()) rel="external">"Refresh"</a>
        </div>
        <Suspense fallback=|| view! { <p class="loading">"Loading the delivery log…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <DeliveriesView data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DeliveriesView(data: Data) -> impl IntoView {
    let Data {
        deliveries,
        page,
        has_more,
    } = data;
    if deliveries.is_empty() {
        return view! {
            <section class="empty">
                <h2>"No deliveries yet"</h2>
                <p>"Every request to " <code>"/webhooks/infer"</code>
                   " is logged here — accepted, duplicate or rejected, with its body."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <ul class="deliveries">
            {deliveries.into_iter().map(|d| view! { <DeliveryRow d/> }).collect_view()}
        </ul>
        <Pager base="/deliveries" page has_more/>
    }
    .into_any()
}

#[component]
fn DeliveryRow(d: Delivery) -> impl IntoView {
    let outcome = d.outcome.as_str();
    let rejected = d.outcome == DeliveryOutcome::Rejected;
    let call = d.call_id.clone().map(|id| {
        let href = event_link(&id, None);
        view! { <a class="call-id" href=href>{id}</a> }
    });
    let body_label = match (d.body_truncated, d.body_cut()) {
        (true, _) => "body (cut at the size limit)",
        (false, true) => "body (start)",
        (false, false) => "body",
    };
    let full_body = d.body_cut().then(|| {
        let href = format!("/deliveries/{}/body", d.id);
        let size = format::bytes(d.body_len);
        view! {
            <a class="full-body" href=href rel="external" target="_blank">
                {format!("Whole body ({size})")}
            </a>
        }
    });
    let body = if d.body.is_empty() {
        "(empty)".to_string()
    } else {
        format::pretty_raw(&d.body)
    };
    view! {
        <li class=format!("delivery delivery-{outcome}") data-outcome=outcome data-delivery-id=d.id>
            <div class="delivery-head">
                <span class=format!("tag tag-{outcome}")>{outcome}</span>
                <span class="http-status">{d.http_status}</span>
                <time>{format::datetime(d.received_at)}</time>
                {call}
                <span class="muted">{d.remote_addr.unwrap_or_default()}</span>
                <span class="muted">{d.content_type.unwrap_or_default()}</span>
            </div>
            {d.error.map(|e| view! {
                <p class="error-text"><strong>{e}</strong>{d.detail.map(|x| format!(": {x}"))}</p>
            })}
            <RawJson label=body_label text=body open=rejected/>
            {full_body}
        </li>
    }
}
