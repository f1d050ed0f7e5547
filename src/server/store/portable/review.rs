//! Reviewing calls: notes pinned to a moment, flags with reasons, and each
//! reviewer's score and "reviewed" mark.

use std::collections::HashMap;

use sqlx::FromRow;

use super::{portable, Backend as _, Dialect};
use crate::model::review::{CallReview, Flag, Note, ReviewMarks, Verdict, MAX_NOTES_PER_CALL};
use crate::server::store::now_ms;

/// A note as written: what the form or the API asked for, checked.
#[derive(Debug, Clone, Default)]
pub struct NewNote {
    pub event_id: Option<i64>,
    pub at_ms: Option<i64>,
    pub quote: Option<String>,
    pub body: String,
}

/// What a reviewer concluded about a call, from the review form: replaces
/// their flags on the call (not its items), their score and their mark.
#[derive(Debug, Clone, Default)]
pub struct NewVerdict {
    pub reasons: Vec<String>,
    pub score: Option<u8>,
    pub reviewed: bool,
}

/// Whether a note was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteChange {
    Done,
    /// No such note on this call.
    Missing,
    /// Someone else's note, and the changer is no admin.
    NotYours,
}

#[derive(FromRow)]
struct NoteRow {
    id: i64,
    call_id: String,
    event_id: Option<i64>,
    at_ms: Option<i64>,
    quote: Option<String>,
    body: String,
    author: String,
    author_id: i64,
    created_at: i64,
    edited_at: Option<i64>,
}

impl From<NoteRow> for Note {
    fn from(r: NoteRow) -> Self {
        Note {
            id: r.id,
            call_id: r.call_id,
            event_id: r.event_id,
            at_ms: r.at_ms,
            quote: r.quote,
            body: r.body,
            author: r.author,
            author_id: r.author_id,
            created_at: r.created_at,
            edited_at: r.edited_at,
        }
    }
}

fn score_of(score: Option<i64>) -> Result<Option<u8>, sqlx::Error> {
    score
        .map(|s| {
            u8::try_from(s)
                .ok()
                .filter(|s| (1..=5).contains(s))
                .ok_or_else(|| crate::server::store::decode(format!("a score of {s}")))
        })
        .transpose()
}

