//! `/compare`: two calls' timelines aligned turn by turn and tool by tool
//! ([`crate::model::compare`]), as the reader may read them.

use crate::model::compare::{compare, SearchesPage};
use crate::model::query::Query;
use crate::model::{tool_line, ComparePage, EventDetail, TimelineItem};
use crate::server::http::AppState;
use crate::server::store;
use crate::server::store::prelude::*;

use super::restricted;

/// The two calls compared; `None` when either is unknown.
pub async fn compare_page(
    state: &AppState,
    a: &str,
    b: &str,
) -> Result<Option<ComparePage>, store::Error> {
    let (Some(mut call_a), Some(mut call_b)) =
        (state.store.call(a).await?, state.store.call(b).await?)
    else {
        return Ok(None);
    };
    let mut items_a = state.store.timeline(a).await?;
    let mut items_b = state.store.timeline(b).await?;
    if let Some(r) = restricted::lens(state) {
        for item in &mut items_a {
            r.item_for_restricted(&call_a.source, item);
        }
        for item in &mut items_b {
            r.item_for_restricted(&call_b.source, item);
        }
        r.call_for_restricted(&mut call_a);
        r.call_for_restricted(&mut call_b);
    }
    let comparison = compare(&items_a, &items_b);
    let tools = items_a
        .iter()
        .chain(&items_b)
        .filter_map(tool_shown)
        .collect();
    Ok(Some(ComparePage {
        a: call_a,
        b: call_b,
        comparison,
        tools,
    }))
}

/// Two searches' calls summed up; `Err` says which query cannot be read
/// and why.
pub async fn searches_page(
    state: &AppState,
    qa: String,
    qb: String,
) -> Result<Result<SearchesPage, String>, store::Error> {
    let mut summaries = Vec::new();
    for q in [&qa, &qb] {
        let query = match Query::parse(q) {
            Ok(query) => query,
            Err(e) => return Ok(Err(format!("“{q}”: {e}"))),
        };
        summaries.push(
            state
                .store
                .search_summary(&query, state.search_at())
                .await?,
        );
    }
    let b = summaries.pop().unwrap_or_default();
    let a = summaries.pop().unwrap_or_default();
    Ok(Ok(SearchesPage { qa, qb, a, b }))
}

/// A tool call's arguments and result, each in a line.
fn tool_shown(item: &TimelineItem) -> Option<(i64, String, String)> {
    match &item.detail {
        EventDetail::ToolCall {
            function,
            arguments,
            response,
            error,
        } => {
            let result = match (error, response) {
                (Some(e), _) => format!("error: {e}"),
                (None, Some(r)) => tool_line::result(r),
                (None, None) => "no result".to_string(),
            };
            Some((item.id, tool_line::call(function, arguments), result))
        }
        _ => None,
    }
}
