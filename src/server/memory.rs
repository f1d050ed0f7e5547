//! The server's memory: glibc's malloc gives each thread that allocates an
//! arena of its own (up to 8 per core), and sqlx runs every SQLite
//! connection on a thread of its own. After a few large queries each arena
//! keeps its high-water mark, and the server's resident memory grew past
//! 170 MiB in `calltrail bench --only search` where two arenas keep it
//! near 120 MiB (measured with `MALLOC_ARENA_MAX=2`). So the server asks
//! for at most two, before any thread starts. A `MALLOC_ARENA_MAX` set in
//! the environment still wins.

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
