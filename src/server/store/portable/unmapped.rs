//! The report of what traced frameworks sent that calltrail does not read.

use sqlx::Row as _;

use super::{portable, Backend as _};
use crate::model::unmapped::{Unmapped, UnmappedKind};

/// Most names the report lists (newest first): past it, the oldest wait.
pub const MAX_LISTED: i64 = 200;

portable! {
    pub async fn note_unmapped(&self, found: &[Unmapped]) -> Result<(), sqlx::Error> {
        if found.is_empty() {
            return Ok(());
        }
        let mut conn = self.write_turn().await?;
        let mut tx = Self::begin_write(&mut conn).await?;
        for u in found {
            sqlx::query(
                "INSERT INTO unmapped (source, kind, name, count, first_seen, last_seen, example)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (source, kind, name) DO UPDATE SET
                    count = unmapped.count + excluded.count,
                    last_seen = CASE WHEN excluded.last_seen > unmapped.last_seen
                                     THEN excluded.last_seen ELSE unmapped.last_seen END",
            )
            .bind(&u.source)
            .bind(u.kind.as_str())
            .bind(&u.name)
            .bind(u.count)
            .bind(u.first_seen)
            .bind(u.last_seen)
            .bind(&u.example)
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
