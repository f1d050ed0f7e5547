//! A durable cursor over `events` as the effects runner holds it: where it
//! stands in memory, where it stands on disk, and when it was last written.
//! A pass that caused nothing moves it in memory only; it is written with
//! the next pass that causes something, or at least every [`PERSIST_EVERY`]
//! (after a crash, re-reading such events finds nothing again).

use std::time::{Duration, Instant};

use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::Store;

const PERSIST_EVERY: Duration = Duration::from_secs(5);

pub struct Cursor {
    pub name: &'static str,
    /// The last event handled (`None` until the stored position is read).
    position: Option<i64>,
    stored: i64,
    persisted: Instant,
}

impl Cursor {
    pub fn new(name: &'static str) -> Self {
        Cursor {
            name,
            position: None,
            stored: 0,
            persisted: Instant::now(),
        }
    }

    /// Where the cursor stands, reading it from the database the first time.
    pub async fn position(&mut self, store: &Store) -> Result<i64, store::Error> {
        match self.position {
            Some(p) => Ok(p),
            None => {
                self.stored = store.cursor(self.name).await?;
                self.position = Some(self.stored);
                Ok(self.stored)
            }
        }
    }

    /// Whether a pass must write the cursor: it caused something, or the
    /// stored position is getting old.
    pub fn must_write(&self, caused: bool) -> bool {
        caused || self.persisted.elapsed() >= PERSIST_EVERY
    }

    /// The position in memory, when it is ahead of the stored one.
    pub fn unwritten(&self) -> Option<i64> {
        self.position.filter(|p| *p > self.stored)
    }

    /// The cursor moved to `to`; `written` when the database has it too.
    pub fn moved(&mut self, to: i64, written: bool) {
        self.position = Some(to);
        if written {
            self.stored = to;
            self.persisted = Instant::now();
        }
    }
}
