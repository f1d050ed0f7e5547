//! Reviewing calls: notes, flags and verdicts, shared links, review queues.

use std::collections::HashMap;

use crate::model::query::Query;
use crate::model::review::{CallReview, Queue, Reason, ReviewMarks, Sampling, ShareLink};
use crate::server::store::queues::{NewQueue, QueueRule};
use crate::server::store::review::{NewNote, NewVerdict, NoteChange};
use crate::server::store::shares::SharedTo;
use crate::server::store::{Error, SearchAt, Store};

areas! {
    /// Notes pinned to a moment, flags with a reason, each reviewer's
    /// score and "reviewed" mark, and the list of reasons.
    ReviewStore {
        /// The reasons on the list, in its order.
        fn flag_reasons(&self) -> Result<Vec<Reason>, Error>;
        /// Adds a reason at the end of the list (or brings a retired one
        /// back); false when it is on the list already.
        fn add_flag_reason(&self, code: &str, label: &str) -> Result<bool, Error>;
        /// Takes a reason off the list; flags given keep their code. False
        /// when it is not on the list.
        fn retire_flag_reason(&self, code: &str) -> Result<bool, Error>;
        /// Everything reviewers concluded about the call.
        fn call_review(&self, call_id: &str) -> Result<CallReview, Error>;
        /// Each call's review in a line, for those of `call_ids` that have one.
        fn review_marks(&self, call_ids: &[String]) -> Result<HashMap<String, ReviewMarks>, Error>;
        /// Pins a note to the call; `None` when the call has its fill of
        /// notes (`MAX_NOTES_PER_CALL`).
        fn add_note(&self, call_id: &str, author_id: i64, note: &NewNote) -> Result<Option<i64>, Error>;
        /// Changes a note's text: its author's, or anyone's for an admin.
        fn edit_note(&self, call_id: &str, id: i64, by: i64, admin: bool, body: &str) -> Result<NoteChange, Error>;
        /// Deletes a note: its author's, or anyone's for an admin.
        fn delete_note(&self, call_id: &str, id: i64, by: i64, admin: bool) -> Result<NoteChange, Error>;
        /// Sets (`on`) or clears `author_id`'s flag for `reason` on an item,
        /// or on the call for `None`.
        fn set_flag(&self, call_id: &str, event_id: Option<i64>, reason: &str, author_id: i64, on: bool) -> Result<(), Error>;
        /// Keeps a reviewer's verdict in one transaction: their flags on the
        /// call (not its items) become its reasons; their score and mark are set.
        fn save_verdict(&self, call_id: &str, reviewer_id: i64, verdict: &NewVerdict) -> Result<(), Error>;
        /// Tells every instance listening ([`Store::watch_reviews`]) that the
        /// call's review changed; false when there are no others to tell
        /// (SQLite has one instance): the caller tells its own.
        fn announce_review(&self, call_id: &str) -> Result<bool, Error>;
    }
    /// Read-only links to one call, kept by the hash of their secret.
    ShareStore {
        /// Keeps a new link; returns its id.
        fn create_share(&self, call_id: &str, token_hash: &str, redacted: bool, created_by: i64, created_at: i64, expires_at: i64) -> Result<i64, Error>;
        /// The link with this hash, revoked and expired ones included (the
        /// caller decides whether it works).
        fn shared_to(&self, token_hash: &str) -> Result<Option<SharedTo>, Error>;
        /// Counts a view of the link.
        fn note_share_view(&self, id: i64, now: i64) -> Result<(), Error>;
        /// The call's links, newest first.
        fn shares_of(&self, call_id: &str) -> Result<Vec<ShareLink>, Error>;
        /// Revokes a working link of the call; false when there is none.
        fn revoke_share(&self, call_id: &str, id: i64, now: i64) -> Result<bool, Error>;
    }
    /// Review queues: a query, a sampling rule, and progress.
    QueueStore {
        /// Adds a queue; `None` when the name is taken.
        fn create_queue(&self, queue: &NewQueue, created_by: i64) -> Result<Option<i64>, Error>;
        /// Deletes a queue (not the reviews done through it); false when
        /// there is no such queue.
        fn delete_queue(&self, id: i64) -> Result<bool, Error>;
        /// Every queue by name, with its progress and what waits for `reader`.
        fn queues(&self, reader: i64) -> Result<Vec<Queue>, Error>;
        /// A queue's query (as typed), sampling rule and reviewers.
        fn queue_rule(&self, id: i64) -> Result<Option<QueueRule>, Error>;
        /// Looks at the ended calls `query` finds that the queue has not
        /// looked at, oldest first, and offers those its rule picks (each
        /// call is looked at once, so "every 2nd" counts every call found
        /// since the queue began); returns how many it looked at.
        fn fill_queue(&self, id: i64, query: &Query, sampling: Sampling, at: SearchAt) -> Result<i64, Error>;
        /// The first call the queue offers that still needs reviews and
        /// that `reader` has not marked reviewed.
        fn next_in_queue(&self, id: i64, reader: i64) -> Result<Option<String>, Error>;
    }
}
