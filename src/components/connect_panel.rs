//! "Connect your agent": the complete webhook URL to paste into Infer (and
//! Vapi's, Retell's and ElevenLabs', with where each goes), what LiveKit
//! Agents' and Pipecat's OpenTelemetry exporters are set to, copy buttons,
//! and the token's rotate action (confirmed first; works without
//! JavaScript too).

use leptos::prelude::*;

use super::hydrated::use_hydrated;
use super::Permitted;

use crate::model::{event_link, Action, ConnectInfo, TracesLink};
use crate::server_fns::{RotateWebhookToken, SendTestEvent};

#[component]
pub fn ConnectPanel(info: ConnectInfo) -> impl IntoView {
    let rotate = ServerAction::<RotateWebhookToken>::new();
    let initial = info;
    let info = Memo::new(move |_| match rotate.value().get() {
        Some(Ok(fresh)) => fresh,
        _ => initial.clone(),
    });
    let url = Signal::derive(move || info.with(|i| i.webhook_url.clone()));
    let platforms = move || {
        info.with(|i| i.platforms.clone())
            .into_iter()
            .map(|link| {
                let url = Signal::stored(link.url.clone());
                let label = format!("{} webhook URL", link.name);
                view! {
                    <li>
                        <p>
                            <strong>{link.name.clone()}</strong>": paste into " {link.paste_into.clone()} "."
                        </p>
                        <CopyRow url=url label=label/>
                        {link.secret_note.map(|n| view! { <p class="muted">{n}</p> })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="connect" aria-labelledby="connect-heading">
            <h2 id="connect-heading">"Connect your agent"</h2>
            <p>"In Infer, set the agent's " <code>"event_webhook_url"</code> " to this URL:"</p>
            <CopyRow url=url label="Webhook URL".to_string()/>
            <Show when=move || info.with(ConnectInfo::unreachable_from_cloud)>
                <p class="notice notice-warn" role="note" data-testid="local-url-warning">
                    <strong>"This URL only works on this machine or network."</strong>
                    " An agent running in the cloud cannot reach it. Expose calltrail with a tunnel "
                    "(for example " <code>{move || format!("cloudflared tunnel --url http://localhost:{}", info.with(ConnectInfo::port))}</code> " or "
                    <code>{move || format!("ngrok http {}", info.with(ConnectInfo::port))}</code> ") or put it behind a public address, then set "
                    <code>"CALLTRAIL_PUBLIC_URL"</code> " to that address so this URL shows it."
                </p>
            </Show>
            <Permitted action=Action::Edit><TestEventButton/></Permitted>
            <details class="other-platforms">
                <summary>"Vapi, Retell or ElevenLabs instead"</summary>
                <ul class="platform-links">{platforms}</ul>
            </details>
            <details class="other-platforms" data-testid="connect-traces">
                <summary>"LiveKit Agents or Pipecat (OpenTelemetry)"</summary>
                {move || view! { <TracesSetup link=info.with(|i| i.traces.clone())/> }}
            </details>
            <ul class="connect-notes muted">
                {move || info.with(notes)}
            </ul>
            <Show when=move || info.with(ConnectInfo::can_rotate)>
                <details class="rotate">
                    <summary>"Rotate the token…"</summary>
                    <p>"A new token replaces the current one at once: agents still using the old URL are refused until you paste the new one."</p>
                    <ActionForm action=rotate>
                        <button type="submit" class="button danger">"Rotate now"</button>
                    </ActionForm>
                </details>
            </Show>
            {move || match rotate.value().get() {
                Some(Ok(_)) => Some(view! { <p class="notice" role="status">"New token in place. Update the URL in Infer."</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any()),
                None => None,
            }}
        </section>
    }
}

/// The environment an OTLP exporter reads, to copy, and what each
/// framework's code needs.
#[component]
fn TracesSetup(link: TracesLink) -> impl IntoView {
    let frameworks = link
        .frameworks
        .into_iter()
        .map(|(name, how)| view! { <li><strong>{name}</strong>": " {how}</li> })
        .collect_view();
    view! {
        <ul class="platform-links">{frameworks}</ul>
        <CopyRow url=Signal::stored(link.endpoint) label="OTLP endpoint setting".to_string()/>
        {link.headers.map(|h| view! {
            <CopyRow url=Signal::stored(h) label="OTLP headers setting".to_string()/>
        })}
        <p class="muted">"Spans go to " <code>"/v1/traces"</code> " as protobuf or JSON; each session is one call."</p>
    }
}

/// Posts a sample event through the real webhook route and says how it
/// went, with a link to the call it made (the calls list shows it arrive).
#[component]
fn TestEventButton() -> impl IntoView {
    let send = ServerAction::<SendTestEvent>::new();
    view! {
        <ActionForm action=send attr:class="test-event">
            <button type="submit" class="button primary" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "Sending…" } else { "Send a test event" }}
            </button>
            " "
            <span class="muted">"Posts a sample turn to the webhook URL, as an agent would."</span>
        </ActionForm>
        {move || send.value().get().map(|result| match result {
            Ok(sent) if sent.accepted => view! {
                <p class="notice notice-ok" role="status">
                    "Test event stored (" {sent.answer} "). "
                    <a href=event_link(&sent.call_id, None)>"Open the test call"</a>
                </p>
            }.into_any(),
            Ok(sent) => view! {
                <p class="notice notice-error" role="alert">
                    "The webhook route refused the test event: " {sent.answer}
                </p>
            }.into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
        })}
    }
}

/// A read-only URL field with a copy button (shown once the page is
/// interactive: copying needs JavaScript).
#[component]
fn CopyRow(url: Signal<String>, label: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let interactive = use_hydrated();
    let copy = move |_| {
        copy_text(&url.get());
        copied.set(true);
    };
    view! {
        <div class="copy-row">
            <input class="webhook-url" readonly aria-label=label prop:value=url value=url/>
            <button type="button" class="button" hidden=move || !interactive.get() on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
        </div>
    }
}

fn notes(info: &ConnectInfo) -> Vec<AnyView> {
    let mut notes = Vec::new();
    if info.open {
        notes.push(
            view! { <li>"The endpoint is open: no token or signature is checked."</li> }.into_any(),
        );
    }
    if info.token_required {
        notes.push(view! { <li>"Keep this URL secret: its token is what lets events in. Senders may also send the token as " <code>"Authorization: Bearer"</code> "."</li> }.into_any());
    }
    if info.token_from_env {
        notes.push(view! { <li>"The token is set by " <code>"CALLTRAIL_WEBHOOK_TOKEN"</code> "; change it there."</li> }.into_any());
    }
    if info.signature_required {
        notes.push(view! { <li>"Deliveries must also carry a valid Standard Webhooks signature (" <code>"CALLTRAIL_WEBHOOK_SECRET"</code> ")."</li> }.into_any());
    }
    if info.ip_allowlist {
        notes.push(view! { <li>"Only addresses in " <code>"CALLTRAIL_WEBHOOK_ALLOW_IPS"</code> " may send."</li> }.into_any());
    }
    notes
}

#[cfg(feature = "hydrate")]
fn copy_text(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

#[cfg(not(feature = "hydrate"))]
fn copy_text(_text: &str) {}
