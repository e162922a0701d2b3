//! Rencana's web shell: server-rendered pages (askama, htmx where it helps) and the JSON API
//! under `/api/v1`, both calling the same store and the same domain rules.

pub mod api;
mod assets;
pub mod ctx;
pub mod error;
pub mod i18n;
mod pages;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use store::Store;
use store::sessions::DbSessionStore;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Demo mode lists the demo accounts on the login page.
    pub demo: bool,
    /// Mark cookies `Secure`: on whenever Rencana is served over HTTPS.
    pub secure_cookies: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
}

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The most a request body may hold: a CSV of lingkungan for a whole pemda fits easily.
const BODY_LIMIT: usize = 8 * 1024 * 1024;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole application.
pub fn app(store: Store, config: Config) -> Router {
    let state = AppState { store: store.clone(), config: Arc::new(config) };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(store))
        .with_name("rencana_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(ctx::SESSION_IDLE));
    let pages = pages::router(state.clone()).layer(sessions);
    Router::new()
        .merge(pages)
        .merge(api::router(state.clone()))
        .merge(assets::router())
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("geolocation=(self), camera=(), microphone=()"),
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(TraceLayer::new_for_http())
}
