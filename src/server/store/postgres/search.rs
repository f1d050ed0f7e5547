//! The PostgreSQL side of search: words and phrases as `tsquery`s on
//! `event_text.doc` (a `tsvector` with a GIN index; the `calltrail`
//! configuration: lower case, accents folded, no stemming, as FTS5's
//! default tokenizer), and the snippet
//! of each call's first hit (`ts_headline`).

use std::collections::HashMap;

use sqlx::{Postgres, QueryBuilder, Row};

use super::PgStore;
use crate::model::query::Query;
use crate::model::{CallSummary, HIT_END, HIT_START};
use crate::server::store::portable::search::{TextPlan, SNIPPET_TOKENS};

/// A word or phrase as a `tsquery`: its words in order, each quoted (so
/// nothing is read as query syntax), a trailing `*` kept as a prefix.
/// `None` when it holds no word (punctuation only), which matches nothing.
fn ts_query(text: &str, phrase: bool) -> Option<String> {
    let (text, prefix) = match text.strip_suffix('*') {
        Some(stem) if !phrase && !stem.is_empty() => (stem, ":*"),
        _ => (text, ""),
    };
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("'{}'", w.to_lowercase()))
        .collect();
    let last = words.len().checked_sub(1)?;
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last {
                    format!("{w}{prefix}")
                } else {
                    w.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" <-> "),
    )
}

impl PgStore {
    /// A text term as a condition on the `calls` row in hand. PostgreSQL
    /// plans the index lookup itself, so each term is collected the same way.
    pub(in crate::server::store) fn text_matches(
        sql: &mut QueryBuilder<'_, Postgres>,
        text: &str,
        phrase: bool,
        _plan: TextPlan,
    ) {
        let Some(query) = ts_query(text, phrase) else {
            sql.push("FALSE");
            return;
        };
        sql.push(
            "call_id IN (SELECT e.call_id FROM event_text t JOIN events e ON e.id = t.event_id
             WHERE t.doc @@ to_tsquery('calltrail', ",
        )
        .push_bind(query)
        .push("))");
    }

    /// The text terms to check call by call: none (see [`Self::text_matches`]).
    pub(in crate::server::store) async fn common_terms(
        &self,
        _query: &Query,
    ) -> Result<Vec<usize>, sqlx::Error> {
        Ok(Vec::new())
    }

    /// For each call, its first event matching any searched word, with a
    /// snippet around the match.
    pub(in crate::server::store) async fn best_hits(
        &self,
        query: &Query,
        calls: &[CallSummary],
    ) -> Result<HashMap<String, (i64, String)>, sqlx::Error> {
        let any: Vec<String> = query
            .texts()
            .filter(|(_, _, negated)| !negated)
            .filter_map(|(text, phrase, _)| ts_query(text, phrase))
            .map(|q| format!("({q})"))
            .collect();
        if any.is_empty() || calls.is_empty() {
            return Ok(HashMap::new());
        }
        let options = format!(
            "StartSel={HIT_START}, StopSel={HIT_END}, MaxWords={SNIPPET_TOKENS}, MinWords=3, \
             MaxFragments=1, FragmentDelimiter=…"
        );
        let ids: Vec<&str> = calls.iter().map(|c| c.call_id.as_str()).collect();
        let rows = sqlx::query(
            "SELECT DISTINCT ON (e.call_id) e.call_id, e.id,
                ts_headline('calltrail', t.body, q, $3) AS snippet
             FROM event_text t JOIN events e ON e.id = t.event_id,
                to_tsquery('calltrail', $1) AS q
             WHERE e.call_id = ANY($2) AND t.doc @@ q
             ORDER BY e.call_id, e.id",
        )
        .bind(any.join(" | "))
        .bind(&ids)
        .bind(options)
        .fetch_all(&self.pool)
        .await?;
        let mut best = HashMap::new();
        for row in rows {
            best.insert(
                row.try_get("call_id")?,
                (row.try_get("id")?, row.try_get("snippet")?),
            );
        }
        Ok(best)
    }
}

#[cfg(test)]
mod tests {
    use super::ts_query;

    #[test]
    fn words_reach_postgres_as_quoted_lexemes() {
        assert_eq!(ts_query("Refund", false).as_deref(), Some("'refund'"));
        assert_eq!(
            ts_query("front desk", true).as_deref(),
            Some("'front' <-> 'desk'")
        );
        assert_eq!(ts_query("ref*", false).as_deref(), Some("'ref':*"));
        assert_eq!(
            ts_query("it's | !x", true).as_deref(),
            Some("'it' <-> 's' <-> 'x'")
        );
        assert_eq!(ts_query("*", false), None);
        assert_eq!(ts_query("--", false), None);
    }
}