portable! {
    pub async fn call_review(&self, call_id: &str) -> Result<CallReview, sqlx::Error> {
        let notes: Vec<NoteRow> = sqlx::query_as(
            "SELECT n.id, n.call_id, n.event_id, n.at_ms, n.quote, n.body, u.username AS author,
                    n.author_id, n.created_at, n.edited_at
             FROM review_notes n JOIN users u ON u.id = n.author_id
             WHERE n.call_id = $1 ORDER BY n.id",
        )
        .bind(call_id)
        .fetch_all(self.reader())
        .await?;
        let flags: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT f.event_id, f.reason, u.username, f.created_at
             FROM review_flags f JOIN users u ON u.id = f.author_id
             WHERE f.call_id = $1 ORDER BY f.created_at, f.reason",
        )
        .bind(call_id)
        .fetch_all(self.reader())
        .await?;
        let verdicts: Vec<(String, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT u.username, r.reviewer_id, r.score, r.reviewed_at
             FROM reviews r JOIN users u ON u.id = r.reviewer_id
             WHERE r.call_id = $1 ORDER BY r.updated_at",
        )
        .bind(call_id)
        .fetch_all(self.reader())
        .await?;
        Ok(CallReview {
            notes: notes.into_iter().map(Note::from).collect(),
            flags: flags
                .into_iter()
                .map(|(event_id, reason, author, created_at)| Flag {
                    event_id: (event_id != 0).then_some(event_id),
                    reason,
                    author,
                    created_at,
                })
                .collect(),
            verdicts: verdicts
                .into_iter()
                .map(|(reviewer, reviewer_id, score, reviewed_at)| {
                    Ok(Verdict { reviewer, reviewer_id, score: score_of(score)?, reviewed_at })
                })
                .collect::<Result<_, sqlx::Error>>()?,
        })
    }

    /// Each call's review in a line, for the calls in `call_ids` that
    /// have one.
    pub async fn review_marks(&self, call_ids: &[String]) -> Result<HashMap<String, ReviewMarks>, sqlx::Error> {
        let mut marks: HashMap<String, ReviewMarks> = HashMap::new();
        if call_ids.is_empty() {
            return Ok(marks);
        }
        let list = |sql: &str| {
            let mut builder = sqlx::QueryBuilder::<<Self as Dialect>::Db>::new(sql);
            builder.push(" WHERE call_id IN (");
            let mut ids = builder.separated(", ");
            for id in call_ids {
                ids.push_bind(id.clone());
            }
            builder.push(")");
            builder
        };
        let mut flags = list("SELECT DISTINCT call_id, reason FROM review_flags");
        let flags: Vec<(String, String)> = flags.push(" ORDER BY call_id, reason").build_query_as().fetch_all(self.reader()).await?;
        for (call_id, reason) in flags {
            marks.entry(call_id).or_default().flags.push(reason);
        }
        let mut verdicts = list("SELECT call_id, avg(CAST(score AS DOUBLE PRECISION)) FROM reviews");
        let verdicts: Vec<(String, Option<f64>)> =
            verdicts.push(" GROUP BY call_id").build_query_as().fetch_all(self.reader()).await?;
        for (call_id, score) in verdicts {
            marks.entry(call_id).or_default().score = score;
        }
        let mut reviewed = list(
            "SELECT r.call_id, u.username FROM reviews r JOIN users u ON u.id = r.reviewer_id",
        );
        let reviewed: Vec<(String, String)> = reviewed
            .push(" AND r.reviewed_at IS NOT NULL ORDER BY r.reviewed_at")
            .build_query_as()
            .fetch_all(self.reader())
            .await?;
        for (call_id, name) in reviewed {
            marks.entry(call_id).or_default().reviewed_by.push(name);
        }
        let mut notes = list("SELECT call_id, count(*) FROM review_notes");
        let notes: Vec<(String, i64)> =
            notes.push(" GROUP BY call_id").build_query_as().fetch_all(self.reader()).await?;
        for (call_id, n) in notes {
            marks.entry(call_id).or_default().notes = n;
        }
        Ok(marks)
    }

    /// Pins a note to the call; `None` when the call has its fill of notes.
    pub async fn add_note(&self, call_id: &str, author_id: i64, note: &NewNote) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO review_notes (call_id, event_id, at_ms, quote, body, author_id, created_at)
             SELECT $1, $2, $3, $4, $5, $6, $7
             WHERE (SELECT count(*) FROM review_notes WHERE call_id = $1) < $8
             RETURNING id",
        )
        .bind(call_id)
        .bind(note.event_id)
        .bind(note.at_ms)
        .bind(note.quote.as_deref())
        .bind(&note.body)
        .bind(author_id)
        .bind(now_ms())
        .bind(MAX_NOTES_PER_CALL)
        .fetch_optional(&mut *self.write_turn().await?)
        .await
    }

    /// `Done` when note `id` of `call_id` is `by`'s, or `admin` changes it.
    async fn may_change_note(
        conn: &mut <Self as Dialect>::Conn,
        call_id: &str,
        id: i64,
        by: i64,
        admin: bool,
    ) -> Result<NoteChange, sqlx::Error> {
        let author: Option<i64> =
            sqlx::query_scalar("SELECT author_id FROM review_notes WHERE id = $1 AND call_id = $2")
                .bind(id)
                .bind(call_id)
                .fetch_optional(&mut *conn)
                .await?;
        Ok(match author {
            None => NoteChange::Missing,
            Some(author) if author != by && !admin => NoteChange::NotYours,
            Some(_) => NoteChange::Done,
        })
    }

    /// Changes a note's text (its author's, or anyone's for `admin`).
    pub async fn edit_note(&self, call_id: &str, id: i64, by: i64, admin: bool, body: &str) -> Result<NoteChange, sqlx::Error> {
        let mut turn = self.write_turn().await?;
        let may = Self::may_change_note(&mut turn, call_id, id, by, admin).await?;
        if may != NoteChange::Done {
            return Ok(may);
        }
        sqlx::query("UPDATE review_notes SET body = $1, edited_at = $2 WHERE id = $3")
            .bind(body)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *turn)
            .await?;
        Ok(NoteChange::Done)
    }

    /// Deletes a note (its author's, or anyone's for `admin`).
    pub async fn delete_note(&self, call_id: &str, id: i64, by: i64, admin: bool) -> Result<NoteChange, sqlx::Error> {
        let mut turn = self.write_turn().await?;
        let may = Self::may_change_note(&mut turn, call_id, id, by, admin).await?;
        if may != NoteChange::Done {
            return Ok(may);
        }
        sqlx::query("DELETE FROM review_notes WHERE id = $1")
            .bind(id)
            .execute(&mut *turn)
            .await?;
        Ok(NoteChange::Done)
    }

    /// Sets or clears `author_id`'s flag for `reason` on an item (or the
    /// call, for `None`).
    pub async fn set_flag(&self, call_id: &str, event_id: Option<i64>, reason: &str, author_id: i64, on: bool) -> Result<(), sqlx::Error> {
        let mut turn = self.write_turn().await?;
        if on {
            sqlx::query(
                "INSERT INTO review_flags (call_id, event_id, reason, author_id, created_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(call_id)
            .bind(event_id.unwrap_or(0))
            .bind(reason)
            .bind(author_id)
            .bind(now_ms())
            .execute(&mut *turn)
            .await?;
        } else {
            sqlx::query(
                "DELETE FROM review_flags
                 WHERE call_id = $1 AND event_id = $2 AND reason = $3 AND author_id = $4",
            )
            .bind(call_id)
            .bind(event_id.unwrap_or(0))
            .bind(reason)
            .bind(author_id)
            .execute(&mut *turn)
            .await?;
        }
        Ok(())
    }

    /// Keeps `reviewer_id`'s verdict on the call: their flags on the call
    /// become `verdict.reasons`, and their score and mark are set, in one
    /// transaction.
    pub async fn save_verdict(&self, call_id: &str, reviewer_id: i64, verdict: &NewVerdict) -> Result<(), sqlx::Error> {
        let now = now_ms();
        let mut conn = self.write_turn().await?;
        let mut tx = Self::begin_write(&mut conn).await?;
        // Flags for reasons no longer on the list stay: the form does not offer them.
        sqlx::query(
            "DELETE FROM review_flags WHERE call_id = $1 AND event_id = 0 AND author_id = $2
             AND reason IN (SELECT code FROM flag_reasons WHERE retired_at IS NULL)",
        )
            .bind(call_id)
            .bind(reviewer_id)
            .execute(&mut *tx)
            .await?;
        for reason in &verdict.reasons {
            sqlx::query(
                "INSERT INTO review_flags (call_id, event_id, reason, author_id, created_at)
                 VALUES ($1, 0, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(call_id)
            .bind(reason)
            .bind(reviewer_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO reviews (call_id, reviewer_id, score, reviewed_at, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (call_id, reviewer_id) DO UPDATE SET score = excluded.score,
                 reviewed_at = CASE WHEN excluded.reviewed_at IS NULL THEN NULL
                                    ELSE coalesce(reviews.reviewed_at, excluded.reviewed_at) END,
                 updated_at = excluded.updated_at",
        )
        .bind(call_id)
        .bind(reviewer_id)
        .bind(verdict.score.map(i64::from))
        .bind(verdict.reviewed.then_some(now))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
}
