//! A query's terms as SQL conditions on the `calls` row in hand: each
//! structured term a column test, each word or phrase a look in the
//! engine's full-text index (`Self::text_matches`: FTS5 on SQLite,
//! `tsvector` on PostgreSQL), either collected first or checked call by call.

use sqlx::QueryBuilder;

use super::SearchAt;
use crate::model::query::{Feature, Filter, Query, StatusIs, Term};
use crate::model::time::DAY_MS;
use crate::server::store::portable::{portable, Dialect};

/// The `ended_by` values that mean `who`: Infer says `user` / `agent`;
/// Vapi and Retell end reasons name the side.
fn ended_by_names(who: &str) -> Vec<String> {
    let mut names = vec![who.to_string()];
    let more: &[&str] = match who {
        "user" | "customer" | "caller" => &["user", "customer-ended-call", "user_hangup"],
        "agent" | "assistant" | "bot" => &[
            "agent",
            "assistant-ended-call",
            "assistant-said-end-call-phrase",
            "assistant-ended-call-with-hangup-task",
            "assistant-ended-call-after-message-spoken",
            "agent_hangup",
        ],
        _ => &[],
    };
    names.extend(more.iter().map(|s| s.to_string()));
    names
}

/// How a text term is checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::server::store) enum TextPlan {
    /// Collect the calls with a matching event, then select among them:
    /// for rare words, and whenever every selected call is wanted.
    Collect,
    /// For each call in hand, look for a matching event among its own: for
    /// common words, when a page is wanted.
    PerCall,
}

portable! {
    /// ` AND …` for each of the query's terms, on the `calls` row in hand.
    pub(in crate::server::store) fn selects(
        sql: &mut QueryBuilder<'_, <Self as Dialect>::Db>,
        query: &Query,
        at: SearchAt,
    ) {
        Self::selects_planned(sql, query, at, &[]);
    }

    /// The same, the text terms at `per_call` (indexes in the query's terms)
    /// checked call by call.
    pub(in crate::server::store) fn selects_planned(
        sql: &mut QueryBuilder<'_, <Self as Dialect>::Db>,
        query: &Query,
        at: SearchAt,
        per_call: &[usize],
    ) {
        for (i, term) in query.terms.iter().enumerate() {
            sql.push(if term.negated { " AND NOT (" } else { " AND (" });
            let plan = match per_call.contains(&i) {
                true => TextPlan::PerCall,
                false => TextPlan::Collect,
            };
            Self::condition(sql, term, at, plan);
            sql.push(")");
        }
    }

    fn condition(sql: &mut QueryBuilder<'_, <Self as Dialect>::Db>, term: &Term, at: SearchAt, plan: TextPlan) {
        let stale_since = at.now_ms - at.stale_after_ms;
        match &term.filter {
            Filter::Text { text, phrase } => Self::text_matches(sql, text, *phrase, plan),
            Filter::Status(StatusIs::Live) => {
                sql.push("status = 'live' AND last_received_at >= ")
                    .push_bind(stale_since);
            }
            Filter::Status(StatusIs::Stale) => {
                sql.push("status = 'live' AND last_received_at < ")
                    .push_bind(stale_since);
            }
            Filter::Status(StatusIs::Ended) => {
                sql.push("status = 'ended'");
            }
            Filter::Status(StatusIs::Transferred) => {
                sql.push("status = 'transferred'");
            }
            Filter::EndedBy(who) => {
                // Vapi and Retell name the side in their end reasons.
                sql.push("lower(coalesce(ended_by, '')) IN (");
                let mut names = sql.separated(", ");
                for name in ended_by_names(who) {
                    names.push_bind(name);
                }
                sql.push(")");
            }
            Filter::Has(feature) => {
                sql.push(match feature {
                    Feature::ToolError => "n_tool_errors > 0",
                    Feature::Hang => "n_hangs > 0",
                    Feature::Interruption => "n_interruptions > 0",
                    Feature::Transfer => "n_transfers > 0",
                    Feature::Redacted => "n_redacted > 0",
                    Feature::Note => "call_id IN (SELECT call_id FROM review_notes)",
                });
            }
            Filter::Tool(name) => {
                sql.push(format!(
                    "call_id IN (SELECT call_id FROM events WHERE kind IN ('tool_call', 'tool_request') AND {} = ",
                    Self::json_field("normalized", "function")
                ))
                    .push_bind(name.clone())
                    .push(")");
            }
            Filter::Source(source) => {
                sql.push("source = ").push_bind(source.clone());
            }
            Filter::Flag(reason) => {
                sql.push("call_id IN (SELECT call_id FROM review_flags WHERE reason = ")
                    .push_bind(reason.clone())
                    .push(")");
            }
            Filter::Reviewed(yes) => {
                sql.push(if *yes { "call_id IN" } else { "call_id NOT IN" })
                    .push(" (SELECT call_id FROM reviews WHERE reviewed_at IS NOT NULL)");
            }
            Filter::Score(cmp, score) => {
                sql.push("call_id IN (SELECT call_id FROM reviews WHERE score ")
                    .push(cmp.sql())
                    .push(" ")
                    .push_bind(*score)
                    .push(")");
            }
            Filter::Reviewer(name) => {
                sql.push(
                    "call_id IN (SELECT r.call_id FROM reviews r JOIN users u ON u.id = r.reviewer_id
                     WHERE lower(u.username) = ",
                )
                .push_bind(name.clone())
                .push(") OR call_id IN (SELECT f.call_id FROM review_flags f JOIN users u ON u.id = f.author_id
                     WHERE lower(u.username) = ")
                .push_bind(name.clone())
                .push(")");
            }
            Filter::Caller(part) => Self::holds_part(sql, "caller", part),
            Filter::Agent(part) => Self::holds_part(sql, "agent", part),
            Filter::Duration(cmp, secs) => {
                // Whole seconds, as typed: a 120.4 s call is `duration=120`.
                sql.push("coalesce(duration_ms, coalesce(ended_at, ")
                    .push_bind(at.now_ms)
                    .push(") - started_at) / 1000 ")
                    .push(cmp.sql())
                    .push(" ")
                    .push_bind(*secs);
            }
            Filter::StartedOn(day) => {
                sql.push("started_at >= ")
                    .push_bind(*day)
                    .push(" AND started_at < ")
                    .push_bind(day + DAY_MS);
            }
            Filter::Started(cmp, when) => {
                sql.push("started_at ")
                    .push(cmp.sql())
                    .push(" ")
                    .push_bind(when.resolve(at.now_ms));
            }
        }
    }

    /// `column` holds `part` (lowered by the parser; lower() folds ASCII
    /// alike), a missing value holding nothing.
    fn holds_part(sql: &mut QueryBuilder<'_, <Self as Dialect>::Db>, column: &'static str, part: &str) {
        sql.push(format!("{}(lower(coalesce({column}, '')), ", Self::FIND))
            .push_bind(part.to_string())
            .push(") > 0");
    }
}
