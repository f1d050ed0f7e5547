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

/// A word or phrase as a `tsquery`.
#[derive(Debug, PartialEq)]
enum TsQuery {
    /// Read by PostgreSQL's own parser (`phraseto_tsquery`), as the indexed
    /// text was: e-mail addresses, host names and numbers like 1.5 stay
    /// whole on both sides.
    Text(String),
    /// `stem*`: the stem's words in order, each quoted (nothing is read as
    /// query syntax), the last one as a prefix.
    Prefix(String),
}

impl TsQuery {
    /// `None` for a prefix with no word in it (`*`, `-*`).
    fn of(text: &str, phrase: bool) -> Option<Self> {
        let Some(stem) = text.strip_suffix('*').filter(|s| !phrase && !s.is_empty()) else {
            return Some(TsQuery::Text(text.to_string()));
        };
        let words: Vec<String> = stem
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("'{}'", w.to_lowercase()))
            .collect();
        (!words.is_empty()).then(|| TsQuery::Prefix(format!("{}:*", words.join(" <-> "))))
    }

    fn push(self, sql: &mut QueryBuilder<'_, Postgres>) {
        match self {
            TsQuery::Text(text) => sql.push("phraseto_tsquery('calltrail', ").push_bind(text),
            TsQuery::Prefix(query) => sql.push("to_tsquery('calltrail', ").push_bind(query),
        };
        sql.push(")");
    }
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
        let Some(query) = TsQuery::of(text, phrase) else {
            sql.push("FALSE");
            return;
        };
        sql.push(
            "call_id IN (SELECT e.call_id FROM event_text t JOIN events e ON e.id = t.event_id
             WHERE t.doc @@ ",
        );
        query.push(sql);
        sql.push(")");
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
        let any: Vec<TsQuery> = query
            .texts()
            .filter(|(_, _, negated)| !negated)
            .filter_map(|(text, phrase, _)| TsQuery::of(text, phrase))
            .collect();
        if any.is_empty() || calls.is_empty() {
            return Ok(HashMap::new());
        }
        let options = format!(
            "StartSel={HIT_START}, StopSel={HIT_END}, MaxWords={SNIPPET_TOKENS}, MinWords=3, \
             MaxFragments=1, FragmentDelimiter=…"
        );
        let ids: Vec<String> = calls.iter().map(|c| c.call_id.clone()).collect();
        let mut sql = QueryBuilder::<Postgres>::new(
            "SELECT DISTINCT ON (e.call_id) e.call_id, e.id, ts_headline('calltrail', t.body, q, ",
        );
        sql.push_bind(options)
            .push(") AS snippet FROM event_text t JOIN events e ON e.id = t.event_id, (SELECT ");
        for (i, ts) in any.into_iter().enumerate() {
            if i > 0 {
                sql.push(" || ");
            }
            ts.push(&mut sql);
        }
        sql.push(" AS q) AS query WHERE e.call_id = ANY(")
            .push_bind(ids)
            .push(") AND t.doc @@ q ORDER BY e.call_id, e.id");
        let rows = sql.build().fetch_all(&self.pool).await?;
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
    use super::TsQuery;

    #[test]
    fn words_reach_postgres_whole_or_as_quoted_prefixes() {
        let text = |t: &str| Some(TsQuery::Text(t.to_string()));
        assert_eq!(TsQuery::of("Refund", false), text("Refund"));
        assert_eq!(TsQuery::of("front desk", true), text("front desk"));
        assert_eq!(
            TsQuery::of("ann@example.com", false),
            text("ann@example.com")
        );
        assert_eq!(
            TsQuery::of("say *", true),
            text("say *"),
            "a phrase keeps its star"
        );
        assert_eq!(
            TsQuery::of("ref*", false),
            Some(TsQuery::Prefix("'ref':*".into()))
        );
        assert_eq!(
            TsQuery::of("it's a*", false),
            Some(TsQuery::Prefix("'it' <-> 's' <-> 'a':*".into()))
        );
        assert_eq!(TsQuery::of("*", false), text("*"));
        assert_eq!(TsQuery::of("-*", false), None);
    }
}
