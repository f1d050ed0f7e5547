//! One item of a call's timeline: a turn, a tool call card, an interruption, a
//! hang band, a transfer or end marker, the end-of-call report, or a neutral
//! card for event types calltrail does not know yet. Each shows its offset from
//! the call's start (which also seeks the recording), links to itself, and
//! can reveal its raw JSON (fetched when asked; the item itself comes
//! bounded, [`crate::model::clip`]).

use leptos::prelude::*;

use super::{JsonTree, LatencyNote, RawJson, StoredBody};
use crate::model::overview::{Cut, Notes};
use crate::model::{endings, event_anchor, EventDetail, Role, TimelineItem, TransferStage};
use crate::model::{format, safe_link, tool_line, RawAccess};

#[component]
pub fn TimelineEntry(
    item: TimelineItem,
    #[prop(into)] started_at: Signal<i64>,
    /// Latency, cut point, or the turn an interruption cut.
    #[prop(into)]
    notes: Signal<Notes>,
    /// The call's first error or hang: the calls list links here.
    #[prop(into)]
    first_problem: Signal<bool>,
    /// What reviewers said of the item, under it.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let anchor = event_anchor(item.id);
    let href = format!("#{anchor}");
    let offset_ms = {
        let item = StoredValue::new(item.clone());
        move || item.with_value(|i| i.offset_ms(started_at.get()))
    };
    let (class, body) = body(&item.detail, notes);
    view! {
        <li id=anchor class=format!("item {class}") data-kind=item.detail.kind() data-event-id=item.id>
            <a
                class="offset"
                href=href
                title=format!("{} — plays the recording from here", format::datetime(item.occurred_at))
                on:click=move |_| seek_recording(offset_ms())
            >
                {move || format::offset(offset_ms())}
            </a>
            <div class="item-body">
                {move || first_problem.get().then(|| view! { <span id="first-problem" class="anchor"></span> })}
                {body}
                {RawAccess::here().then(|| view! { <StoredBody event_id=item.id clipped=item.clipped/> })}
                {children.map(|c| c())}
            </div>
        </li>
    }
}

