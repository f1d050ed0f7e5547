//! A call's voice metrics: as cells of the calls list and as the call
//! header's list. An untrusted figure is marked `≈` and says why (on hover
//! in the list, in words in the header, and to screen readers in both).

use std::collections::HashMap;

use leptos::prelude::*;

use crate::model::metrics::{CallMetrics, Shown};

/// The metrics the calls list has columns for.
const LISTED: [&str; 3] = ["Latency", "Stall", "Tools"];

/// The list's metric cells of one call (empty cells before it is measured).
#[component]
pub fn MetricCells(metrics: Option<CallMetrics>) -> impl IntoView {
    match metrics {
        Some(m) => m
            .shown()
            .into_iter()
            .filter(|s| LISTED.contains(&s.label))
            .map(|s| {
                // Why a figure is an estimate is said once, under the list
                // ([`EstimatesNote`]); the cell says what it stands for.
                let untrusted = s.untrusted.is_some();
                view! {
                    <td data-label=s.label class="metric" class:untrusted=untrusted title=s.detail>
                        {s.text}
                        {untrusted.then(|| view! { <span class="sr-only">" (estimated)"</span> })}
                    </td>
                }
            })
            .collect_view()
            .into_any(),
        None => view! {
            {LISTED.map(|label| view! {
                <td data-label=label class="metric muted" title="Not measured yet">"…"</td>
            })}
        }
        .into_any(),
    }
}

/// The one line under the calls list that says why its `≈` figures are
/// estimates (nothing when none is).
#[component]
pub fn EstimatesNote(metrics: StoredValue<HashMap<String, CallMetrics>>) -> impl IntoView {
    let reasons = metrics.with_value(|all| {
        let mut reasons: Vec<String> = all
            .values()
            .flat_map(|m| m.shown())
            .filter(|s| LISTED.contains(&s.label))
            .filter_map(|s| s.untrusted)
            .collect();
        reasons.sort();
        reasons.dedup();
        reasons
    });
    (!reasons.is_empty()).then(|| {
        view! {
            <p class="estimates-note muted">
                "≈ marks an estimate: " {reasons.join("; ")} ". Hover a figure for what it stands for."
            </p>
        }
    })
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
