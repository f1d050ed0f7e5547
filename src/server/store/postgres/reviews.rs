//! Review changes across instances: an instance that changes a call's
//! review says so on a channel (the call's id only), and every instance
//! tells its own call pages, which then read the review afresh.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;

use super::PgStore;

/// The channel review changes are announced on.
const CHANNEL: &str = "calltrail_reviews";

impl PgStore {
    /// Every instance hears it, this one too.
    pub async fn announce_review(&self, call_id: &str) -> Result<bool, sqlx::Error> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(call_id)
            .execute(self.pool())
            .await?;
        Ok(true)
    }

    /// Listens for review changes until `stop`; a dropped connection is
    /// made again (changes announced meanwhile are missed: a page shows
    /// them on its next change or load).
    pub async fn watch_reviews(
        &self,
        on_change: Arc<dyn Fn(&str) + Send + Sync>,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), sqlx::Error> {
        let mut listener = PgListener::connect_with(self.pool()).await?;
        listener.listen(CHANNEL).await?;
        tokio::spawn(async move {
            tokio::pin!(stop);
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    told = listener.try_recv() => match told {
                        Ok(Some(n)) => on_change(n.payload()),
                        // The connection dropped; the next call reconnects.
                        Ok(None) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "listening for review changes failed; retrying");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    },
                }
            }
        });
        Ok(())
    }
}
