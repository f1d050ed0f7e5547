//! The events each of a call's counters steps through (the call bar's
//! links, and `.` for the next problem).

use crate::model::{EventDetail, TimelineItem};

/// The events each of a call's counters steps through, in timeline order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Steps {
    pub tools: Vec<i64>,
    pub errors: Vec<i64>,
    pub hangs: Vec<i64>,
    pub interruptions: Vec<i64>,
    pub transfers: Vec<i64>,
    /// Errors and hangs together: what `.` steps through.
    pub problems: Vec<i64>,
}

impl Steps {
    pub fn of(items: &[TimelineItem]) -> Steps {
        let mut steps = Steps::default();
        for item in items {
            match &item.detail {
                EventDetail::ToolCall { error, .. } => {
                    steps.tools.push(item.id);
                    if error.is_some() {
                        steps.errors.push(item.id);
                        steps.problems.push(item.id);
                    }
                }
                EventDetail::Hang { .. } => {
                    steps.hangs.push(item.id);
                    steps.problems.push(item.id);
                }
                EventDetail::Interruption { .. } => steps.interruptions.push(item.id),
                EventDetail::Transfer { .. } => steps.transfers.push(item.id),
                _ => {}
            }
        }
        steps
    }

    /// The first error or hang, which the calls list links to.
    pub fn first_problem(&self) -> Option<i64> {
        self.problems.first().copied()
    }
}
