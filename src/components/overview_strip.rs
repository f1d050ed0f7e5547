//! The call at a glance, above its timeline: agent, user, tools and system
//! lanes on one time axis; turns and tool calls as bars, silences shaded, a
//! cut turn drawn ending at its cut, hangs amber, transfer and end as marks.
//! Zoom in and scrub along; clicking an item scrolls the timeline to it. It
//! follows the call live, and marks where the recording is playing.

use leptos::prelude::*;

use super::hydrated::use_hydrated;

use crate::model::event_anchor;
use crate::model::format;
use crate::model::overview::{BarKind, Lane, Overview};
use crate::model::review::Pin;

/// Height of one lane in SVG units.
const LANE: f64 = 10.0;
/// Zoom steps.
const ZOOMS: [u32; 5] = [1, 2, 4, 8, 16];

#[component]
pub fn OverviewStrip(
    overview: Memo<Overview>,
    /// Where the recording is playing (ms from call start).
    playing: ReadSignal<Option<i64>>,
    /// Reviewers' notes, each at its moment.
    #[prop(optional, into)]
    pins: Option<Signal<Vec<Pin>>>,
) -> impl IntoView {
    let zoom = RwSignal::new(0usize);
    // Where the zoomed window starts, as a share of what lies outside it.
    let pan = RwSignal::new(1.0f64);
    let interactive = use_hydrated();
    let window = move || {
        let span = overview.with(|o| o.span) as f64;
        let width = span / ZOOMS[zoom.get()] as f64;
        ((span - width) * pan.get(), width)
    };
    let view_box = move || {
        let (from, width) = window();
        format!("{from:.0} 0 {width:.0} {}", LANE * Lane::ALL.len() as f64)
    };
    // Points and short items stay visible: at least this wide.
    let min_width = move || window().1 / 250.0;
    let bars = move || {
        let min = min_width();
        overview.with(|o| {
            o.bars
                .iter()
                .map(|b| {
                    let width = ((b.end - b.start) as f64).max(min);
                    view! {
                        <rect
                            class=b.kind.css_class()
                            data-event=b.event_id
                            x=b.start
                            y=b.lane.index() as f64 * LANE + 2.0
                            width=width
                            height=LANE - 4.0
                        >
                            <title>{b.title.clone()}</title>
                        </rect>
                    }
                })
                .collect_view()
        })
    };
    let silences = move || {
        overview.with(|o| {
            o.silences
                .iter()
                .map(|s| view! {
                    <rect class="silence" x=s.start y=0 width=s.end - s.start height=LANE * Lane::ALL.len() as f64>
                        <title>{format!("silence, {}", format::seconds_ms(s.end - s.start))}</title>
                    </rect>
                })
                .collect_view()
        })
    };
    let playhead = move || {
        playing.get().map(|at| view! {
            <line class="playhead" x1=at x2=at y1=0 y2=LANE * Lane::ALL.len() as f64 vector-effect="non-scaling-stroke"/>
        })
    };
    let pinned = pins.is_some();
    let pins = move || {
        pins.map(|pins| {
            pins.get()
                .into_iter()
                .map(|pin| view! {
                    <line class="note-pin" data-event=pin.event_id x1=pin.at_ms x2=pin.at_ms y1=0 y2=LANE * Lane::ALL.len() as f64 vector-effect="non-scaling-stroke">
                        <title>{format!("note at {}: {}", format::offset(pin.at_ms), pin.label)}</title>
                    </line>
                })
                .collect_view()
        })
    };
    let summary = move || {
        overview.with(|o| {
            format!(
                "Overview of {}: {} items, {} silence{} of {} s or more",
                format::duration(o.span),
                o.bars.len(),
                o.silences.len(),
                if o.silences.len() == 1 { "" } else { "s" },
                crate::model::overview::SILENCE_MS / 1000
            )
        })
    };
    view! {
        <figure class="overview" aria-label="call overview">
            <div class="lanes">
                <ul class="lane-labels" aria-hidden="true">
                    {Lane::ALL.into_iter().map(|l| view! { <li>{l.label()}</li> }).collect_view()}
                </ul>
                <svg
                    class="strip"
                    role="img"
                    aria-label=summary
                    viewBox=view_box
                    preserveAspectRatio="none"
                    on:click=move |ev| jump_to_clicked(&ev)
                >
                    <g class="silences">{silences}</g>
                    <g class="bars">{bars}</g>
                    <g class="pins">{pins}</g>
                    {playhead}
                </svg>
            </div>
            <ul class="strip-legend" aria-label="what the colours mean">
                {BarKind::ALL.into_iter().map(|k| view! {
                    <li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect class=k.css_class() width="10" height="10"/></svg>{k.label()}</li>
                }).collect_view()}
                <li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect class="silence" width="10" height="10"/></svg>
                    {format!("silence of {} s or more", crate::model::overview::SILENCE_MS / 1000)}</li>
                {pinned.then(|| view! {
                    <li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect class="note-pin-swatch" width="10" height="10"/></svg>"a reviewer's note"</li>
                })}
            </ul>
            <figcaption class="axis">
                <span>{move || format::offset(window().0 as i64)}</span>
                <span class="tick" aria-hidden="true">{move || { let (from, width) = window(); format::offset((from + width / 4.0) as i64) }}</span>
                <span class="tick" aria-hidden="true">{move || { let (from, width) = window(); format::offset((from + width / 2.0) as i64) }}</span>
                <span class="tick" aria-hidden="true">{move || { let (from, width) = window(); format::offset((from + width * 0.75) as i64) }}</span>
                <Show when=move || interactive.get()>
                    <span class="zoom">
                        <button type="button" class="button quiet" aria-label="Zoom out" disabled=move || zoom.get() == 0
                            on:click=move |_| zoom.update(|z| *z = z.saturating_sub(1))>"−"</button>
                        <span class="zoom-level">{move || format!("{}×", ZOOMS[zoom.get()])}</span>
                        <button type="button" class="button quiet" aria-label="Zoom in" disabled=move || zoom.get() + 1 == ZOOMS.len()
                            on:click=move |_| zoom.update(|z| *z = (*z + 1).min(ZOOMS.len() - 1))>"+"</button>
                        <Show when=move || { zoom.get() > 0 }>
                            <input type="range" class="scrub" aria-label="Scrub along the call" min="0" max="1000"
                                prop:value=move || (pan.get() * 1000.0).round().to_string()
                                on:input=move |ev| pan.set(event_target_value(&ev).parse::<f64>().unwrap_or(0.0) / 1000.0)/>
                        </Show>
                    </span>
                </Show>
                <span>{move || { let (from, width) = window(); format::offset((from + width) as i64) }}</span>
            </figcaption>
        </figure>
    }
}

/// Clicking a bar scrolls the timeline to its event.
fn jump_to_clicked(ev: &leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let id = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.get_attribute("data-event"));
        if let Some(id) = id.and_then(|id| id.parse::<i64>().ok()) {
            let _ = window().location().set_hash(&event_anchor(id));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, event_anchor);
}
