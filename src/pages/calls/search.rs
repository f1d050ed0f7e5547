//! The calls list's query bar (a GET form with chips and saved views) and
//! the results of a query, each row opening its call at the best text hit.

use std::collections::HashMap;

use leptos::prelude::*;

use super::exports::ExportLinks;
use crate::components::{CallsTable, CompareTicked, EstimatesNote, Pager, Permitted};
use crate::model::metrics::CallMetrics;
use crate::model::{
    format, Action, CallSummary, ListOrder, SavedView, SearchHit, SearchResults, Sort,
};

/// One-click queries above the list.
const CHIPS: [(&str, &str); 8] = [
    ("Errors", "has:tool_error"),
    ("Hangs", "has:hang"),
    ("Interruptions", "has:interruption"),
    ("Transferred", "status:transferred"),
    ("Live", "status:live"),
    ("Stale", "status:stale"),
    ("Last hour", "started>-1h"),
    ("Last 7 days", "started>-7d"),
];

/// Whether `query` is a term of `q`, and `q` with it toggled: taken out
/// when it is in, added when it is not.
fn toggled(q: &str, query: &str) -> (bool, String) {
    let terms: Vec<&str> = q.split_whitespace().collect();
    if terms.contains(&query) {
        let rest: Vec<&str> = terms.into_iter().filter(|t| *t != query).collect();
        (true, rest.join(" "))
    } else {
        let mut all = terms;
        all.push(query);
        (false, all.join(" "))
    }
}

/// The query bar: a GET form, so the query lives in the URL (`/?q=…`) and
/// works without JavaScript; chips run the common queries.
#[component]
pub(super) fn QueryBar(q: String, saved: Vec<SavedView>, sort: Sort) -> impl IntoView {
    let searching = !q.trim().is_empty();
    let current = q.clone();
    view! {
        <form class="query-bar" method="get" action="/" role="search">
            <input
                type="search"
                name="q"
                value=q.clone()
                aria-label="Search calls"
                placeholder="Words, \"phrases\", has:tool_error, tool:NAME, status:live, duration>120, started>-7d, -word…"
                autocomplete="off"
                spellcheck="false"
            />
            {(sort != Sort::default()).then(|| view! { <input type="hidden" name="sort" value=sort.param()/> })}
            <button type="submit" class="button">"Search"</button>
        </form>
        <nav class="chips" aria-label="common queries">
            {saved.into_iter().map(|view_| view! {
                <span class="chip chip-saved" class:current=view_.q == current>
                    <a href=format!("/?q={}", format::url_segment(&view_.q)) title=view_.q.clone()>{view_.name.clone()}</a>
                    <Permitted action=Action::Edit>
                    <form method="post" action=format!("/views/{}/delete", view_.id) class="inline">
                        <button type="submit" class="chip-delete" aria-label=format!("Delete the view {}", view_.name)>"×"</button>
                    </form>
                    </Permitted>
                </span>
            }).collect_view()}
            {CHIPS.into_iter().map(|(label, query)| {
                let (active, next) = toggled(&current, query);
                let href = if next.is_empty() { "/".to_string() } else { format!("/?q={}", format::url_segment(&next)) };
                let title = if active { format!("Remove {query} from the query") } else { format!("Add {query} to the query") };
                view! {
                    <a class="chip" class:active=active aria-current=active.then_some("true") href=href title=title>
                        {active.then_some("✓ ")}{label}
                    </a>
                }
            }).collect_view()}
        </nav>
        {searching.then(|| view! {
            <Permitted action=Action::Edit>
            <form class="save-view" method="post" action="/views">
                <input type="hidden" name="q" value=q.clone()/>
                <label>"Save this query as " <input type="text" name="name" required maxlength="60" placeholder="a name"/></label>
                <button type="submit" class="button">"Save view"</button>
            </form>
            </Permitted>
        })}
    }
}

/// The calls a query selected, each opening at its best text hit.
#[component]
pub(super) fn Results(
    results: SearchResults,
    calls: RwSignal<Vec<CallSummary>>,
    now: ReadSignal<i64>,
    stale_after_ms: i64,
    page: u32,
    has_more: bool,
    metrics: StoredValue<HashMap<String, CallMetrics>>,
    order: StoredValue<ListOrder>,
) -> impl IntoView {
    let SearchResults { q, error, hits } = results;
    if let Some(error) = error {
        return view! {
            <p class="notice notice-error" role="alert" data-testid="query-error">
                <strong>"This query cannot be read: "</strong>{error}
            </p>
        }
        .into_any();
    }
    // Rows follow the live summaries of the calls they show.
    let rows = Signal::derive(move || {
        calls.with(|calls| {
            hits.iter()
                .map(|h| SearchHit {
                    call: calls
                        .iter()
                        .find(|c| c.call_id == h.call.call_id)
                        .cloned()
                        .unwrap_or_else(|| h.call.clone()),
                    event_id: h.event_id,
                    snippet: h.snippet.clone(),
                })
                .collect::<Vec<_>>()
        })
    });
    let count = move || rows.with(Vec::len);
    let base = order.with_value(ListOrder::base);
    view! {
        <section class="results" aria-labelledby="results-heading">
            <h2 id="results-heading">
                {if q.trim().is_empty() { "All calls " } else { "Results " }} <span class="count">{move || format!("{}{}", count(), if has_more { "+" } else { "" })}</span>
                " " <a class="clear" href="/">"Clear"</a>
            </h2>
            <Show
                when=move || { count() > 0 }
                fallback=|| view! { <p class="muted">"No call matches this query."</p> }
            >
                <CallsTable calls=rows now stale_after_ms caption="Calls matching the query" metrics order/>
                <CompareTicked/>
            </Show>
            <Pager base=base.clone() page has_more/>
            <EstimatesNote metrics/>
            <p class="exports"><ExportLinks q=q.clone()/></p>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::toggled;

    #[test]
    fn a_chip_adds_its_term_or_takes_it_out() {
        assert_eq!(toggled("", "has:hang"), (false, "has:hang".to_string()));
        assert_eq!(
            toggled("refund", "has:hang"),
            (false, "refund has:hang".to_string())
        );
        assert_eq!(
            toggled("refund has:hang", "has:hang"),
            (true, "refund".to_string())
        );
        assert_eq!(toggled("has:hang", "has:hang"), (true, String::new()));
    }
}
