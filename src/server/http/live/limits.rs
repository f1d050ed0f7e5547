//! How many live streams one session may hold open at once. Each stream
//! holds a [`StreamSlot`]; dropping it (the stream ended) frees the slot.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Open streams per session id.
#[derive(Clone, Default)]
pub struct StreamSlots(Arc<Mutex<HashMap<String, usize>>>);

/// One open stream of one session.
pub struct StreamSlot {
    slots: StreamSlots,
    session: String,
}

impl StreamSlots {
    /// A slot for another stream of `session`, or `None` when it already
    /// holds `max` streams.
    pub fn take(&self, session: &str, max: usize) -> Option<StreamSlot> {
        let mut open = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(session.to_string()).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            slots: self.clone(),
            session: session.to_string(),
        })
    }

    /// Streams `session` holds open now.
    pub fn open(&self, session: &str) -> usize {
        let open = self.0.lock().unwrap_or_else(|e| e.into_inner());
        open.get(session).copied().unwrap_or(0)
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.slots.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.session) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.session);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_holds_at_most_max_streams() {
        let slots = StreamSlots::default();
        let a1 = slots.take("a", 2).unwrap();
        let _a2 = slots.take("a", 2).unwrap();
        assert!(slots.take("a", 2).is_none());
        // Another session has its own allowance.
        assert!(slots.take("b", 2).is_some());
        drop(a1);
        assert_eq!(slots.open("a"), 1);
        let _a3 = slots.take("a", 2).unwrap();
        assert_eq!(slots.open("a"), 2);
        assert_eq!(slots.open("b"), 0, "a dropped slot frees its entry");
    }
}
