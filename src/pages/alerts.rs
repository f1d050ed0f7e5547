//! `/alerts`: the inbox. Newest first, filtered by state and rule, each
//! alert linking to its call and event, with acknowledge / resolve / snooze
//! as plain forms; new alerts appear without a reload.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::LoadError;
use crate::components::{use_live_stream, FormNotice, LiveIndicator};
use crate::model::{format, AlertState, AlertView, AlertsPage as Data};
use crate::server_fns::load_alerts;

#[component]
pub fn AlertsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let state = q.get("state").filter(|s| AlertState::parse(s).is_some());
        let rule = q.get("rule").and_then(|r| r.parse::<i64>().ok());
        let page = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        (state, rule, page)
    });
    let data = Resource::new(
        move || filter.get(),
        |(state, rule, page)| load_alerts(state, rule, page),
    );
    let link = use_live_stream("/api/live/alerts".into(), 0, move |_| data.refetch());
    view! {
        <Title text="Alerts"/>
        <div class="page-head">
            <h1>"Alerts"</h1>
            <LiveIndicator state=link/>
            <a class="button" href="/alerts/rules">"Rules"</a>
        </div>
        <FormNotice/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the alerts…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <AlertsView data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The query of this view of the inbox (without the page), for links and `back`.
fn query_of(state: Option<AlertState>, rule: Option<i64>) -> String {
    let mut parts = Vec::new();
    if let Some(s) = state {
        parts.push(format!("state={}", s.as_str()));
    }
    if let Some(r) = rule {
        parts.push(format!("rule={r}"));
    }
    parts.join("&")
}

#[component]
fn AlertsView(data: Data) -> impl IntoView {
    let Data {
        alerts,
        state,
        rule,
        rules,
        open,
        page,
        has_more,
        now,
    } = data;
    let query = query_of(state, rule);
    let back = if query.is_empty() {
        "/alerts".to_string()
    } else {
        format!("/alerts?{query}")
    };
    let pager = {
        let sep = if query.is_empty() { "?" } else { "&" };
        let at = |p: u32| format!("{back}{sep}page={p}");
        let newer =
            (page > 1).then(|| view! { <a class="pager-link" href=at(page - 1)>"← Newer"</a> });
        let older =
            has_more.then(|| view! { <a class="pager-link" href=at(page + 1)>"Older →"</a> });
        view! { <nav class="pager" aria-label="pages">{newer}<span class="pager-page">"Page " {page}</span>{older}</nav> }
    };
    let empty = alerts.is_empty();
    view! {
        <p class="muted" data-testid="open-count">{format!("{open} open")}</p>
        <form method="get" action="/alerts" class="filters">
            <label>"State "
                <select name="state">
                    <option value="" selected=state.is_none()>"Any"</option>
                    {AlertState::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=state == Some(s)>{s.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Rule "
                <select name="rule">
                    <option value="" selected=rule.is_none()>"Any"</option>
                    {rules.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=rule == Some(id)>{name}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button">"Filter"</button>
        </form>
        {if empty {
            view! {
                <section class="empty">
                    <h2>"No alerts here"</h2>
                    <p>"Rules watch every event as it is stored: failed tool calls, hangs, stuck "
                       "calls, abnormal endings, tool loops, refused webhooks. "
                       <a href="/alerts/rules">"Tune the rules"</a> " or "
                       <a href="/automations">"add a channel"</a> " to be notified."</p>
                </section>
            }.into_any()
        } else {
            view! {
                <ul class="alerts">
                    {alerts.into_iter().map(|alert| view! { <AlertRow alert back=back.clone() now/> }).collect_view()}
                </ul>
                {pager}
            }.into_any()
        }}
    }
}

#[component]
fn AlertRow(alert: AlertView, back: String, now: i64) -> impl IntoView {
    let state = alert.state;
    let target = alert.link().map(|href| match alert.call_id.clone() {
        Some(call) => {
            let what = if alert.event_id.is_some() {
                "the event"
            } else {
                "the call"
            };
            view! { <a class="call-id" href=href>{call}</a> " · " <span class="muted">{what}</span> }
                .into_any()
        }
        None => view! { <a href=href>"Open the delivery log"</a> }.into_any(),
    });
    let snoozed = alert
        .snoozed_until
        .filter(|until| *until > now)
        .map(|until| format!("until {}", format::datetime(until)));
    let action = format!("/alerts/{}/act", alert.id);
    // Named with their alert for screen readers, which list the page's
    // buttons together.
    let rule_name = alert.rule_name.clone();
    let button = move |value: &'static str, label: &'static str| {
        let named = format!("{label} the {rule_name} alert");
        view! { <button type="submit" name="action" value=value class="button" aria-label=named>{label}</button> }
    };
    view! {
        <li class=format!("alert alert-{}", state.as_str()) data-alert-id=alert.id data-state=state.as_str()>
            <div class="alert-head">
                <span class=format!("tag tag-{}", state.as_str())>{state.label()} " " {snoozed}</span>
                <strong class="alert-rule">{alert.rule_name.clone()}</strong>
                <span class="count" title="matches">{format!("×{}", alert.count)}</span>
                <time title="opened">{format::datetime(alert.opened_at)}</time>
                <span class="muted">{format!("last {}", format::datetime(alert.last_seen_at))}</span>
            </div>
            <p class="reason">{alert.reason.clone()}</p>
            <p>{target}</p>
            <form method="post" action=action class="alert-actions">
                <input type="hidden" name="back" value=back/>
                {(state != AlertState::Acknowledged && state != AlertState::Resolved).then(|| button("acknowledge", "Acknowledge"))}
                {(state != AlertState::Resolved).then(|| button("resolve", "Resolve"))}
                {(state != AlertState::Open).then(|| button("reopen", "Reopen"))}
                <label class="snooze">
                    <select name="minutes" aria-label="Snooze for">
                        <option value="15">"15 min"</option>
                        <option value="60" selected=true>"1 hour"</option>
                        <option value="240">"4 hours"</option>
                        <option value="1440">"1 day"</option>
                    </select>
                    {button("snooze", "Snooze")}
                </label>
            </form>
        </li>
    }
}
