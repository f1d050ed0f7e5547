//! The report of what traced frameworks sent that calltrail does not read.

use sqlx::Row as _;

use super::{portable, Backend as _};
use crate::model::unmapped::{Unmapped, UnmappedKind};

/// Most names the report lists (newest first): past it, the oldest wait.
pub const MAX_LISTED: i64 = 200;

/// Most names the report keeps: a sender cannot grow it without end.
pub const MAX_ROWS: i64 = 1_000;

portable! {
    pub async fn note_unmapped(&self, found: &[Unmapped]) -> Result<(), sqlx::Error> {
        if found.is_empty() {
            return Ok(());
        }
        let mut conn = self.write_turn().await?;
        let mut tx = Self::begin_write(&mut conn).await?;
        for u in found {
            let counted = sqlx::query(
                "UPDATE unmapped SET count = count + $1,
                    last_seen = CASE WHEN $2 > last_seen THEN $2 ELSE last_seen END
                 WHERE source = $3 AND kind = $4 AND name = $5",
            )
            .bind(u.count)
            .bind(u.last_seen)
            .bind(&u.source)
            .bind(u.kind.as_str())
            .bind(&u.name)
            .execute(&mut *tx)
            .await?;
            if counted.rows_affected() > 0 {
                continue;
            }
            // A new name, while the report has room (the sender chooses
            // names: past the cap, new ones wait until retention).
            sqlx::query(
                "INSERT INTO unmapped (source, kind, name, count, first_seen, last_seen, example)
                 SELECT $1, $2, $3, $4, $5, $6, $7
                 WHERE (SELECT COUNT(*) FROM unmapped) < $8",
            )
            .bind(&u.source)
            .bind(u.kind.as_str())
            .bind(&u.name)
            .bind(u.count)
            .bind(u.first_seen)
            .bind(u.last_seen)
            .bind(&u.example)
            .bind(MAX_ROWS)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    pub async fn unmapped(&self) -> Result<Vec<Unmapped>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT source, kind, name, count, first_seen, last_seen, example FROM unmapped
             ORDER BY last_seen DESC, source, kind, name LIMIT $1",
        )
        .bind(MAX_LISTED)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let kind = UnmappedKind::try_from(r.try_get::<String, _>("kind")?)
                    .map_err(|e| sqlx::Error::Decode(e.into()))?;
                Ok(Unmapped {
                    source: r.try_get("source")?,
                    kind,
                    name: r.try_get("name")?,
                    count: r.try_get("count")?,
                    first_seen: r.try_get("first_seen")?,
                    last_seen: r.try_get("last_seen")?,
                    example: r.try_get("example")?,
                })
            })
            .collect()
    }
}
