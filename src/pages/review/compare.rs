//! `/compare?a=…&b=…`: two calls side by side — turns aligned by order and
//! by matching text, tool calls compared by arguments and result, the
//! latency of each answer, and how each call ended; what differs is marked.
//! `/compare?qa=…&qb=…`: two searches' calls summed up side by side.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::super::LoadError;
use crate::model::compare::{SearchesPage, ToolDiff, ToolRow, TurnDiff, TurnRow, TurnSide};
use crate::model::{event_link, format, ComparePage as Data};
use crate::server_fns::{load_comparison, load_search_comparison};

#[component]
pub fn ComparePage() -> impl IntoView {
    let query = use_query_map();
    let searches = move || {
        let q = query.read();
        q.get("qa").zip(q.get("qb"))
    };
    view! {
        {move || match searches() {
            Some((qa, qb)) => view! { <Searches qa qb/> }.into_any(),
            None => view! { <Calls/> }.into_any(),
        }}
    }
}

/// Two searches' calls summed up, side by side.
#[component]
fn Searches(qa: String, qb: String) -> impl IntoView {
    let data = Resource::new(
        move || (qa.clone(), qb.clone()),
        |(qa, qb)| load_search_comparison(qa, qb),
    );
    view! {
        <Title text="Compare searches"/>
        <div class="page-head"><a href="/review" class="back">"← Review"</a><h1>"Two searches side by side"</h1></div>
        <Suspense fallback=|| view! { <p class="loading">"Comparing…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Figures page/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Figures(page: SearchesPage) -> impl IntoView {
    let rows = page.rows();
    let differing = rows.iter().filter(|r| r.differs).count();
    let link = |q: &str| format!("/?q={}", format::url_segment(q));
    view! {
        <p data-testid="differences">{format!("{differing} of {} figures differ by a tenth or more, marked below.", rows.len())}</p>
        <table class="compare">
            <thead><tr>
                <th>"Figure"</th>
                <th><a href=link(&page.qa)>"A: "<code>{if page.qa.is_empty() { "all calls".to_string() } else { page.qa.clone() }}</code></a></th>
                <th><a href=link(&page.qb)>"B: "<code>{if page.qb.is_empty() { "all calls".to_string() } else { page.qb.clone() }}</code></a></th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr class:differs=r.differs data-diff=if r.differs { "figure" } else { "same" }>
                        <th>{r.label}</th><td>{r.a}</td><td>{r.b}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Two calls, turn by turn.
#[component]
fn Calls() -> impl IntoView {
    let query = use_query_map();
    let ids = move || {
        let q = query.read();
        (
            q.get("a").unwrap_or_default(),
            q.get("b").unwrap_or_default(),
        )
    };
    let data = Resource::new(ids, |(a, b)| load_comparison(a, b));
    view! {
        <Title text="Compare calls"/>
        <div class="page-head"><a href="/review" class="back">"← Review"</a><h1>"Two calls side by side"</h1></div>
        <Suspense fallback=|| view! { <p class="loading">"Comparing…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(data)) => view! { <Compared data/> }.into_any(),
                    Ok(None) => view! { <p class="notice notice-error" role="alert">"Compare needs two calls that exist: tick two in the calls list, or give their ids on the Review page."</p> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Compared(data: Data) -> impl IntoView {
    let Data {
        a,
        b,
        comparison,
        tools,
    } = data;
    let differences = comparison.differences();
    let tool =
        move |id: Option<i64>| id.and_then(|id| tools.iter().find(|(t, _, _)| *t == id).cloned());
    let ending = comparison.ending.clone();
    view! {
        <p data-testid="differences">{match differences {
            0 => "No differences in turns, tool calls or endings.".to_string(),
            1 => "1 difference, marked below.".to_string(),
            n => format!("{n} differences, marked below."),
        }}</p>
        {comparison.by_order.then(|| view! { <p class="muted">"These calls are long: turns are paired by order only."</p> })}
        <table class="compare">
            <thead><tr>
                <th>"Difference"</th>
                <th><a href=event_link(&a.call_id, None)>{format!("A: {}", a.call_id)}</a></th>
                <th><a href=event_link(&b.call_id, None)>{format!("B: {}", b.call_id)}</a></th>
            </tr></thead>
            <tbody>
                <tr><th colspan="3" class="compare-section">"Turns"</th></tr>
                {comparison.turns.into_iter().map(turn_row).collect_view()}
                <tr><th colspan="3" class="compare-section">"Tool calls"</th></tr>
                {comparison.tools.into_iter().map(|row| tool_row(row, &tool)).collect_view()}
                <tr class:differs=ending.differs data-diff=if ending.differs { "ending" } else { "same" }>
                    <th>"Ended"</th>
                    <td>{ending.a.unwrap_or_else(|| "—".into())}</td>
                    <td>{ending.b.unwrap_or_else(|| "—".into())}</td>
                </tr>
            </tbody>
        </table>
    }
}

fn side(side: Option<TurnSide>) -> impl IntoView {
    side.map(|s| {
        let latency = s
            .latency
            .as_ref()
            .and_then(|l| l.heard_ms)
            .map(|ms| format!(" · answered in {ms} ms"));
        view! {
            <span class="who">{s.role.label().to_string()}</span>
            " " <span class="muted">{crate::model::format::offset(s.offset_ms)}{latency}</span>
            <p class="text">{s.text}</p>
        }
    })
}

fn turn_row(row: TurnRow) -> impl IntoView {
    let (label, code) = match row.diff {
        TurnDiff::Same => ("same", "same"),
        TurnDiff::Changed => ("changed", "changed"),
        TurnDiff::OnlyA => ("only in A", "only-a"),
        TurnDiff::OnlyB => ("only in B", "only-b"),
    };
    view! {
        <tr class:differs=row.diff != TurnDiff::Same data-diff=code data-testid="turn-row">
            <th>{label}</th>
            <td>{side(row.a)}</td>
            <td>{side(row.b)}</td>
        </tr>
    }
}

fn tool_row(
    row: ToolRow,
    tool: &impl Fn(Option<i64>) -> Option<(i64, String, String)>,
) -> impl IntoView {
    let (label, code) = match row.diff {
        ToolDiff::Same => ("same", "same"),
        ToolDiff::ArgsDiffer => ("arguments differ", "args"),
        ToolDiff::ResultDiffers => ("result differs", "result"),
        ToolDiff::ArgsAndResultDiffer => ("arguments and result differ", "args-result"),
        ToolDiff::OnlyA => ("only in A", "only-a"),
        ToolDiff::OnlyB => ("only in B", "only-b"),
    };
    let cell = |shown: Option<(i64, String, String)>| {
        shown.map(|(_, call, result)| view! { <code>{call}</code><br/><span>"→ " {result}</span> })
    };
    view! {
        <tr class:differs=row.diff != ToolDiff::Same data-diff=code data-testid="tool-row">
            <th>{label}</th>
            <td>{cell(tool(row.a))}</td>
            <td>{cell(tool(row.b))}</td>
        </tr>
    }
}
