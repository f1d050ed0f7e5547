//! A live call page's updates: events gathered into one change per animation
//! frame (a burst of them costs one render), and the window of items kept
//! within its bound whatever the rate.

use leptos::prelude::*;

use crate::model::{insert_sorted, CallSummary, LiveUpdate, TimelineItem, TimelinePoint};

/// A live page never holds more items than this (older ones stay a link away).
pub const MAX_ITEMS: usize = 400;
/// How many it keeps when it trims while following.
pub const KEEP_ITEMS: usize = 200;
/// A backlog this long is applied at once rather than waiting for a frame
/// (a hidden tab gets no frames).
const MAX_PENDING: usize = 1_000;

/// Collects updates and hands them over once per animation frame.
#[derive(Clone, Copy)]
pub struct LiveBatch {
    pending: StoredValue<Vec<LiveUpdate>>,
    scheduled: StoredValue<bool>,
    apply: Callback<Vec<LiveUpdate>>,
}

impl LiveBatch {
    pub fn new(apply: impl Fn(Vec<LiveUpdate>) + Send + Sync + 'static) -> Self {
        LiveBatch {
            pending: StoredValue::new(Vec::new()),
            scheduled: StoredValue::new(false),
            apply: Callback::new(apply),
        }
    }

    pub fn push(self, update: LiveUpdate) {
        self.pending.update_value(|p| p.push(update));
        if self.pending.with_value(Vec::len) >= MAX_PENDING {
            self.flush();
        } else if !self.scheduled.get_value() {
            self.scheduled.set_value(true);
            request_animation_frame(move || self.flush());
        }
    }

    fn flush(self) {
        self.scheduled.set_value(false);
        let updates = self
            .pending
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if !updates.is_empty() {
            self.apply.run(updates);
        }
    }
}

/// What the page shows: a past window (`before`) or the newest one, and
/// whether the reader is following it.
pub struct Window {
    pub before: Option<TimelinePoint>,
    pub following: bool,
}

/// What one batch did.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    pub added: usize,
    /// New events not shown: the reader is away and the window is full.
    pub left_out: usize,
    /// Where the window now starts, when old items were dropped.
    pub trimmed_to: Option<TimelinePoint>,
    /// The call's summary after the newest update.
    pub call: Option<CallSummary>,
}

impl Window {
    pub fn apply(&self, items: &mut Vec<TimelineItem>, updates: Vec<LiveUpdate>) -> Applied {
        let mut applied = Applied::default();
        for LiveUpdate { item, call } in updates {
            applied.call = Some(call);
            // A window of the past only shows its own stretch of time.
            if self
                .before
                .is_some_and(|end| TimelinePoint::of(&item) >= end)
            {
                continue;
            }
            if items.iter().any(|i| i.id == item.id) {
                continue;
            }
            if !self.following && items.len() >= MAX_ITEMS {
                applied.left_out += 1;
            } else if insert_sorted(items, item) {
                applied.added += 1;
            }
        }
        if self.following && items.len() > MAX_ITEMS {
            items.drain(..items.len() - KEEP_ITEMS);
            applied.trimmed_to = items.first().map(TimelinePoint::of);
        }
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventDetail;

    fn update(id: i64) -> LiveUpdate {
        let item = TimelineItem {
            id,
            call_id: "c".into(),
            occurred_at: id * 10,
            seconds_from_start: None,
            received_at: 0,
            detail: EventDetail::End { ended_by: None },
            raw: "{}".into(),
            clipped: false,
        };
        let call = CallSummary::new("infer", &item);
        LiveUpdate { item, call }
    }

    fn items(n: i64) -> Vec<TimelineItem> {
        (1..=n).map(|id| update(id).item).collect()
    }

    #[test]
    fn a_burst_while_following_keeps_the_window_bound_and_the_newest() {
        let mut shown = items(390);
        let window = Window {
            before: None,
            following: true,
        };
        let applied = window.apply(&mut shown, (391..=840).map(update).collect());
        assert_eq!(applied.added, 450);
        assert_eq!(shown.len(), KEEP_ITEMS);
        assert_eq!(shown.last().map(|i| i.id), Some(840));
        assert_eq!(
            applied.trimmed_to,
            Some(TimelinePoint { at: 6_410, id: 641 })
        );
        assert_eq!(applied.call.map(|c| c.last_event_id), Some(840));
    }

    #[test]
    fn away_from_the_bottom_the_window_fills_then_counts_what_it_leaves_out() {
        let mut shown = items(395);
        let window = Window {
            before: None,
            following: false,
        };
        let applied = window.apply(&mut shown, (396..=420).map(update).collect());
        assert_eq!((applied.added, applied.left_out), (5, 20));
        assert_eq!(shown.len(), MAX_ITEMS);
        assert_eq!(
            shown.first().map(|i| i.id),
            Some(1),
            "what the reader reads stays"
        );
        assert_eq!(applied.trimmed_to, None);
    }

    #[test]
    fn a_past_window_ignores_later_events_and_duplicates_count_once() {
        let mut shown = items(3);
        let window = Window {
            before: Some(TimelinePoint { at: 50, id: 5 }),
            following: true,
        };
        let applied = window.apply(&mut shown, vec![update(4), update(4), update(9)]);
        assert_eq!(applied.added, 1);
        assert_eq!(shown.len(), 4);
    }
}
