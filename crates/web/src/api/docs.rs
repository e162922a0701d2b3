//! The API browsable at `/api/docs`: Swagger UI (utoipa-swagger-ui, its files vendored in the
//! crate, so nothing is fetched at build or run time) reading `/api/v1/openapi.json`.

use std::sync::Arc;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use utoipa_swagger_ui::Config;

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let config = Arc::new(Config::from("/api/v1/openapi.json"));
    let index = config.clone();
    Router::new()
        .route("/api/docs", get(|| async { Redirect::permanent("/api/docs/") }))
        .route("/api/docs/", get(move || serve(String::new(), index.clone())))
        .route("/api/docs/{*file}", get(move |Path(file): Path<String>| serve(file, config.clone())))
}

async fn serve(file: String, config: Arc<Config<'static>>) -> Response {
    match utoipa_swagger_ui::serve(&file, config) {
        Ok(Some(file)) => (
            [(header::CONTENT_TYPE, file.content_type), (header::CACHE_CONTROL, "public, max-age=86400".to_string())],
            file.bytes.into_owned(),
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "the API docs could not be served");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
