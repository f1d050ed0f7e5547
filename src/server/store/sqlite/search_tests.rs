use sqlx::SqlitePool;

use sqlx::{QueryBuilder, Sqlite};

use super::*;
use crate::server::store::SearchAt;

#[test]
fn words_reach_fts5_as_quoted_strings() {
    assert_eq!(fts_term("refund", false), "\"refund\"");
    assert_eq!(fts_term("front desk", true), "\"front desk\"");
    assert_eq!(fts_term("ref*", false), "\"ref\"*");
    assert_eq!(fts_term("say \"hi\" OR x", true), "\"say \"\"hi\"\" OR x\"");
    assert_eq!(fts_term("*", false), "\"*\"");
}

/// Three calls, newest last; what each said.
async fn calls(pool: &SqlitePool, said: &[&[&str]]) {
    for (c, texts) in said.iter().enumerate() {
        let call = format!("c{c}");
        sqlx::query("INSERT INTO calls (call_id, source, status, started_at, last_event_at, last_event_id) VALUES (?, 'infer', 'ended', ?, 0, 0)")
            .bind(&call)
            .bind(c as i64 * 1000)
            .execute(pool)
            .await
            .unwrap();
        for (n, text) in texts.iter().enumerate() {
            let id: i64 = sqlx::query_scalar("INSERT INTO events (call_id, source, kind, occurred_at, received_at, dedup_key, normalized, raw) VALUES (?, 'infer', 'message', 0, 0, ?, '{}', '{}') RETURNING id")
                .bind(&call)
                .bind(format!("{call}:{n}"))
                .fetch_one(pool)
                .await
                .unwrap();
            sqlx::query("INSERT INTO event_text (rowid, body) VALUES (?, ?)")
                .bind(id)
                .bind(text)
                .execute(pool)
                .await
                .unwrap();
        }
        sqlx::query("UPDATE calls SET last_event_id = (SELECT MAX(id) FROM events WHERE events.call_id = calls.call_id)")
            .execute(pool)
            .await
            .unwrap();
    }
}

async fn found(pool: &SqlitePool, q: &str, per_call: &[usize]) -> Vec<String> {
    let query = Query::parse(q).unwrap();
    let at = SearchAt {
        now_ms: 0,
        stale_after_ms: 1,
    };
    let mut sql = QueryBuilder::<Sqlite>::new("SELECT call_id FROM calls WHERE 1");
    SqliteStore::selects_planned(&mut sql, &query, at, per_call);
    sql.push(" ORDER BY started_at DESC");
    sql.build_query_scalar().fetch_all(pool).await.unwrap()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn both_plans_find_the_same_calls(pool: SqlitePool) {
    calls(
        &pool,
        &[
            &["hello there", "my refund please"],
            &["nothing here", "the café was closed"],
            &["refunds and returns", "hello again"],
        ],
    )
    .await;
    for q in ["hello", "refund*", "\"café was\"", "hello -refund*", "cafe"] {
        let collected = found(&pool, q, &[]).await;
        let per_call = found(&pool, q, &[0, 1]).await;
        assert_eq!(per_call, collected, "{q}");
    }
    assert_eq!(found(&pool, "hello", &[0]).await, ["c2", "c0"]);
    assert_eq!(
        found(&pool, "hello -refund*", &[0, 1]).await,
        Vec::<String>::new()
    );
    assert_eq!(found(&pool, "cafe", &[0]).await, ["c1"]);
}

#[test]
fn words_are_looked_up_as_the_index_keeps_them() {
    assert_eq!(index_words("Refund*"), ["refund"]);
    assert_eq!(index_words("front desk"), ["front", "desk"]);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn caller_and_agent_match_any_part_in_any_case(pool: SqlitePool) {
    calls(&pool, &[&["hi"], &["hello"], &["hey"]]).await;
    sqlx::query("UPDATE calls SET caller = '+14155550142', agent = 'Northwind Support (Ava)' WHERE call_id = 'c0'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE calls SET caller = 'Jordan', agent = 'Sales' WHERE call_id = 'c1'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(found(&pool, "caller:4155550142", &[]).await, ["c0"]);
    assert_eq!(found(&pool, "caller:JORDAN", &[]).await, ["c1"]);
    assert_eq!(found(&pool, "agent:\"support (ava)\"", &[]).await, ["c0"]);
    assert_eq!(found(&pool, "-agent:sales", &[]).await, ["c2", "c0"]);
    assert_eq!(
        found(&pool, "caller:+1999", &[]).await,
        Vec::<String>::new()
    );
}
