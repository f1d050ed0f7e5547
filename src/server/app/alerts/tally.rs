//! Running counts per call for the counting rules (hangs so far, calls of
//! each function so far). The runner reads events in commit order, so once
//! a count is read from the database (the first time a rule needs it) it is
//! kept current by adding each later event — not counted again per event,
//! which cost a scan of the call for every tool call of a long call.

use std::collections::HashMap;

use super::evaluate::{Facts, Needs};
use crate::model::{EventDetail, TimelineItem};
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::Store;

/// Counts kept at most; past it they are dropped and read again as needed.
const KEPT: usize = 50_000;

#[derive(Default)]
pub struct Tally {
    /// (call id, what) → count up to the last event handled; `what` is
    /// `None` for hangs, the function's name for tool calls.
    counts: HashMap<(String, Option<String>), i64>,
}

impl Tally {
    /// The facts for `item`, counting it.
    pub async fn facts(
        &mut self,
        store: &Store,
        needs: Needs,
        item: &TimelineItem,
    ) -> Result<Facts, store::Error> {
        let mut facts = Facts::default();
        match &item.detail {
            EventDetail::Hang { .. } => {
                let key = (item.call_id.clone(), None);
                if let Some(n) = self.counts.get_mut(&key) {
                    *n += 1;
                    facts.hangs = *n;
                } else if needs.hangs {
                    facts.hangs = store.hangs_up_to(&item.call_id, item.id).await?;
                    self.keep(key, facts.hangs);
                }
            }
            EventDetail::ToolCall { function, .. } => {
                let key = (item.call_id.clone(), Some(function.clone()));
                if let Some(n) = self.counts.get_mut(&key) {
                    *n += 1;
                    facts.same_function = *n;
                } else if needs.same_function {
                    facts.same_function = store
                        .calls_of_function_up_to(&item.call_id, function, item.id)
                        .await?;
                    self.keep(key, facts.same_function);
                }
            }
            _ => {}
        }
        Ok(facts)
    }

    fn keep(&mut self, key: (String, Option<String>), count: i64) {
        if self.counts.len() >= KEPT {
            self.counts.clear();
        }
        self.counts.insert(key, count);
    }
}