/// Moves the call's recording player (when there is one) to `ms`.
fn seek_recording(ms: i64) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(player) = document()
            .get_element_by_id("recording")
            .and_then(|e| e.dyn_into::<web_sys::HtmlMediaElement>().ok())
        {
            player.set_current_time(ms.max(0) as f64 / 1000.0);
            let _ = player.play();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

/// A turn's text; when it was cut off, what the caller heard: the spoken
/// part as it was said, the cut marked, and the generated rest struck
/// through — or, when the source does not say how much was spoken, that it
/// is not reported.
fn turn_text(text: String, cut: Option<Cut>) -> AnyView {
    let Some(cut) = cut else {
        return view! { <p class="text">{text}</p> }.into_any();
    };
    let at = format!("cut off at {}", format::seconds(cut.at_ms as f64 / 1000.0));
    let (said, unsaid, heard) = match cut.spoken {
        Some(end) if end <= text.len() => {
            let heard = match end == text.len() {
                true => "the caller heard all of it",
                false => "the caller heard up to the cut; the rest was never spoken",
            };
            (text[..end].to_string(), text[end..].to_string(), heard)
        }
        _ => (
            text,
            String::new(),
            "how much the caller heard: not reported",
        ),
    };
    view! {
        <p class="text">
            <span class="said">{said}</span>
            <span class="cut-mark" role="img" aria-label=at.clone() title=at.clone()>"✂"</span>
            {(!unsaid.is_empty()).then(|| view! { <s class="unsaid" title="generated, not spoken">{unsaid}</s> })}
        </p>
        <p class="cut-note">{at}<span class="heard">{format!(" — {heard}")}</span></p>
    }
    .into_any()
}

/// The item's CSS class and its main content.
fn body(detail: &EventDetail, notes: Signal<Notes>) -> (String, AnyView) {
    match detail.clone() {
        EventDetail::Message { role, text } => (
            format!("turn turn-{}", role.css_class()),
            view! {
                <div class="bubble" class:was-cut=move || notes.get().cut.is_some()>
                    <span class="who">{role.label().to_string()}</span>
                    {move || turn_text(text.clone(), notes.get().cut)}
                </div>
                {move || notes.get().latency.filter(|_| role == Role::Agent).map(|l| view! { <LatencyNote latency=l/> })}
            }
            .into_any(),
        ),
        EventDetail::ToolCall { function, arguments, response, error } => {
            let failed = error.is_some();
            let line = tool_line::call(&function, &arguments);
            let said = match (&error, &response) {
                (Some(_), _) => Some("failed".to_string()),
                (None, Some(r)) => Some(tool_line::result(r)),
                (None, None) => None,
            };
            (
                if failed { "card tool tool-error".to_string() } else { "card tool".to_string() },
                view! {
                    <div class="card-head">
                        <span class="icon" aria-hidden="true">"ƒ"</span>
                        <code class="fn">{function}</code>
                        {if failed {
                            view! { <span class="tag tag-error">"error"</span> }.into_any()
                        } else if response.is_some() {
                            view! { <span class="tag tag-ok">"ok"</span> }.into_any()
                        } else {
                            view! { <span class="tag">"no response"</span> }.into_any()
                        }}
                    </div>
                    <p class="tool-line">
                        <code>{line}</code>
                        {said.map(|said| view! { " → " <span class="result" class:failed=failed>{said}</span> })}
                    </p>
                    {error.map(|e| view! { <p class="error-text">{e}</p> })}
                    <div class="tool-io">
                        <JsonTree label="arguments" value=arguments/>
                        {response.map(|r| view! { <JsonTree label=if failed { "error response" } else { "result" } value=r/> })}
                    </div>
                }
                .into_any(),
            )
        }
        EventDetail::ToolRequest { function, arguments } => {
            let line = tool_line::call(&function, &arguments);
            (
            "card tool tool-request".to_string(),
            view! {
                <div class="card-head">
                    <span class="icon" aria-hidden="true">"ƒ"</span>
                    <code class="fn">{function}</code>
                    <span class="tag">"requested"</span>
                </div>
                <p class="tool-line"><code>{line}</code></p>
                <div class="tool-io"><JsonTree label="arguments" value=arguments/></div>
            }
            .into_any(),
        )
        }
        EventDetail::Interruption { text, at_seconds, who } => {
            let who = match &who {
                Some(role) => format!("{} cut off", role.label()),
                None => "Speech cut off".to_string(),
            };
            let at = at_seconds.map(|s| format!(" at {}", format::seconds(s))).unwrap_or_default();
            (
                "marker interruption".to_string(),
                view! {
                    <p class="marker-text">
                        <span class="icon" aria-hidden="true">"✂"</span>
                        <strong>{who}{at}</strong>
                        {move || match notes.get().cut_turn {
                            // The turn shows the cut; its words are not repeated here.
                            Some(turn) => view! {
                                " — " <a href=format!("#{}", event_anchor(turn))>"see the turn"</a>
                            }.into_any(),
                            None => view! { ": “" <span class="said">{text.clone()}</span> "”" }.into_any(),
                        }}
                    </p>
                }
                .into_any(),
            )
        }
        EventDetail::Hang { after_seconds, message } => (
            "band hang".to_string(),
            view! {
                <p class="band-text">
                    <span class="icon" aria-hidden="true">"⚠"</span>
                    <strong>
                        {match after_seconds {
                            Some(s) => format!("Agent silent {}", format::seconds(s)),
                            None => "Agent silent".to_string(),
                        }}
                    </strong>
                    {message.map(|m| view! { <span class="muted">" — " {m}</span> })}
                </p>
            }
            .into_any(),
        ),
        EventDetail::Transfer { transfer_type, destination, label, stage } => {
            let kind = transfer_type.map(|t| format!("{} transfer", capitalize(&t))).unwrap_or_else(|| "Transfer".into());
            let to = match (label, destination) {
                (Some(l), Some(d)) => Some(format!("{l} ({d})")),
                (Some(l), None) => Some(l),
                (None, Some(d)) => Some(d),
                (None, None) => None,
            };
            let to = match (to, stage) {
                (Some(to), _) => format!(" to {to}"),
                (None, TransferStage::Requested) => " — the destination was asked of your server".to_string(),
                (None, _) => " to an unknown destination".to_string(),
            };
            let state = match stage.headline() {
                "" => String::new(),
                said => format!(" {said}"),
            };
            let failed = (stage == TransferStage::Cancelled).then_some(" failed");
            (
                format!("marker transfer{}", failed.unwrap_or_default()),
                view! {
                    <p class="marker-text">
                        <span class="icon" aria-hidden="true">"↪"</span>
                        <strong>{kind}{state}</strong>{to}
                    </p>
                }
                .into_any(),
            )
        }
        EventDetail::End { ended_by } => (
            "marker end".to_string(),
            view! {
                <p class="marker-text">
                    <span class="icon" aria-hidden="true">"■"</span>
                    {match ended_by.as_deref().map(|code| (code, endings::party(code))) {
                        Some((_, Some(who))) => view! { <strong>"Call ended by "{who.to_string()}</strong> }.into_any(),
                        Some((code, None)) => view! {
                            <strong>"Call ended"</strong>" — "
                            <abbr class="code" title=code.to_string()>{endings::describe(code)}</abbr>
                        }.into_any(),
                        None => view! { <strong>"Call ended"</strong> }.into_any(),
                    }}
                </p>
            }
            .into_any(),
        ),
        EventDetail::Signal { text, chatter, .. } => (
            format!("marker signal{}", if chatter { " chatter" } else { "" }),
            view! {
                <p class="marker-text">
                    <span class="icon" aria-hidden="true">"·"</span>
                    {text}
                </p>
            }
            .into_any(),
        ),
        EventDetail::Report { summary, transcript, recording_url, duration_ms, ended_reason, cost, success, sentiment, .. } => (
            "card report".to_string(),
            view! {
                <div class="card-head">
                    <span class="icon" aria-hidden="true">"≡"</span>
                    <strong>"End-of-call report"</strong>
                </div>
                {summary.map(|s| view! { <p class="summary">{s}</p> })}
                <dl class="facts">
                    {duration_ms.map(|d| view! { <dt>"Duration"</dt><dd>{format::duration(d)}</dd> })}
                    {ended_reason.map(|r| view! { <dt>"End reason"</dt><dd><abbr class="code" title=r.clone()>{endings::describe(&r)}</abbr></dd> })}
                    {cost.map(|c| view! { <dt>"Cost"</dt><dd>{format!("{c:.2}")}</dd> })}
                    {success.map(|s| view! { <dt>"Success"</dt><dd>{s}</dd> })}
                    {sentiment.map(|s| view! { <dt>"Sentiment"</dt><dd>{s}</dd> })}
                    {safe_link(recording_url).map(|u| view! {
                        <dt>"Recording"</dt>
                        <dd><a href=u.clone() target="_blank" rel="noopener noreferrer">"listen"</a></dd>
                    })}
                </dl>
                {transcript.filter(|t| !t.trim().is_empty()).map(|t| view! { <RawJson label="transcript" text=t/> })}
            }
            .into_any(),
        ),
        EventDetail::Latency { heard_ms, parts, .. } => {
            let mut figures: Vec<String> = heard_ms.map(|h| format!("heard {h} ms")).into_iter().collect();
            figures.extend(parts.iter().map(|p| format!("{} {} ms", p.part.label(), p.ms)));
            (
                "marker signal chatter".to_string(),
                view! {
                    <p class="marker-text">
                        <span class="icon" aria-hidden="true">"·"</span>
                        {format!("latency: {}", figures.join(", "))}
                    </p>
                }
                .into_any(),
            )
        }
        EventDetail::Unknown { event_type } => (
            "card unknown".to_string(),
            view! {
                <div class="card-head">
                    <span class="icon" aria-hidden="true">"?"</span>
                    <strong>{if event_type.is_empty() { "Event without a type".to_string() } else { event_type }}</strong>
                    <span class="tag">"not recognised"</span>
                </div>
            }
            .into_any(),
        ),
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
