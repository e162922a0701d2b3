//! Rencana's web shell: server-rendered pages (askama, htmx where it helps) and the JSON API
//! under `/api/v1`, both calling the same store and the same domain rules.

pub mod api;
mod assets;
mod chain_check;
pub mod ctx;
pub mod error;
mod guard;
pub mod i18n;
mod idempotency;
mod pages;
mod revalidate;
mod state;
pub mod transparency;
mod views;

use std::sync::Arc;

pub use state::{AppState, Config, DEFAULT_TILE_URL, VERSION};
use std::time::Duration;
pub use transparency::TransparencyLog;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use store::Store;
use store::sessions::DbSessionStore;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The most a request body may hold: a CSV of lingkungan for a whole pemda fits easily.
const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// How long a read may take before it is answered 408.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Puts a time limit on reads only. A write, once the store admitted it, runs to its commit and
/// answers with its outcome: a timeout answer to a change that then lands would make its sender
/// retry it and write it twice. The store bounds how long writes queue instead (503 with
/// `Retry-After` before anything is written).
async fn time_out_reads(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    if !matches!(*request.method(), axum::http::Method::GET | axum::http::Method::HEAD) {
        return next.run(request).await;
    }
    match tokio::time::timeout(READ_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// The whole application.
pub fn app(store: Store, config: Config) -> Router {
    let csp = HeaderValue::from_str(&config.content_security_policy())
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let state = AppState {
        store: store.clone(),
        config: Arc::new(config),
        chain_checks: Default::default(),
        statistics: Default::default(),
        prints: Arc::new(tokio::sync::Semaphore::new(2)),
        in_flight: Default::default(),
    };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(store))
        .with_name(revalidate::SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(ctx::SESSION_IDLE));
    let pages = pages::router(state.clone())
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(state.clone(), revalidate::revalidate));
    Router::new()
        .merge(pages)
        .merge(api::router(state.clone()))
        .merge(assets::router())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // axum's own extractors stop at 2 MB unless told otherwise; photos may weigh 5 MB.
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        // gzip at level 2, not the default 6: a 33 KB forum page still goes out as 4.7 KB (4.3
        // at level 6, 5.8 at level 1) and a list of 50 as 2.3 KB (1.9, 3.0), for 5% less server
        // CPU a forum page and 10% less a list (measured on the Medan demo).
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(2)))
        .layer(axum::middleware::from_fn(time_out_reads))
        // Outside every layer that may answer on its own (a body too large, a read that timed
        // out), so that no response goes without them.
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, csp))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("geolocation=(self), camera=(), microphone=()"),
        ))
        .layer(TraceLayer::new_for_http())
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    /// A write that takes longer than the read timeout is answered with its own outcome.
    #[tokio::test(start_paused = true)]
    async fn only_reads_are_timed_out() {
        let slow = || async {
            tokio::time::sleep(READ_TIMEOUT + Duration::from_secs(5)).await;
            StatusCode::CREATED
        };
        let app = Router::new().route("/", get(slow).post(slow)).layer(axum::middleware::from_fn(time_out_reads));
        let status = |method: &'static str| {
            let app = app.clone();
            async move {
                app.oneshot(Request::builder().method(method).uri("/").body(Body::empty()).unwrap())
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(status("GET").await, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(status("POST").await, StatusCode::CREATED);
    }
}
