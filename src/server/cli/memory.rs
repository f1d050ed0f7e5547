//! The server's memory: glibc's malloc gives each thread that allocates an
//! arena of its own (up to 8 per core), and the database driver runs every
//! SQLite connection on a thread of its own. After a few large queries each
//! arena keeps its high-water mark, and the server's resident memory grew past
//! 170 MiB in `calltrail bench --only search` where two arenas keep it
//! near 120 MiB (measured with `MALLOC_ARENA_MAX=2`). So the server asks
//! for at most two, before any thread starts. A `MALLOC_ARENA_MAX` set in
//! the environment still wins. And it hands freed memory back regularly
//! ([`spawn_trimmer`]), so a burst of large events does not stay resident.
//!
//! The crate's only `unsafe`: two calls into glibc's allocator, each with
//! its safety argument.
#![allow(unsafe_code)]

/// Limits glibc's malloc to two arenas (Linux with glibc; elsewhere a no-op).
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes allocator settings; it is called
        // before the runtime starts any thread.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

/// How often freed memory is handed back to the system.
const TRIM_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// Hands freed memory back to the system every [`TRIM_EVERY`] until the
/// server stops. glibc's malloc returns only the top of a heap by itself:
/// after twenty 1 MiB webhooks were parsed and stored, the server kept
/// 229 MB resident of which 182 MB were free (`malloc_trim` brought it to
/// 47 MB), and a page or an export of large events added to that for good.
/// Trimming a heap with little free memory takes well under a millisecond.
pub fn spawn_trimmer(mut stopping: tokio::sync::watch::Receiver<bool>) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    tokio::spawn(async move {
        let mut every = tokio::time::interval(TRIM_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stopping.wait_for(|stop| *stop) => return,
                _ = every.tick() => {}
            }
            // SAFETY: malloc_trim only releases memory malloc holds free.
            unsafe {
                libc::malloc_trim(0);
            }
        }
    });
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = &mut stopping;
}
