//! The audit log: who did what to what, kept append-only (the database
//! refuses to change or delete an entry; see the `teams` migration).

use sqlx::FromRow;

use super::{portable, Backend as _};

/// One entry, as written and as read back.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub target: String,
    pub summary: String,
}

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
    pub async fn record_audit(&self, entry: &AuditEntry) -> Result<(), sqlx::Error> {
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
    ) -> Result<Vec<AuditEntry>, sqlx::Error> {
        let like = |v: &Option<String>, suffix: &str| {
            v.as_deref().map(|v| {
                let escaped = v.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                format!("{escaped}{suffix}")
            })
        };
        sqlx::query_as(
            "SELECT id, at, actor, address, action, target, summary FROM audit_log
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
        .await
    }
}
