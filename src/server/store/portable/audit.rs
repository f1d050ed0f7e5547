//! The audit log: who did what to what, kept append-only (the database
//! refuses to change or delete an entry; see the `teams` migration).

use super::{portable, Backend as _};
use crate::model::accounts::AuditRow;

/// A stored entry's columns, in [`AuditRow`]'s order.
type Columns = (i64, String, Option<String>, String, String, String);

/// Which entries to read: every field narrows when set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// An action, or the start of one (`user.` matches every account action).
    pub action: Option<String>,
    /// Words found in the target or the summary.
    pub text: Option<String>,
}

portable! {
    pub async fn record_audit(&self, entry: &AuditRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, address, action, target, summary)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(entry.at)
        .bind(&entry.actor)
        .bind(&entry.address)
        .bind(&entry.action)
        .bind(&entry.target)
        .bind(&entry.summary)
        .execute(self.writes())
        .await?;
        Ok(())
    }

    /// Entries matching `filter`, newest first, `limit` of them after `offset`.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<AuditRow>, sqlx::Error> {
        let like = |v: &Option<String>, suffix: &str| {
            v.as_deref().map(|v| {
                let escaped = v.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                format!("{escaped}{suffix}")
            })
        };
        let rows: Vec<Columns> = sqlx::query_as(
            "SELECT at, actor, address, action, target, summary FROM audit_log
             WHERE ($1 IS NULL OR actor = $1)
               AND ($2 IS NULL OR action LIKE $2 ESCAPE '\\')
               AND ($3 IS NULL OR target LIKE $3 ESCAPE '\\' OR summary LIKE $3 ESCAPE '\\')
             ORDER BY at DESC, id DESC LIMIT $4 OFFSET $5",
        )
        .bind(filter.actor.as_deref())
        .bind(like(&filter.action, "%"))
        .bind(like(&filter.text, "%").map(|t| format!("%{t}")))
        .bind(limit)
        .bind(offset)
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, actor, address, action, target, summary)| AuditRow {
                at,
                actor,
                address,
                action,
                target,
                summary,
            })
            .collect())
    }
}
