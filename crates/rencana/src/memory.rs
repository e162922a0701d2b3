//! Memory the allocator holds but no longer uses goes back to the system every half minute.
//! glibc keeps what a burst freed (the start's checks, a crowd of pages built at once) in its
//! per-thread arenas and returns little of it by itself, so an idle server would go on holding
//! tens of megabytes it does not use (15 of its 82 MB after the demo's start, measured).

use std::time::Duration;

const EVERY: Duration = Duration::from_secs(30);

pub fn spawn_trimmer() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    tokio::spawn(async {
        let mut tick = tokio::time::interval(EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            // SAFETY: malloc_trim has no preconditions; it only walks the allocator's own lists
            // under their locks. Off the request threads: it takes a few milliseconds.
            let _ = tokio::task::spawn_blocking(|| unsafe { libc::malloc_trim(0) }).await;
        }
    });
}
