//! `/automations`: forwarding destinations with their health (success
//! rate, queue, last error) and their pause / resume / replay; notification
//! channels with "Send test"; and the log of send attempts, each
//! redeliverable.

use leptos::prelude::*;
use leptos_meta::Title;

use super::LoadError;
use crate::components::{ConfirmDelete, FieldError, FormNotice, Kept, Moment};
use crate::model::{
    event_link, format, AttemptView, AutomationsPage as Data, ChannelKind, ChannelView,
    DestinationView, Sending, FORWARD_KINDS,
};
use crate::server_fns::load_automations;

#[component]
pub fn AutomationsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_automations());
    view! {
        <Title text="Automations"/>
        <div class="page-head">
            <h1>"Automations"</h1>
            <a class="button" href="/automations" rel="external">"Refresh"</a>
        </div>
        <FormNotice/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the automations…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <AutomationsView data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AutomationsView(data: Data) -> impl IntoView {
    let Data {
        destinations,
        channels,
        attempts,
        private_allowed,
        now,
    } = data;
    let private_note = (!private_allowed).then(|| {
        view! {
            <p class="muted">"Loopback and private addresses are refused (set "
                <code>"CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS=true"</code> " to allow them)."</p>
        }
    });
    view! {
        <section>
            <h2>"Forwarding"</h2>
            <p class="muted">"Every stored event that passes a destination's filter is sent to it as "
               "it came, with Standard Webhooks headers (" <code>"webhook-id"</code>
               " is stable per event, so receivers can deduplicate), in order per call, retried with "
               "backoff for up to a day."</p>
            {if destinations.is_empty() {
                view! { <p class="empty-inline">"No destinations yet."</p> }.into_any()
            } else {
                view! {
                    <div class="destinations">
                        {destinations.into_iter().map(|d| view! { <DestinationCard d now/> }).collect_view()}
                    </div>
                }.into_any()
            }}
            <DestinationForm/>
            {private_note}
        </section>
        <section>
            <h2>"Notification channels"</h2>
            <p class="muted">"Alert rules notify these when an alert opens. "
               <a href="/alerts/rules">"Choose which rules notify which channel."</a></p>
            {if channels.is_empty() {
                view! { <p class="empty-inline">"No channels yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="channels-list">
                        {channels.into_iter().map(|c| view! { <ChannelRow c/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <NewChannel/>
        </section>
        <section>
            <h2>"Attempts"</h2>
            <AttemptLog attempts/>
        </section>
    }
}

#[component]
fn DestinationCard(d: DestinationView, now: i64) -> impl IntoView {
    let id = d.id;
    let health = match d.success_rate() {
        Some(rate) => format!(
            "{rate:.1} % delivered ({} of {})",
            d.delivered,
            d.delivered + d.failed
        ),
        None => "nothing finished yet".into(),
    };
    let queue = match d.oldest_pending_at {
        Some(at) => format!(
            "{} waiting, oldest {} ago",
            d.pending,
            format::duration(now - at)
        ),
        None => "queue empty".into(),
    };
    let events = if d.events.is_empty() {
        "all events".to_string()
    } else {
        let named: Vec<&str> = d
            .events
            .iter()
            .map(|e| {
                FORWARD_KINDS
                    .iter()
                    .find(|(kind, _)| kind == e)
                    .map_or(e.as_str(), |(_, name)| name)
            })
            .collect();
        named.join(", ")
    };
    // Each button names its destination for screen readers, which list
    // every "Pause" of the page together.
    let (verb, path) = if d.paused {
        ("Resume", "resume")
    } else {
        ("Pause", "pause")
    };
    let toggle = view! {
        <form method="post" action=format!("/automations/destinations/{id}/{path}")>
            <button type="submit" class="button" aria-label=format!("{verb} destination {}", d.name)>{verb}</button>
        </form>
    };
    view! {
        <article class=if d.paused { "destination destination-paused" } else { "destination" } data-destination=d.name.clone()>
            <h3>{d.name.clone()} " "
                {d.paused.then(|| view! { <span class="tag tag-rejected">"paused"</span> })}
                {d.signed.then(|| view! { <span class="tag">"signed"</span> })}
            </h3>
            <p><code>{d.url.clone()}</code></p>
            <p class="muted">{events} {d.condition.clone().map(|c| format!(" · {c}"))}</p>
            {d.paused_reason.clone().map(|r| view! { <p class="error-text">{r}</p> })}
            <p data-testid="health">{health} " · " {queue}</p>
            {d.last_error.clone().map(|e| view! { <p class="error-text">"Last error: " {e}</p> })}
            <div class="destination-actions">
                {toggle}
                <form method="post" action=format!("/automations/destinations/{id}/replay") class="inline">
                    <input type="text" name="call_id" placeholder="call id" aria-label="Call to replay"/>
                    <button type="submit" class="button" aria-label=format!("Replay call to destination {}", d.name)>"Replay call"</button>
                </form>
                <form method="post" action=format!("/automations/destinations/{id}/replay") class="inline">
                    <input type="datetime-local" name="since" aria-label="Replay everything since (UTC)"/>
                    <button type="submit" class="button" aria-label=format!("Replay since (UTC) to destination {}", d.name)>"Replay since (UTC)"</button>
                </form>
                <form method="post" action=format!("/automations/destinations/{id}/test") class="inline">
                    <button type="submit" class="button" aria-label=format!("Send test to destination {}", d.name)>"Send test"</button>
                </form>
                <ConfirmDelete action=format!("/automations/destinations/{id}/delete")
                    what=format!("destination {}", d.name)
                    consequence="Events still queued for it are dropped, not sent."/>
            </div>
            <DestinationForm editing=d.clone()/>
        </article>
    }
}

/// A destination's form: a new one, or (given one) the one to change, its
/// name fixed and its secret kept when left blank. A refused post comes
/// back as it was typed, the error beside its field.
#[component]
fn DestinationForm(#[prop(optional)] editing: Option<DestinationView>) -> impl IntoView {
    let form = match &editing {
        Some(d) => format!("edit-destination-{}", d.id),
        None => "destination".to_string(),
    };
    let kept = Kept::of(&form);
    let edit_id = editing.as_ref().map(|d| d.id.to_string());
    let was = |f: fn(&DestinationView) -> String| editing.as_ref().map(f).unwrap_or_default();
    let name = kept.value("name", &was(|d| d.name.clone()));
    let url = kept.value("url", &was(|d| d.url.clone()));
    let wanted: Vec<String> = editing
        .as_ref()
        .map(|d| d.events.clone())
        .unwrap_or_default();
    let ticked = {
        let kept = kept.clone();
        move |kind: &str| {
            if kept.refused {
                kept.has("event", kind)
            } else {
                wanted.iter().any(|w| w == kind)
            }
        }
    };
    let (summary, button) = match &editing {
        Some(d) => (format!("Edit {}", d.name), "Save destination"),
        None => ("Add a destination".to_string(), "Add destination"),
    };
    let fixed_name = editing.is_some();
    let secret_hint = if fixed_name {
        "blank: keep the current one"
    } else {
        "optional"
    };
    view! {
        <details class="new-form" open=kept.refused>
            <summary>{summary}</summary>
            <form method="post" action="/automations/destinations" class="stacked">
                {edit_id.map(|id| view! { <input type="hidden" name="edit" value=id/> })}
                <label>"Name " <input type="text" name="name" required value=name readonly=fixed_name/>
                    <FieldError kept=kept.clone() name="name"/></label>
                <label>"URL " <input type="url" name="url" required placeholder="https://" value=url/>
                    <FieldError kept=kept.clone() name="url"/></label>
                <fieldset class="kinds">
                    <legend>"What to forward, from every platform (none ticked: everything)"</legend>
                    {FORWARD_KINDS.into_iter().map(|(kind, label)| view! {
                        <label class="inline"><input type="checkbox" name="event" value=kind checked=ticked(kind)/> " " {label}</label>
                    }).collect_view()}
                    <FieldError kept=kept.clone() name="event"/>
                </fieldset>
                <label>"Condition field (optional) " <input type="text" name="cond_field" placeholder="metadata.functionName" value=kept.value("cond_field", "")/></label>
                <label>"Comparison "
                    <select name="cond_op">
                        {[("", "none"), ("equals", "equals"), ("contains", "contains"), ("regex", "regex"), ("exists", "exists")].map(|(v, l)| {
                            let picked = kept.value("cond_op", "") == v;
                            view! { <option value=v selected=picked>{l}</option> }
                        })}
                    </select>
                    <FieldError kept=kept.clone() name="cond_op"/>
                </label>
                <label>"Value " <input type="text" name="cond_value" value=kept.value("cond_value", "")/>
                    <FieldError kept=kept.clone() name="cond_value"/></label>
                <label>{format!("Signing secret ({secret_hint}) ")} <input type="text" name="secret" placeholder="whsec_…" autocomplete="off"/>
                    <FieldError kept=kept.clone() name="secret"/></label>
                <button type="submit" class="button">{button}</button>
            </form>
        </details>
    }
}

#[component]
fn ChannelRow(c: ChannelView) -> impl IntoView {
    let id = c.id;
    view! {
        <li class="channel" data-channel=c.name.clone()>
            <strong>{c.name.clone()}</strong> " " <span class="tag">{c.kind.as_str()}</span> " "
            <span class="muted">{c.target.clone()}</span>
            <form method="post" action=format!("/automations/channels/{id}/test") class="inline">
                <button type="submit" class="button" aria-label=format!("Send test to channel {}", c.name)>"Send test"</button>
            </form>
            <ConfirmDelete action=format!("/automations/channels/{id}/delete")
                what=format!("channel {}", c.name)
                consequence="Rules that notify through it stop doing so; notifications still queued for it are dropped."/>
            {c.test_result.clone().map(|r| view! {
                <p class="muted" data-testid="test-result">
                    "Last test " {c.tested_at.map(|at| view! { <Moment at/> })} ": " {r}
                </p>
            })}
        </li>
    }
}

#[component]
fn NewChannel() -> impl IntoView {
    let kept = Kept::of("channel");
    let kind = kept.value("kind", "");
    let tls = kept.value("tls", "starttls");
    view! {
        <details class="new-form" open=kept.refused>
            <summary>"Add a channel"</summary>
            <form method="post" action="/automations/channels" class="stacked">
                <label>"Name " <input type="text" name="name" required value=kept.value("name", "")/>
                    <FieldError kept=kept.clone() name="name"/></label>
                <label>"Kind "
                    <select name="kind">
                        {ChannelKind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=kind == k.as_str()>{k.as_str()}</option> }).collect_view()}
                    </select>
                    <FieldError kept=kept.clone() name="kind"/>
                </label>
                <p class="muted">"Slack and webhook: the URL (and, for a webhook, an optional "
                    <code>"whsec_"</code> " secret). Email: the SMTP settings."</p>
                <label>"URL " <input type="url" name="url" placeholder="https://" value=kept.value("url", "")/>
                    <FieldError kept=kept.clone() name="url"/></label>
                <label>"Signing secret " <input type="text" name="secret" placeholder="whsec_…" autocomplete="off"/>
                    <FieldError kept=kept.clone() name="secret"/></label>
                <label>"SMTP host " <input type="text" name="host" value=kept.value("host", "")/>
                    <FieldError kept=kept.clone() name="host"/></label>
                <label>"Port " <input type="number" name="port" min="1" max="65535" value=kept.value("port", "")/>
                    <FieldError kept=kept.clone() name="port"/></label>
                <label>"Encryption "
                    <select name="tls">
                        {[("starttls", "STARTTLS"), ("tls", "TLS"), ("none", "none (trusted relay only)")].map(|(v, l)| view! {
                            <option value=v selected=tls == v>{l}</option>
                        })}
                    </select>
                </label>
                <label>"User " <input type="text" name="username" autocomplete="off" value=kept.value("username", "")/></label>
                <label>"Password " <input type="password" name="password" autocomplete="new-password"/></label>
                <label>"From " <input type="email" name="from" value=kept.value("from", "")/>
                    <FieldError kept=kept.clone() name="from"/></label>
                <label>"To (comma-separated) " <input type="text" name="to" value=kept.value("to", "")/></label>
                <button type="submit" class="button">"Add channel"</button>
            </form>
        </details>
    }
}

#[component]
fn AttemptLog(attempts: Vec<AttemptView>) -> impl IntoView {
    if attempts.is_empty() {
        return view! { <p class="empty-inline">"Nothing sent yet."</p> }.into_any();
    }
    view! {
        <table class="attempts">
            <thead><tr>
                <th>"When"</th><th>"What"</th><th>"Call"</th><th>"Answer"</th><th>"Time"</th><th><span class="sr-only">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {attempts.into_iter().map(|a| {
                    let what = match &a.sending {
                        Sending::Event { destination, event_id } => format!("event {event_id} → {destination}"),
                        Sending::Alert { channel, alert_id } => format!("alert {alert_id} → {channel}"),
                    };
                    let redeliver = format!("Redeliver {what} of {}", format::datetime(a.at));
                    let call = a.call_id.clone().map(|c| {
                        let event = match a.sending { Sending::Event { event_id, .. } => Some(event_id), _ => None };
                        let href = event_link(&c, event);
                        view! { <a class="call-id" href=href>{c}</a> }
                    });
                    let answer = match (a.status, &a.error) {
                        (Some(s), None) => s.to_string(),
                        (Some(s), Some(e)) => format!("{s}: {e}"),
                        (None, Some(e)) => e.clone(),
                        (None, None) => "sent".into(),
                    };
                    let ok = a.succeeded() || (a.status.is_none() && a.error.is_none());
                    view! {
                        <tr class=if ok { "attempt-ok" } else { "attempt-failed" }>
                            <td><Moment at=a.at/></td>
                            <td>{what} {a.replay.then_some(" (replay)")}</td>
                            <td>{call}</td>
                            <td title=a.response.clone().unwrap_or_default()>{answer}</td>
                            <td>{format!("{} ms", a.latency_ms)}</td>
                            <td>
                                <form method="post" action=format!("/automations/outbox/{}/redeliver", a.outbox_id)>
                                    <button type="submit" class="button quiet" aria-label=redeliver>"Redeliver"</button>
                                </form>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}
