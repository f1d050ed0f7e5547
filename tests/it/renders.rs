//! Page renders never wait on another router being built. leptos's route
//! generation raises a process-wide flag that leaves every resource first
//! polled meanwhile pending for good (leptos-rs/leptos#4773); the route list
//! is therefore generated once per process.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::SqlitePool;

use crate::common::{app, page_as};
use calltrail::server::http::router::router;

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_page_renders_while_routers_are_built(pool: SqlitePool) {
    let app = app(pool).await;
    let done = Arc::new(AtomicBool::new(false));
    // Ends the building when this test does, failed or not.
    let _stop = Stop(done.clone());
    let building = {
        let (state, done) = (app.state.clone(), done.clone());
        tokio::task::spawn_blocking(move || {
            let mut built = 0;
            while !done.load(Ordering::Relaxed) {
                drop(router(state.clone()));
                built += 1;
            }
            built
        })
    };
    for round in 0..60 {
        let answer = tokio::time::timeout(
            Duration::from_secs(20),
            page_as(&app, Some(&app.cookie), "/"),
        )
        .await;
        let (status, body) = answer.unwrap_or_else(|_| {
            panic!("render {round} still waits after 20 s while routers are built")
        });
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("</html>"), "render {round} is whole");
    }
    drop(_stop);
    assert!(building.await.unwrap() > 0, "routers were built meanwhile");
}

struct Stop(Arc<AtomicBool>);

impl Drop for Stop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
