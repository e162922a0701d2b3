//! Rencana's web shell: server-rendered pages (askama, htmx where it helps) and the JSON API
//! under `/api/v1`, both calling the same store and the same domain rules.

mod admission;
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
    app_of(AppState::new(store, config))
}

fn app_of(state: AppState) -> Router {
    let csp = HeaderValue::from_str(&state.config.content_security_policy())
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.store.clone()))
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

    /// With every place for reads taken, a page and an API read are told to come back, each in
    /// its own form and in the reader's language; the health check, the assets and writes are not
    /// held back by the reads.
    #[tokio::test]
    async fn reads_past_capacity_are_told_to_come_back() {
        use http_body_util::BodyExt;
        let db = store::testing::database().await.unwrap();
        let mut state = AppState::for_tests(db.store.clone());
        state.reads = std::sync::Arc::new(admission::ReadAdmission::new(0, 0, Duration::ZERO));
        let app = app_of(state);
        let send = |request: Request<Body>| {
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await.unwrap();
                let status = response.status();
                let headers = response.headers().clone();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                (status, headers, String::from_utf8_lossy(&body).to_string())
            }
        };
        let (status, headers, page) = send(Request::get("/proposals").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(headers[header::RETRY_AFTER], "2");
        assert!(page.contains("Server sedang melayani sangat banyak permintaan sekaligus"), "{page}");
        let (status, headers, problem) =
            send(Request::get("/api/v1/proposals").header(header::ACCEPT_LANGUAGE, "en").body(Body::empty()).unwrap())
                .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(headers[header::RETRY_AFTER], "2");
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        let problem: serde_json::Value = serde_json::from_str(&problem).unwrap();
        assert_eq!(problem["type"], "/problems/busy");
        assert_eq!(
            problem["title"],
            "The server is answering very many requests at once. Nothing was done; try again in a few seconds."
        );
        let (status, _, _) = send(Request::get(api::HEALTH_PATH).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let asset = "/static/app.css";
        let (status, _, _) = send(Request::get(asset).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let login = Request::post("/api/v1/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"username":"nobody","password":"wrong password"}"#))
            .unwrap();
        let (status, _, _) = send(login).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a write is not a read");
    }
}
