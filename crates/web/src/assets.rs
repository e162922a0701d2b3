//! Static files embedded in the binary: our own stylesheet and script, and the front-end
//! packages npm installed (htmx, Leaflet and its marker clusters), so that one file is the whole deployment.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/static"]
struct Own;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../node_modules/htmx.org/dist"]
#[include = "htmx.min.js"]
struct Htmx;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../node_modules/leaflet/dist"]
#[include = "leaflet.js"]
#[include = "leaflet.css"]
#[include = "images/*"]
struct Leaflet;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../node_modules/leaflet.markercluster/dist"]
#[include = "leaflet.markercluster.js"]
#[include = "MarkerCluster.css"]
#[include = "MarkerCluster.Default.css"]
struct MarkerCluster;

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/static/{*path}", get(|Path(path): Path<String>| async move { serve::<Own>(&path) }))
        .route("/static/vendor/htmx/{*path}", get(|Path(path): Path<String>| async move { serve::<Htmx>(&path) }))
        .route("/static/vendor/leaflet/{*path}", get(|Path(path): Path<String>| async move { serve::<Leaflet>(&path) }))
        .route(
            "/static/vendor/markercluster/{*path}",
            get(|Path(path): Path<String>| async move { serve::<MarkerCluster>(&path) }),
        )
        .route("/favicon.ico", get(|| async { serve::<Own>("favicon.svg") }))
}

fn serve<E: RustEmbed>(path: &str) -> Response {
    let Some(file) = E::get(path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..8]));
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CACHE_CONTROL, "public, max-age=86400".to_string()),
            (header::ETAG, etag),
        ],
        file.data,
    )
        .into_response()
}
