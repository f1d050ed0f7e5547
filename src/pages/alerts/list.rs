//! One issue's alerts (`/alerts?rule=…&cause=…`): newest first, each
//! linking to its call and event, with acknowledge / resolve / snooze as
//! plain forms.

use leptos::prelude::*;

use crate::components::{Moment, Pager, Permitted};
use crate::model::{format, Action, AlertState, AlertView, AlertsPage as Data};

#[component]
pub fn AlertsView(data: Data) -> impl IntoView {
    let Data {
        alerts,
        state,
        rule,
        cause,
        rules,
        open,
        page,
        has_more,
        now,
    } = data;
    let query = super::query_of(
        state,
        rule,
        cause.as_deref().map(|c| ("cause", format::url_segment(c))),
    );
    let rule_name = rules
        .iter()
        .find(|(id, _)| Some(*id) == rule)
        .map(|(_, name)| name.clone());
    let back = super::path_of(&query);
    let pager = view! { <Pager base=back.clone() page has_more/> };
    let empty = alerts.is_empty();
    view! {
        <p><a href="/alerts">"← All issues"</a></p>
        <h2 class="issue-title">
            {rule_name}{cause.map(|c| view! { ": " <span class="cause">{c}</span> })}
        </h2>
        <p class="muted" data-testid="open-count">{format!("{open} open in all")}</p>
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
                <span>"opened " <Moment at=alert.opened_at/></span>
                <span class="muted">"last " <Moment at=alert.last_seen_at/></span>
            </div>
            <p class="reason">{alert.reason.clone()}</p>
            <p>{target}</p>
            <Permitted action=Action::Edit>
            <form method="post" action=action.clone() class="alert-actions">
                <input type="hidden" name="back" value=back.clone()/>
                {(state != AlertState::Acknowledged && state != AlertState::Resolved).then(|| button("acknowledge", "Acknowledge"))}
                {(state != AlertState::Resolved).then(|| button("resolve", "Resolve"))}
                {(state != AlertState::Open).then(|| button("reopen", "Reopen"))}
                <label class="snooze">
                    <super::SnoozeFor/>
                    {button("snooze", "Snooze")}
                </label>
            </form>
            </Permitted>
        </li>
    }
}
