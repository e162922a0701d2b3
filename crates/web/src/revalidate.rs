//! What the public reads changes only when the record does (or a stage window opens or
//! closes): an anonymous reader who already holds a page gets 304 Not Modified without the page
//! being built again. The validator is derived from every pemda's journal head, the language,
//! the address, the release and the current minute (windows open and close by the clock).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::ctx::LANG_COOKIE;
use crate::state::{AppState, VERSION};

/// The session cookie's name: a reader who has one may see forms and messages of their own.
pub const SESSION_COOKIE: &str = "rencana_session";

/// Pages that are never the same twice for a reader without a session: the login form carries
/// a fresh CSRF token.
fn personal(path: &str) -> bool {
    path == "/login" || path.starts_with("/lang/")
}

pub async fn revalidate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let path = request.uri().path().to_string();
    if request.method() != Method::GET || jar.get(SESSION_COOKIE).is_some() || personal(&path) {
        return next.run(request).await;
    }
    // When the record cannot be read, the page is built as if there were no copy.
    let Ok((version, latest)) = state.store.record_version().await else {
        return next.run(request).await;
    };
    let mut hasher = Sha256::new();
    let minute = OffsetDateTime::now_utc().unix_timestamp() / 60;
    let lang = jar.get(LANG_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    let address = request.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
    for part in [VERSION, &version.to_string(), &lang, &address, &minute.to_string()] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    // Weak: the same page may travel compressed or not.
    let tag = format!("W/\"{}\"", hex::encode(&hasher.finalize()[..12]));
    let held = request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim() == tag || v.trim() == "*");
    let Ok(etag) = HeaderValue::from_str(&tag) else { return next.run(request).await };
    if held {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), (header::VARY, HeaderValue::from_static("Cookie"))])
            .into_response();
    }
    let mut response = next.run(request).await;
    if response.status() == StatusCode::OK && !response.headers().contains_key(header::SET_COOKIE) {
        let headers = response.headers_mut();
        headers.insert(header::ETAG, etag);
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
        if let Some(at) = latest.and_then(|at| HeaderValue::from_str(&httpdate::fmt_http_date(at.into())).ok()) {
            headers.insert(header::LAST_MODIFIED, at);
        }
    }
    response
}
