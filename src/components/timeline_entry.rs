//! One item of a call's timeline: a turn, a tool call card, an interruption, a
//! hang band, a transfer or end marker, the end-of-call report, or a neutral
//! card for event types calltrail does not know yet. Each shows its offset from
//! the call's start, links to itself, and can reveal its raw JSON.

use leptos::prelude::*;

use super::RawJson;
use crate::model::{event_anchor, EventDetail, TimelineItem};
use crate::model::{format, tool_line};

#[component]
pub fn TimelineEntry(item: TimelineItem, #[prop(into)] started_at: Signal<i64>) -> impl IntoView {
    let anchor = event_anchor(item.id);
    let href = format!("#{anchor}");
    let offset = {
        let item = item.clone();
        move || format::offset(item.offset_ms(started_at.get()))
    };
    let (class, body) = body(&item.detail);
    view! {
        <li id=anchor class=format!("item {class}") data-kind=item.detail.kind() data-event-id=item.id>
            <a class="offset" href=href title=format::datetime(item.occurred_at)>{offset}</a>
            <div class="item-body">
                {body}
                <RawJson label="raw JSON" text=format::pretty_raw(&item.raw)/>
            </div>
        </li>
    }
}

/// The item's CSS class and its main content.
fn body(detail: &EventDetail) -> (String, AnyView) {
    match detail.clone() {
        EventDetail::Message { role, text } => (
            format!("turn turn-{}", role.css_class()),
            view! {
                <div class="bubble">
                    <span class="who">{role.label().to_string()}</span>
                    <p class="text">{text}</p>
                </div>
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
                    <RawJson label="arguments" text=format::pretty_json(&arguments)/>
                    {response.map(|r| view! { <RawJson label="response" text=format::pretty_json(&r) open=failed/> })}
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
                <RawJson label="arguments" text=format::pretty_json(&arguments)/>
            }
            .into_any(),
        )
        }
        EventDetail::Interruption { text, at_seconds, who } => (
            "card interruption".to_string(),
            view! {
                <div class="card-head">
                    <span class="icon" aria-hidden="true">"✂"</span>
                    <strong>
                        {match &who {
                            Some(role) => format!("{} cut off", role.label()),
                            None => "Speech cut off".to_string(),
                        }}
                        {at_seconds.map(|s| format!(" at {}", format::seconds(s)))}
                    </strong>
                </div>
                <p class="cut-text">
                    <span class="said">{text}</span>
                    <span class="cut-mark" title="cut off here">" ⟂ cut"</span>
                </p>
            }
            .into_any(),
        ),
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
        EventDetail::Transfer { transfer_type, destination, label } => {
            let kind = transfer_type.map(|t| format!("{} transfer", capitalize(&t))).unwrap_or_else(|| "Transfer".into());
            let to = match (label, destination) {
                (Some(l), Some(d)) => format!("{l} ({d})"),
                (Some(l), None) => l,
                (None, Some(d)) => d,
                (None, None) => "an unknown destination".to_string(),
            };
            (
                "marker transfer".to_string(),
                view! {
                    <p class="marker-text">
                        <span class="icon" aria-hidden="true">"↪"</span>
                        <strong>{kind}</strong>" to "{to}
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
                    <strong>
                        {match ended_by {
                            Some(by) => format!("Call ended by {by}"),
                            None => "Call ended".to_string(),
                        }}
                    </strong>
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
                    {ended_reason.map(|r| view! { <dt>"End reason"</dt><dd>{r}</dd> })}
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

/// Only http(s) links are rendered as links: never `javascript:`, `data:`
/// or anything else a browser would run or interpret.
pub fn safe_link(url: Option<String>) -> Option<String> {
    url.filter(|u| {
        let scheme = u.get(..8).unwrap_or(u).to_ascii_lowercase();
        scheme.starts_with("https://") || scheme.starts_with("http://")
    })
}

#[cfg(test)]
mod tests {
    use super::safe_link;

    fn link(url: &str) -> Option<String> {
        safe_link(Some(url.to_string()))
    }

    #[test]
    fn only_http_links_pass() {
        assert_eq!(
            link("https://rec.example/a.wav").as_deref(),
            Some("https://rec.example/a.wav")
        );
        assert!(link("http://rec.example/a.wav").is_some());
        assert!(link("HTTPS://rec.example/a.wav").is_some());
        for hostile in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\tjavascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "//evil.example/a.wav",
            "/relative",
            "http:/evil.example",
            "",
            "é",
        ] {
            assert_eq!(link(hostile), None, "{hostile}");
        }
        assert_eq!(safe_link(None), None);
    }
}
