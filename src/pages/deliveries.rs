//! `/deliveries`: every request that reached a webhook route, newest first,
//! rejected ones with their reason and body; each with the event it stored
//! in a line. A GET form narrows it (outcome, HTTP status, event kind, call,
//! text in the body), so a filtered log is a link. Above it, what traced
//! frameworks sent that no mapper reads.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{page_param, LoadError};
use crate::components::{use_live_stream, LiveIndicator, Moment, Pager, RawJson, UnmappedReport};
use crate::model::platform::Platforms;
use crate::model::{
    event_link, format, DeliveriesPage as Data, Delivery, DeliveryFilter, DeliveryOutcome,
    EVENT_KINDS,
};
use crate::server_fns::load_deliveries;

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let page = page_param();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            let text = |key: &str| {
                q.get(key)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            DeliveryFilter {
                outcome: text("outcome").and_then(|o| DeliveryOutcome::try_from(o).ok()),
                status: text("status").and_then(|s| s.parse().ok()),
                kind: text("kind"),
                call: text("call"),
                text: text("text"),
            }
        })
    });
    let data = Resource::new(
        move || (page.get(), filter.get()),
        |(page, filter)| load_deliveries(page, filter),
    );
    view! {
        <Title text="Deliveries"/>
        <div class="page-head">
            <h1>"Deliveries"</h1>
            // Reloads this page of the log, within its filters.
            <a class="button" href=move || refresh_link(page.get(), &filter.get()) rel="external">"Refresh"</a>
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

/// `/deliveries?page=N` with the filters in force.
fn refresh_link(page: u32, filter: &DeliveryFilter) -> String {
    match filter.to_query() {
        q if q.is_empty() => format!("/deliveries?page={page}"),
        q => format!("/deliveries?page={page}&{q}"),
    }
}

#[component]
fn DeliveriesView(data: Data) -> impl IntoView {
    let Data {
        filter,
        deliveries,
        page,
        has_more,
        cursor,
        unmapped,
    } = data;
    let filtered = !filter.is_empty();
    let base = match filter.to_query() {
        q if q.is_empty() => "/deliveries".to_string(),
        q => format!("/deliveries?{q}"),
    };
    // The first page takes new deliveries (within its filters) as they are written.
    let rows = RwSignal::new(deliveries);
    let link = (page == 1).then(|| {
        let path = match filter.to_query() {
            q if q.is_empty() => "/api/live/deliveries".to_string(),
            q => format!("/api/live/deliveries?{q}"),
        };
        use_live_stream(path, cursor, move |data| {
            if let Ok(delivery) = serde_json::from_str::<Delivery>(&data) {
                rows.update(|rows| {
                    if !rows.iter().any(|d| d.id == delivery.id) {
                        rows.insert(0, delivery);
                    }
                });
            }
        })
    });
    let empty = move || rows.with(Vec::is_empty);
    // The filters, once there is something to filter.
    let show_filters = filtered || !rows.with_untracked(Vec::is_empty);
    view! {
        {show_filters.then(|| view! { <FilterForm filter=filter.clone()/> })}
        {(!unmapped.is_empty()).then(|| view! { <UnmappedReport unmapped/> })}
        {link.map(|state| view! { <p class="live-log"><LiveIndicator state/></p> })}
        <Show when=empty>
            {if filtered {
                view! { <p class="muted">"No delivery matches these filters. " <a href="/deliveries">"Show all"</a></p> }.into_any()
            } else {
                view! {
                    <section class="empty">
                        <h2>"No deliveries yet"</h2>
                        <p>"Every request to a webhook route ("
                           {routes()}
                           ") is logged here as it comes — accepted, duplicate or rejected, with its body."</p>
                    </section>
                }.into_any()
            }}
        </Show>
        <ul class="deliveries">
            <For each=move || rows.get() key=|d| d.id let(d)>
                <DeliveryRow d/>
            </For>
        </ul>
        <Pager base page has_more/>
    }
}

/// The filters, as a GET form (works without JavaScript).
#[component]
fn FilterForm(filter: DeliveryFilter) -> impl IntoView {
    let outcome = filter
        .outcome
        .map(DeliveryOutcome::as_str)
        .unwrap_or_default();
    let kind = filter.kind.clone().unwrap_or_default();
    view! {
        <form class="filters" method="get" action="/deliveries" role="search" aria-label="Filter deliveries">
            <label>"Outcome"
                <select name="outcome">
                    <option value="" selected=outcome.is_empty()>"any"</option>
                    {["accepted", "duplicate", "rejected"].into_iter().map(|o| view! {
                        <option value=o selected=outcome == o>{o}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"HTTP status"
                <input type="number" name="status" min="100" max="599" value=filter.status.map(|s| s.to_string()) placeholder="any"/>
            </label>
            <label>"Event"
                <select name="kind">
                    <option value="" selected=kind.is_empty()>"any"</option>
                    {EVENT_KINDS.into_iter().map(|(k, label)| view! {
                        <option value=k selected=kind == k>{label}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Call"
                <input type="text" name="call" value=filter.call.clone() placeholder="call id"/>
            </label>
            <label>"Body contains"
                <input type="search" name="text" value=filter.text.clone() placeholder="text"/>
            </label>
            <button type="submit" class="button">"Filter"</button>
            {(!filter.is_empty()).then(|| view! { <a href="/deliveries">"Clear"</a> })}
        </form>
    }
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
                <Moment at=d.received_at/>
                {call}
                <span class="muted">{d.remote_addr.unwrap_or_default()}</span>
                <span class="muted">{d.content_type.unwrap_or_default()}</span>
            </div>
            {d.kind.clone().map(|k| {
                let label = EVENT_KINDS.iter().find(|(kind, _)| *kind == k).map_or(k.clone(), |(_, l)| l.to_string());
                view! {
                    <p class="delivery-event">
                        <span class="tag">{label}</span>
                        " " {d.preview.clone().map(|p| format::one_line(&p, 140))}
                    </p>
                }
            })}
            {d.error.map(|e| view! {
                <p class="error-text"><strong>{e}</strong>{d.detail.map(|x| format!(": {x}"))}</p>
            })}
            <RawJson label=body_label text=body open=rejected/>
            {full_body}
        </li>
    }
}

/// Every platform's webhook route, as a list of code spans.
fn routes() -> impl IntoView {
    let platforms = use_context::<Platforms>().unwrap_or_default();
    let mut routes: Vec<String> = platforms.0.iter().map(|p| p.route()).collect();
    routes.dedup();
    routes
        .into_iter()
        .enumerate()
        .map(|(i, route)| {
            view! {
                {(i > 0).then_some(", ")}
                <code>{route}</code>
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_keeps_the_filters() {
        assert_eq!(
            refresh_link(2, &DeliveryFilter::default()),
            "/deliveries?page=2"
        );
        let filter = DeliveryFilter {
            outcome: Some(DeliveryOutcome::Rejected),
            text: Some("bad json".into()),
            ..DeliveryFilter::default()
        };
        assert_eq!(
            refresh_link(1, &filter),
            "/deliveries?page=1&outcome=rejected&text=bad%20json"
        );
    }
}
