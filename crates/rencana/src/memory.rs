//! Memory the allocators hold but no longer use goes back to the system every half minute.
//! Rust's own allocations go to mimalloc (main.rs); glibc still serves the C libraries (SQLite's
//! page cache and statements), and keeps what a burst freed in its per-thread arenas, returning
//! little of it by itself (when glibc served everything, an idle server held 15 of its 82 MB so
//! after the demo's start).

use std::time::Duration;

const EVERY: Duration = Duration::from_secs(30);

pub fn spawn_trimmer() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    tokio::spawn(async {
        let mut tick = tokio::time::interval(EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            // Off the request threads, both in one hop: they take a few milliseconds.
            let _ = tokio::task::spawn_blocking(|| {
                // SAFETY: malloc_trim has no preconditions; it only walks the allocator's own
                // lists under their locks.
                unsafe { libc::malloc_trim(0) };
                // mimalloc purges what was freed only when it is next called on, which an idle
                // server is not: a forced collection purges the arenas' free memory
                // (bench/surge.sh, the demo just seeded: 64 MB idle without it, 53 MB with it).
                // SAFETY: mi_collect has no preconditions and may be called from any thread.
                unsafe { libmimalloc_sys::mi_collect(true) };
            })
            .await;
        }
    });
}
