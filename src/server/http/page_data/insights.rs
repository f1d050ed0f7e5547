//! What `/insights` shows: the figures over time of the calls a query
//! selects.

use crate::model::insights::{InsightsPage, Step};
use crate::model::query::Query;
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::{now_ms, SearchAt, Store};

pub async fn insights_page(
    store: &Store,
    q: Option<String>,
    stale_after_ms: i64,
) -> Result<InsightsPage, store::Error> {
    let q = q.unwrap_or_default();
    let at = SearchAt {
        now_ms: now_ms(),
        stale_after_ms,
    };
    let mut page = InsightsPage {
        q,
        error: None,
        step: Step::Hour,
        buckets: Vec::new(),
        tools: Vec::new(),
        latency_parts: Vec::new(),
        flags: Default::default(),
        total: 0,
        cut: false,
    };
    match Query::parse(&page.q) {
        Err(e) => page.error = Some(e.to_string()),
        Ok(query) => {
            let found = store.insights(&query, at).await?;
            page.step = found.step;
            page.buckets = found.buckets;
            page.tools = found.tools;
            page.latency_parts = found.latency_parts;
            page.flags = found.flags;
            page.total = found.total;
            page.cut = found.cut;
        }
    }
    Ok(page)
}
