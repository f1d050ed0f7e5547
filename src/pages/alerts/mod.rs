//! `/alerts`: the inbox. Alerts come grouped into issues — one per rule and
//! cause — each with its calls a click away and bulk acknowledge, resolve
//! and snooze as plain forms; `?rule=…&cause=…` lists one issue's alerts.
//! New alerts appear without a reload.

mod issues;
mod list;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::LoadError;
use crate::components::{toast_mute, use_live_stream, FormNotice, LiveIndicator};
use crate::model::AlertState;
use crate::server_fns::{load_alerts, load_issues};

/// What the query asks for.
#[derive(Clone, PartialEq)]
struct Asked {
    state: Option<String>,
    rule: Option<i64>,
    cause: Option<String>,
    with_demo: bool,
    page: u32,
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        Asked {
            state: q.get("state").filter(|s| AlertState::parse(s).is_some()),
            rule: q.get("rule").and_then(|r| r.parse::<i64>().ok()),
            cause: q.get("cause").filter(|c| !c.is_empty()),
            with_demo: q.get("demo").as_deref() == Some("show"),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    });
    let data = Resource::new(
        move || asked.get(),
        |a| async move {
            match a.cause {
                Some(cause) => load_alerts(a.state, a.rule, Some(cause), a.page)
                    .await
                    .map(Shown::Alerts),
                None => load_issues(a.state, a.rule, a.with_demo, a.page)
                    .await
                    .map(Shown::Issues),
            }
        },
    );
    // The issues ticked for a bulk action outlive the list's re-renders
    // when new alerts arrive, so a tick is never lost under the cursor.
    provide_context(issues::Ticked::default());
    let link = use_live_stream("/api/live/alerts".into(), 0, move |_| data.refetch());
    view! {
        <Title text="Alerts"/>
        <div class="page-head">
            <h1>"Alerts"</h1>
            <LiveIndicator state=link/>
            <a class="button" href="/alerts/rules">"Rules"</a>
        </div>
        <FormNotice/>
        <Unmute/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the alerts…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Shown::Issues(data)) => view! { <issues::IssuesView data/> }.into_any(),
                    Ok(Shown::Alerts(data)) => view! { <list::AlertsView data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The query of a view of the inbox (without its page): its state and rule,
/// and one more term (`demo=show`, `cause=…`, its value already encoded).
fn query_of(state: Option<AlertState>, rule: Option<i64>, more: Option<(&str, String)>) -> String {
    let state = state.map(|s| format!("state={}", s.as_str()));
    let rule = rule.map(|r| format!("rule={r}"));
    let more = more.map(|(key, value)| format!("{key}={value}"));
    [state, rule, more]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("&")
}

/// `/alerts` with a view's query (without its page): where the page's links
/// and forms come back to.
fn path_of(query: &str) -> String {
    if query.is_empty() {
        "/alerts".to_string()
    } else {
        format!("/alerts?{query}")
    }
}

/// How long a snooze lasts, for the inbox's forms.
#[component]
fn SnoozeFor() -> impl IntoView {
    view! {
        <select name="minutes" aria-label="Snooze for">
            <option value="15">"15 min"</option>
            <option value="60" selected=true>"1 hour"</option>
            <option value="240">"4 hours"</option>
            <option value="1440">"1 day"</option>
        </select>
    }
}

/// Says when this browser muted alert pop-ups, with the way back.
#[component]
fn Unmute() -> impl IntoView {
    let muted = RwSignal::new(false);
    Effect::new(move || muted.set(toast_mute::is_on()));
    view! {
        <Show when=move || muted.get()>
            <p class="notice muted-toasts">
                "Alert pop-ups are muted in this browser. "
                <button type="button" class="button" on:click=move |_| {
                    toast_mute::set(false);
                    muted.set(false);
                }>"Show pop-ups again"</button>
            </p>
        </Show>
    }
}

/// What the page shows: the issues, or one issue's alerts.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum Shown {
    Issues(crate::model::IssuesPage),
    Alerts(crate::model::AlertsPage),
}
