//! Reads past the server's capacity are told to come back (503 with `Retry-After`) instead of
//! waiting without end. On deadline day the crowd may ask for more pages than two cores render:
//! unbounded, every reader waits longer and longer, until each page takes tens of seconds and the
//! operators' forms time out with the rest. Bounded, the reads admitted keep their milliseconds
//! and the others hear at once, with a page in their language, to try again in a moment.
//!
//! Only reads (GET, HEAD) of the pages and the API are admitted here. Writes are bounded by the
//! writer's own queue (`store::commit`), which refuses before anything is written; the static
//! assets are answered from memory; the health check must answer while the pages are crowded.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use crate::error::AppError;
use crate::state::AppState;

/// Reads running at once. The pages read through eight connections and the statements through
/// eight more (`store`), on two cores: more running at once only share the same cores more thinly.
const RUNNING: usize = 32;
/// Reads waiting for one of those places. Beyond them a read is refused at once: with those
/// running, a queue this long takes the two cores a quarter to half a second (a page costs 1–3 ms
/// of CPU), about what a stall of the disk lasts; a longer one only made each admitted reader
/// wait longer (bench/overload.sh: with 64 and 512, the admitted waited 0.74 s at the median).
const WAITING: usize = 256;
/// The longest a read waits for its place before it is refused: longer, and a reader on a slow
/// phone would rather try again than look at a blank screen.
const LONGEST_WAIT: Duration = Duration::from_secs(2);
/// Seconds a refused reader is asked to wait before trying again.
const RETRY_AFTER: u64 = 2;

/// The places for reads and the count of reads waiting for one.
pub struct ReadAdmission {
    running: Semaphore,
    waiting: AtomicUsize,
    most_waiting: usize,
    longest_wait: Duration,
}

impl Default for ReadAdmission {
    fn default() -> Self {
        ReadAdmission::new(RUNNING, WAITING, LONGEST_WAIT)
    }
}

impl ReadAdmission {
    pub fn new(running: usize, most_waiting: usize, longest_wait: Duration) -> Self {
        ReadAdmission { running: Semaphore::new(running), waiting: AtomicUsize::new(0), most_waiting, longest_wait }
    }

    /// Runs `read` once it has a place, or answers why it has none.
    async fn admit<F: std::future::Future<Output = Response>>(&self, read: F) -> Response {
        if let Ok(_place) = self.running.try_acquire() {
            return read.await;
        }
        // Counted before waiting and uncounted however the wait ends (a reader who gives up
        // drops this future mid-wait).
        let waiting = Waiting::join(&self.waiting);
        if waiting.ahead >= self.most_waiting {
            return crowded();
        }
        match tokio::time::timeout(self.longest_wait, self.running.acquire()).await {
            Ok(Ok(_place)) => {
                drop(waiting);
                read.await
            }
            // Timed out, or the semaphore closed (it never is): no place.
            _ => crowded(),
        }
    }
}

/// One read counted among the waiting while it lives.
struct Waiting<'a> {
    count: &'a AtomicUsize,
    /// How many were waiting when this one joined.
    ahead: usize,
}

impl<'a> Waiting<'a> {
    fn join(count: &'a AtomicUsize) -> Self {
        let ahead = count.fetch_add(1, Ordering::AcqRel);
        Waiting { count, ahead }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::AcqRel);
    }
}

fn crowded() -> Response {
    AppError::Crowded { retry_after: RETRY_AFTER }.into_response()
}

/// The layer in front of the pages' and the API's routes (inside the layers that render errors,
/// so a refused reader gets a page or a problem in their language).
pub async fn admit_reads(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    if !read || request.uri().path() == crate::api::HEALTH_PATH {
        return next.run(request).await;
    }
    state.reads.admit(next.run(request)).await
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::http::StatusCode;
    use tokio::sync::Notify;
    use tokio::task::JoinHandle;

    use super::*;

    async fn quick() -> Response {
        StatusCode::OK.into_response()
    }

    /// A read admitted first that holds its place until the notify is given.
    async fn holding(admission: &Arc<ReadAdmission>) -> (JoinHandle<StatusCode>, Arc<Notify>) {
        let release = Arc::new(Notify::new());
        let read = tokio::spawn({
            let (admission, release) = (admission.clone(), release.clone());
            async move {
                let held = async move {
                    release.notified().await;
                    StatusCode::OK.into_response()
                };
                admission.admit(held).await.status()
            }
        });
        tokio::task::yield_now().await;
        (read, release)
    }

    /// A read started beside the others, whose answer is awaited later.
    async fn waiting(admission: &Arc<ReadAdmission>) -> JoinHandle<StatusCode> {
        let admission = admission.clone();
        let read = tokio::spawn(async move { admission.admit(quick()).await.status() });
        tokio::task::yield_now().await;
        read
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_waits_for_a_place_and_runs_when_one_frees() {
        let admission = Arc::new(ReadAdmission::new(1, 4, Duration::from_secs(2)));
        let (first, release) = holding(&admission).await;
        let second = waiting(&admission).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        release.notify_one();
        assert_eq!(first.await.unwrap(), StatusCode::OK);
        assert_eq!(second.await.unwrap(), StatusCode::OK);
        assert_eq!(admission.waiting.load(Ordering::Acquire), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_that_waits_too_long_is_told_to_come_back() {
        let admission = Arc::new(ReadAdmission::new(1, 4, Duration::from_secs(2)));
        let (first, release) = holding(&admission).await;
        let refused = admission.admit(quick()).await;
        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(refused.headers()[axum::http::header::RETRY_AFTER], "2");
        assert_eq!(admission.waiting.load(Ordering::Acquire), 0);
        release.notify_one();
        assert_eq!(first.await.unwrap(), StatusCode::OK);
    }

    #[tokio::test(start_paused = true)]
    async fn past_the_waiting_bound_a_read_is_refused_at_once() {
        let admission = Arc::new(ReadAdmission::new(1, 1, Duration::from_secs(60)));
        let (first, release) = holding(&admission).await;
        let second = waiting(&admission).await;
        let started = tokio::time::Instant::now();
        assert_eq!(admission.admit(quick()).await.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(started.elapsed(), Duration::ZERO, "refused without waiting");
        release.notify_one();
        assert_eq!(first.await.unwrap(), StatusCode::OK);
        assert_eq!(second.await.unwrap(), StatusCode::OK);
    }

    #[tokio::test(start_paused = true)]
    async fn a_reader_who_gives_up_leaves_the_queue() {
        let admission = Arc::new(ReadAdmission::new(1, 4, Duration::from_secs(60)));
        let (first, release) = holding(&admission).await;
        let gone = tokio::time::timeout(Duration::from_secs(1), admission.admit(quick())).await;
        assert!(gone.is_err());
        assert_eq!(admission.waiting.load(Ordering::Acquire), 0);
        release.notify_one();
        assert_eq!(first.await.unwrap(), StatusCode::OK);
    }
}
