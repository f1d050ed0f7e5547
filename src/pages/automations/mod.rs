//! `/automations`: forwarding destinations with their health (success
//! rate, queue, last error) and their pause / resume / replay / Send test /
//! Edit; notification channels with "Send test"; and the log of send
//! attempts, each redeliverable.

mod forms;

use leptos::prelude::*;
use leptos_meta::Title;

use super::LoadError;
use crate::components::{ConfirmDelete, FormNotice, Moment, Permitted};
use crate::model::{
    event_link, format, Action, AttemptView, AutomationsPage as Data, ChannelView, DestinationView,
    Sending, FORWARD_KINDS,
};
use crate::server_fns::load_automations;
use forms::{DestinationForm, NewChannel};

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
            <Permitted action=Action::Edit><DestinationForm/></Permitted>
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
            <Permitted action=Action::Edit><NewChannel/></Permitted>
        </section>
        <section>
            <h2>"Attempts"</h2>
            <AttemptLog attempts/>
        </section>
    }
}

#[component]
fn DestinationCard(d: DestinationView, now: i64) -> impl IntoView {
    let editable = d.clone();
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
    view! {
        <article class=if d.paused { "destination destination-paused" } else { "destination" } data-destination=d.name.clone()>
            <h3>{d.name.clone()} " "
                {d.paused.then(|| view! { <span class="tag tag-rejected">"paused"</span> })}
                {d.signed.then(|| view! { <span class="tag">"signed"</span> })}
                {d.redact.then(|| view! { <span class="tag">"redacted"</span> })}
            </h3>
            <p><code>{d.url.clone()}</code></p>
            <p class="muted">{events} {d.condition.clone().map(|c| format!(" · {c}"))}</p>
            {d.paused_reason.clone().map(|r| view! { <p class="error-text">{r}</p> })}
            <p data-testid="health">{health} " · " {queue}</p>
            {d.last_error.clone().map(|e| view! { <p class="error-text">"Last error: " {e}</p> })}
            <Permitted action=Action::Edit><DestinationActions d=editable.clone()/></Permitted>
        </article>
    }
}

/// A destination's buttons and its edit form, for those who may change it.
#[component]
fn DestinationActions(d: DestinationView) -> impl IntoView {
    let id = d.id;
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
    }
}

#[component]
fn ChannelRow(c: ChannelView) -> impl IntoView {
    let (id, name) = (c.id, c.name.clone());
    view! {
        <li class="channel" data-channel=c.name.clone()>
            <strong>{c.name.clone()}</strong> " " <span class="tag">{c.kind.as_str()}</span> " "
            <span class="muted">{c.target.clone()}</span>
            <Permitted action=Action::Edit><ChannelActions id name=name.clone()/></Permitted>
            {c.test_result.clone().map(|r| view! {
                <p class="muted" data-testid="test-result">
                    "Last test " {c.tested_at.map(|at| view! { <Moment at/> })} ": " {r}
                </p>
            })}
        </li>
    }
}

/// A channel's buttons, for those who may change it.
#[component]
fn ChannelActions(id: i64, name: String) -> impl IntoView {
    view! {
        <form method="post" action=format!("/automations/channels/{id}/test") class="inline">
            <button type="submit" class="button" aria-label=format!("Send test to channel {name}")>"Send test"</button>
        </form>
        <ConfirmDelete action=format!("/automations/channels/{id}/delete")
            what=format!("channel {name}")
            consequence="Rules that notify through it stop doing so; notifications still queued for it are dropped."/>
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
                            <td><Permitted action=Action::Edit>
                                <form method="post" action=format!("/automations/outbox/{}/redeliver", a.outbox_id)>
                                    <button type="submit" class="button quiet" aria-label=redeliver.clone()>"Redeliver"</button>
                                </form>
                            </Permitted></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}
