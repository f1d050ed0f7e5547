//! `/alerts/rules`: each rule with what it watches, on or off, its options,
//! its cool-down and the channels it notifies; and forms for `match` and
//! `rate` rules.

use leptos::prelude::*;
use leptos_meta::Title;

use super::LoadError;
use crate::components::{ConfirmDelete, FormNotice, Permitted};
use crate::model::endings;
use crate::model::rates::{RateOf, Severity};
use crate::model::{Action, MatchOp, RuleSpec, RuleView};
use crate::server_fns::load_rules;

#[component]
pub fn RulesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_rules());
    view! {
        <Title text="Alert rules"/>
        <div class="page-head">
            <h1>"Alert rules"</h1>
            <a class="button" href="/alerts">"Alerts"</a>
        </div>
        <FormNotice/>
        <p class="muted">"Every stored event is checked against the enabled rules; stuck calls and "
           "webhook rules are checked every second. An alert is kept per rule and call: a repeat "
           "counts, it does not notify again."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading the rules…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rules) => {
                        let channels = rules.first().map(|r| r.channels.clone()).unwrap_or_default();
                        view! {
                            <div class="rules">
                                {rules.into_iter().map(|rule| view! { <RuleCard rule/> }).collect_view()}
                            </div>
                            <Permitted action=Action::Edit>
                                <NewMatchRule channels=channels.clone()/>
                                <NewRateRule channels=channels.clone()/>
                            </Permitted>
                        }.into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A whole-number input (`stall_seconds` alone takes fractions).
fn number(name: &'static str, label: &'static str, value: String) -> impl IntoView {
    let step = if name == "stall_seconds" { "any" } else { "1" };
    view! { <label>{label} " " <input type="number" min="0" step=step name=name value=value/></label> }
}

fn text(name: &'static str, label: &'static str, value: String) -> impl IntoView {
    view! { <label>{label} " " <input type="text" name=name value=value/></label> }
}

fn op_select(op: MatchOp) -> impl IntoView {
    view! {
        <label>"Comparison "
            <select name="op">
                {MatchOp::ALL.into_iter().map(|o| view! {
                    <option value=o.as_str() selected=o == op>{o.as_str()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// The inputs of a kind's options.
fn options(spec: &RuleSpec) -> AnyView {
    match spec.clone() {
        RuleSpec::ToolError {} | RuleSpec::Transfer {} => ().into_any(),
        RuleSpec::Hang { count, stall_seconds } => view! {
            {number("count", "From the hang number", count.to_string())}
            {number("stall_seconds", "Silent at least (s, blank: any)", stall_seconds.map(|s| s.to_string()).unwrap_or_default())}
        }.into_any(),
        RuleSpec::StuckCall { seconds } => number("seconds", "Quiet for (s)", seconds.to_string()).into_any(),
        RuleSpec::EndedAbnormally { normal } => normal_endings(normal).into_any(),
        RuleSpec::ToolLoop { count } => number("count", "Calls of one function", count.to_string()).into_any(),
        RuleSpec::WebhookAuthFailures { count, minutes } => view! {
            {number("count", "Refusals", count.to_string())}
            {number("minutes", "Within (min)", minutes.to_string())}
        }.into_any(),
        RuleSpec::WebhookSilence { minutes } => number("minutes", "Silent for (min)", minutes.to_string()).into_any(),
        RuleSpec::Rate { of, percent, minutes, min_calls, seconds, severity } => view! {
            <label>"Calls that "
                <select name="of">
                    {RateOf::ALL.into_iter().map(|o| view! {
                        <option value=o.as_str() selected=o == of>{o.had(seconds)}</option>
                    }).collect_view()}
                </select>
            </label>
            {number("percent", "At least (%)", percent.to_string())}
            {number("minutes", "Of the last (min)", minutes.to_string())}
            {number("min_calls", "Once there are (calls)", min_calls.to_string())}
            <label>"Slow means over (s) "
                <input type="number" min="0" step="any" name="seconds" value=seconds.to_string()/>
            </label>
            <label>"Severity "
                <select name="severity">
                    {Severity::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=s == severity>{s.label()}</option>
                    }).collect_view()}
                </select>
            </label>
        }.into_any(),
        RuleSpec::Match { event, field, op, value } => view! {
            {text("event", "Event type (blank: any)", event.unwrap_or_default())}
            {text("field", "Field path (blank: the event's text)", field.unwrap_or_default())}
            {op_select(op)}
            {text("value", "Value", value)}
        }.into_any(),
    }
}

/// The endings a call may have without an alert: picked from every code
/// the platforms document (and any kept from before), more typed in.
fn normal_endings(normal: Vec<String>) -> impl IntoView {
    let documented: Vec<(String, String)> = endings::documented()
        .map(|(code, words)| (code.to_string(), format!("{words} — {code}")))
        .collect();
    let own: Vec<(String, String)> = normal
        .iter()
        .filter(|n| !documented.iter().any(|(code, _)| code == *n))
        .map(|n| (n.clone(), n.clone()))
        .collect();
    let size = 10.to_string();
    view! {
        <label>"Normal endings (Ctrl- or ⌘-click to pick several)"
            <select name="normal" multiple=true size=size>
                {own.into_iter().chain(documented).map(|(code, label)| {
                    let picked = normal.contains(&code);
                    view! { <option value=code selected=picked>{label}</option> }
                }).collect_view()}
            </select>
        </label>
        {text("normal_extra", "More endings (comma-separated codes)", String::new())}
    }
}

fn channel_boxes(channels: Vec<(i64, String, bool)>) -> impl IntoView {
    if channels.is_empty() {
        return view! { <p class="muted">"No channels yet: " <a href="/automations">"add one"</a> " to be notified."</p> }.into_any();
    }
    view! {
        <fieldset class="channels">
            <legend>"Notify"</legend>
            {channels.into_iter().map(|(id, name, on)| view! {
                <label><input type="checkbox" name="channel" value=id.to_string() checked=on/> " " {name}</label>
            }).collect_view()}
        </fieldset>
    }.into_any()
}

#[component]
fn RuleCard(rule: RuleView) -> impl IntoView {
    let action = format!("/alerts/rules/{}", rule.id);
    let deletable = matches!(rule.spec, RuleSpec::Match { .. } | RuleSpec::Rate { .. });
    let (id, name) = (rule.id, rule.name.clone());
    let delete = move || {
        deletable.then(|| {
            view! {
                <ConfirmDelete action=format!("/alerts/rules/{id}/delete") what=format!("rule {name}")
                    consequence="Its alerts are deleted with it."/>
            }
        })
    };
    view! {
        <article class=if rule.enabled { "rule rule-on" } else { "rule rule-off" } data-rule=rule.name.clone()>
            <h2>{rule.name.clone()} " " <span class="tag">{rule.spec.kind()}</span></h2>
            <p class="muted">{rule.spec.describe()}</p>
            <Permitted action=Action::Edit>
                <form method="post" action=action.clone() class="rule-form">
                    <label><input type="checkbox" name="enabled" checked=rule.enabled/> " Enabled"</label>
                    {options(&rule.spec)}
                    {number("cooldown_secs", "Cool-down after resolve (s)", rule.cooldown_secs.to_string())}
                    {channel_boxes(rule.channels.clone())}
                    <button type="submit" class="button">"Save"</button>
                </form>
                {delete()}
            </Permitted>
        </article>
    }
}

#[component]
fn NewMatchRule(channels: Vec<(i64, String, bool)>) -> impl IntoView {
    let channels = channels
        .into_iter()
        .map(|(id, name, _)| (id, name, false))
        .collect();
    view! {
        <article class="rule rule-new">
            <h2>"New match rule"</h2>
            <p class="muted">"Alert on any event of a type whose field (a dotted path into its JSON, "
               "such as " <code>"metadata.functionName"</code> ") or text meets a condition."</p>
            <form method="post" action="/alerts/rules" class="rule-form">
                {text("name", "Name", String::new())}
                <input type="hidden" name="enabled" value="on"/>
                {options(&RuleSpec::Match { event: None, field: None, op: MatchOp::Contains, value: String::new() })}
                {channel_boxes(channels)}
                <button type="submit" class="button">"Add rule"</button>
            </form>
        </article>
    }
}

#[component]
fn NewRateRule(channels: Vec<(i64, String, bool)>) -> impl IntoView {
    let channels = channels
        .into_iter()
        .map(|(id, name, _)| (id, name, false))
        .collect();
    let defaults: RuleSpec =
        serde_json::from_str(r#"{"kind":"rate"}"#).expect("a rate rule's defaults");
    view! {
        <article class="rule rule-new">
            <h2>"New rate rule"</h2>
            <p class="muted">"Alert when a share of the recent calls had a problem — a tool error, a hang, "
               "slow answers or an abnormal end — and resolve the alert once the share drops. "
               "Checked every 15 seconds."</p>
            <form method="post" action="/alerts/rules" class="rule-form">
                <input type="hidden" name="kind" value="rate"/>
                {text("name", "Name", String::new())}
                <input type="hidden" name="enabled" value="on"/>
                {options(&defaults)}
                {channel_boxes(channels)}
                <button type="submit" class="button">"Add rule"</button>
            </form>
        </article>
    }
}
