//! A call's voice metrics: as cells of the calls list and as the call
//! header's list. An untrusted figure is marked `≈` and says why (on hover
//! in the list, in words in the header, and to screen readers in both).

use leptos::prelude::*;

use crate::model::metrics::{CallMetrics, Shown};

/// The list's metric cells of one call (empty cells before it is measured).
#[component]
pub fn MetricCells(metrics: Option<CallMetrics>) -> impl IntoView {
    match metrics {
        Some(m) => m
            .shown()
            .into_iter()
            .map(|s| {
                let title = match &s.untrusted {
                    Some(why) => format!("{} — untrusted: {why}", s.detail),
                    None => s.detail.clone(),
                };
                let untrusted = s.untrusted.is_some();
                view! {
                    <td data-label=s.label class="metric" class:untrusted=untrusted title=title>
                        {s.text}
                        {s.untrusted.map(|why| view! { <span class="sr-only">{format!(" (untrusted: {why})")}</span> })}
                    </td>
                }
            })
            .collect_view()
            .into_any(),
        None => view! {
            {["Latency", "Stall", "Interruptions", "Talk", "Tools"].map(|label| view! {
                <td data-label=label class="metric muted" title="Not measured yet">"…"</td>
            })}
        }
        .into_any(),
    }
}

/// The call header's metrics, each with what it stands for; the untrusted
/// ones marked, with their reasons listed once below.
#[component]
pub fn MetricsList(#[prop(into)] metrics: Signal<Option<CallMetrics>>) -> impl IntoView {
    move || {
        metrics.get().map(|m| {
            let shown: Vec<Shown> = m.shown().into_iter().chain([m.ending_shown()]).collect();
            let notes = reasons(&shown);
            view! {
                <dl class="metrics" aria-label="Voice metrics">
                    {shown.into_iter().map(metric).collect_view()}
                </dl>
                {(!notes.is_empty()).then(|| view! {
                    <ul class="untrusted-notes">
                        {notes.into_iter().map(|(labels, why)| view! {
                            <li><strong>{format!("≈ {}", labels.join(", "))}</strong>" untrusted: "{why}</li>
                        }).collect_view()}
                    </ul>
                })}
            }
        })
    }
}

/// Each distinct reason with the metrics it makes untrusted.
fn reasons(shown: &[Shown]) -> Vec<(Vec<&'static str>, String)> {
    let mut notes: Vec<(Vec<&'static str>, String)> = Vec::new();
    for s in shown {
        let Some(why) = &s.untrusted else { continue };
        match notes.iter_mut().find(|(_, w)| w == why) {
            Some((labels, _)) => labels.push(s.label),
            None => notes.push((vec![s.label], why.clone())),
        }
    }
    notes
}

fn metric(s: Shown) -> impl IntoView {
    let untrusted = s.untrusted.is_some();
    view! {
        <div class="metric" class:untrusted=untrusted>
            <dt>{s.label}</dt>
            <dd title=s.detail.clone()>{s.text}</dd>
        </div>
    }
}
