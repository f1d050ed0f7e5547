//! The issues list: each issue's rule, cause, calls, first and last seen, a
//! sparkline of the last day and where it stands; tick several and act on
//! them at once, or act on one from its row.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::components::{Pager, Permitted};
use crate::model::issues::SPARK_HOURS;
use crate::model::{event_link, format, Action, AlertState, IssueView, IssuesPage as Data};

/// The issues ticked on the page (by key), kept while the list is drawn
/// anew for each new alert.
#[derive(Clone, Copy, Default)]
pub struct Ticked(RwSignal<HashSet<String>>);

#[component]
pub fn IssuesView(data: Data) -> impl IntoView {
    let Data {
        issues,
        state,
        rule,
        with_demo,
        rules,
        open,
        page,
        has_more,
        now,
    } = data;
    let query = super::query_of(state, rule, with_demo.then(|| ("demo", "show".to_string())));
    let back = super::path_of(&query);
    let bulk_back = back.clone();
    let pager = view! { <Pager base=back.clone() page has_more/> };
    let empty = issues.is_empty();
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
            <label class="inline">
                <input type="checkbox" name="demo" value="show" checked=with_demo/>
                " Include demo calls"
            </label>
            <button type="submit" class="button">"Filter"</button>
        </form>
        {if empty {
            view! {
                <section class="empty">
                    <h2>"No alerts here"</h2>
                    <p>"Rules watch every event as it is stored: failed tool calls, hangs, stuck "
                       "calls, abnormal endings, tool loops, refused webhooks, and the share of "
                       "calls with a problem. Alerts with the same cause are grouped into one issue. "
                       <a href="/alerts/rules">"Tune the rules"</a> " or "
                       <a href="/automations">"add a channel"</a> " to be notified."</p>
                    {(!with_demo).then(|| view! {
                        <p class="muted">"Alerts of demo calls are left out: "
                            <a href=format!("/alerts?{}", super::query_of(state, rule, Some(("demo", "show".to_string()))))>"include them"</a> "."</p>
                    })}
                </section>
            }.into_any()
        } else {
            view! {
                <Permitted action=Action::Edit>
                <form id="bulk" method="post" action="/alerts/issues/act" class="bulk-actions">
                    <input type="hidden" name="back" value=bulk_back.clone()/>
                    <span class="muted">"With the ticked issues:"</span>
                    <button type="submit" name="action" value="acknowledge" class="button">"Acknowledge"</button>
                    <button type="submit" name="action" value="resolve" class="button">"Resolve"</button>
                    <super::SnoozeFor/>
                    <button type="submit" name="action" value="snooze" class="button">"Snooze"</button>
                </form>
                </Permitted>
                <ul class="issues">
                    {issues.into_iter().map(|issue| view! { <IssueRow issue back=back.clone() now/> }).collect_view()}
                </ul>
                {pager}
            }.into_any()
        }}
    }
}

#[component]
fn IssueRow(issue: IssueView, back: String, now: i64) -> impl IntoView {
    let state = issue.state;
    let key = issue.key();
    let (tick_key, form_key) = (key.clone(), key.clone());
    let named = format!("{}: {}", issue.rule_name, issue.reason);
    let calls = match issue.calls {
        0 => format!("{} alerts", issue.alerts),
        1 => "1 call".to_string(),
        n => format!("{n} calls"),
    };
    let latest = issue.latest_call.clone().map(
        |call| view! { " · " <a href=event_link(&call, issue.latest_event)>"latest call"</a> },
    );
    let button = {
        let named = named.clone();
        move |value: &'static str, label: &'static str| {
            let aria = format!("{label} the issue {named}");
            view! { <button type="submit" name="action" value=value class="button" aria-label=aria>{label}</button> }
        }
    };
    view! {
        <li class=format!("issue issue-{}", state.as_str()) data-issue=key data-state=state.as_str()>
            <TickBox key=tick_key named=named.clone()/>
            <div class="issue-main">
                <div class="issue-head">
                    <span class=format!("tag tag-{}", state.as_str())>{state.label()}</span>
                    <strong class="alert-rule">{issue.rule_name.clone()}</strong>
                    <Spark bars=issue.spark.clone()/>
                </div>
                <p class="reason">{issue.reason.clone()}</p>
                <p class="issue-facts muted">
                    <a href=issue.alerts_href() data-testid="issue-calls">{calls}</a>
                    {format!(" · first seen {} · last seen {}", format::ago(now - issue.first_seen), format::ago(now - issue.last_seen))}
                    {latest}
                </p>
            </div>
            <Permitted action=Action::Edit>
            <form method="post" action="/alerts/issues/act" class="alert-actions">
                <input type="hidden" name="issue" value=form_key.clone()/>
                <input type="hidden" name="back" value=back.clone()/>
                {(state == AlertState::Open).then(|| button("acknowledge", "Acknowledge"))}
                {(state != AlertState::Resolved).then(|| button("resolve", "Resolve"))}
                {(state != AlertState::Open).then(|| button("reopen", "Reopen"))}
            </form>
            </Permitted>
        </li>
    }
}

/// Alerts opened per hour over the last day, as small bars.
#[component]
fn Spark(bars: Vec<u32>) -> impl IntoView {
    let top = bars.iter().copied().max().unwrap_or(0).max(1) as f64;
    let total: u32 = bars.iter().sum();
    let label = format!("{total} in the last {SPARK_HOURS} hours");
    let title = label.clone();
    view! {
        <svg class="spark" viewBox="0 0 96 20" width="96" height="20" role="img" aria-label=label>
            <title>{title}</title>
            {bars.into_iter().enumerate().map(|(i, n)| {
                let h = if n == 0 { 1.0 } else { 2.0 + 18.0 * n as f64 / top };
                view! { <rect x=(i * 4).to_string() y=format!("{:.1}", 20.0 - h) width="3" height=format!("{h:.1}") class:empty=n == 0/> }
            }).collect_view()}
        </svg>
    }
}

/// An issue's tick for the bulk form; its state lives in [`Ticked`].
#[component]
fn TickBox(key: String, named: String) -> impl IntoView {
    let ticked = use_context::<Ticked>().unwrap_or_default().0;
    let (shown, changed) = (key.clone(), key.clone());
    view! {
        <input type="checkbox" form="bulk" name="issue" value=key aria-label=format!("Tick the issue {named}")
            prop:checked=move || ticked.with(|t| t.contains(&shown))
            on:change=move |ev| {
                let on = event_target_checked(&ev);
                ticked.update(|t| {
                    if on {
                        t.insert(changed.clone());
                    } else {
                        t.remove(&changed);
                    }
                });
            }/>
    }
}
