//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.
//! Errors are RFC 9457 problem details naming the field and the rule, in the caller's language
//! (`Accept-Language: en` for English, Indonesian otherwise).

mod audit;
mod cycles;
mod docs;
mod documents;
mod dprd;
mod masterdata;
mod nomenclature;
mod open_data;
mod problems;
pub mod proposals;
mod red_flags;
mod regions;
mod renja;
mod schema;
mod session;
pub(crate) use session::HEALTH_PATH;
mod statistics;
mod users;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::error::{AppError, ErrorMarker, is_extractor_rejection, status_message_key};
use crate::i18n::{Lang, Tr};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Rencana API", description = "E-perencanaan pembangunan daerah: the same capabilities as the pages, as JSON."),
    modifiers(&BearerAuth),
    components(schemas(Problem, ProblemField))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A token from POST /api/v1/session"))
                    .build(),
            ),
        );
    }
}

pub fn router(state: AppState) -> Router {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(session::router())
        .merge(regions::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(cycles::router())
        .merge(masterdata::router())
        .merge(nomenclature::router())
        .merge(dprd::router())
        .merge(proposals::router())
        .merge(renja::router())
        .merge(open_data::router())
        .merge(statistics::router())
        .merge(red_flags::router())
        .merge(documents::router())
        .split_for_parts();
    // After the merge: the routers bring the operations the answers are added to.
    problems::add_problem_answers(&mut doc);
    let mut doc_value = serde_json::to_value(&doc).unwrap_or_default();
    schema::unwrap_described(&mut doc_value);
    let doc_json = serde_json::to_string_pretty(&doc_value).unwrap_or_default();
    router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = doc_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], doc) }
            }),
        )
        .route("/api/v1/{*rest}", axum::routing::any(|| async { AppError::NotFound }))
        .merge(docs::router())
        // On matched routes only: an unknown method is told 405 before its input is judged or
        // its key looked up. Inside the problems' rendering, which gives refusals their words.
        .route_layer(middleware::from_fn(crate::guard::refuse_control_characters))
        .route_layer(middleware::from_fn_with_state(state.clone(), crate::idempotency::replay_or_run))
        .layer(middleware::from_fn_with_state(state.clone(), crate::admission::admit_reads))
        .layer(middleware::from_fn(render_problems))
        .with_state(state)
}

/// One broken rule of the input.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field, as a path into the request (`grants[0].scope`).
    pub field: String,
    /// The rule's id (`required`, `too_long`, `taken`, …).
    pub rule: String,
    /// The sentence to show a person, in the request's language.
    pub message: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Present for `/problems/validation`: one entry per broken rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub errors: Vec<ProblemField>,
    /// Machine-readable particulars: the stage and its window, or why a forum cannot close.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub context: Option<serde_json::Value>,
}

fn problem(tr: &Tr, error: &AppError) -> Problem {
    let status = error.status().as_u16();
    let (kind, title, detail, errors) = match error {
        AppError::Invalid(fields) => (
            "validation",
            tr.t("error.invalid"),
            None,
            fields
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    rule: serde_json::to_value(&f.rule)
                        .ok()
                        .and_then(|v| v.get("rule").and_then(|r| r.as_str()).map(str::to_string))
                        .unwrap_or_default(),
                    message: tr.rule_message(f),
                })
                .collect(),
        ),
        AppError::NotFound => ("not-found", tr.t("error.not_found"), None, Vec::new()),
        AppError::AlreadyExists => ("conflict", tr.t("error.conflict"), None, Vec::new()),
        AppError::LoginRequired => ("unauthenticated", tr.t("error.login_required"), None, Vec::new()),
        AppError::Forbidden => ("forbidden", tr.t("error.forbidden"), None, Vec::new()),
        AppError::Csrf => ("csrf", tr.t("error.csrf"), None, Vec::new()),
        AppError::BadCredentials => ("bad-credentials", tr.t("login.failed"), None, Vec::new()),
        AppError::Throttled { retry_after } => (
            "throttled",
            tr.t("error.title"),
            Some(tr.f("login.throttled", &[("minutes", &retry_after.div_ceil(60).to_string())])),
            Vec::new(),
        ),
        AppError::StageClosed { stage, window } => {
            ("stage-closed", tr.t("error.title"), Some(tr.stage_closed(*stage, window.as_ref())), Vec::new())
        }
        AppError::ForumClosed => ("forum-closed", tr.t("error.forum_closed"), None, Vec::new()),
        AppError::Adopted => ("adopted", tr.t("error.adopted"), None, Vec::new()),
        AppError::CarriedOut => ("carried-out", tr.t("error.carried_out"), None, Vec::new()),
        AppError::CannotClose(problem) => {
            ("cannot-close", tr.cannot_close_title(problem), Some(tr.close_problem(problem)), Vec::new())
        }
        AppError::Busy { .. } => ("busy", tr.t("error.busy"), None, Vec::new()),
        AppError::Crowded { .. } => ("busy", tr.t("error.crowded"), None, Vec::new()),
        AppError::Unavailable { .. } => ("unavailable", tr.t("error.unavailable"), None, Vec::new()),
        AppError::Internal(_) => ("internal", tr.t("error.internal"), None, Vec::new()),
    };
    let context = match error {
        AppError::StageClosed { stage, window } => Some(serde_json::json!({"stage": stage, "window": window})),
        AppError::CannotClose(problem) => serde_json::to_value(problem).ok(),
        _ => None,
    };
    Problem { kind: format!("/problems/{kind}"), title: title.to_string(), status, detail, errors, context }
}

async fn render_problems(request: Request, next: Next) -> Response {
    let lang = Lang::from_accept_language(request.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let response = next.run(request).await;
    let Some(ErrorMarker(error)) = response.extensions().get::<ErrorMarker>().cloned() else {
        if is_extractor_rejection(&response) {
            let tr = Tr::new(lang);
            let status = response.status();
            let body = Problem {
                kind: "/problems/bad-request".into(),
                title: tr.t(status_message_key(status)).to_string(),
                status: status.as_u16(),
                detail: None,
                errors: Vec::new(),
                context: None,
            };
            let mut rendered = (status, Json(body)).into_response();
            rendered
                .headers_mut()
                .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/problem+json"));
            return rendered;
        }
        return response;
    };
    let body = problem(&Tr::new(lang), &error);
    let mut rendered = (error.status(), Json(body)).into_response();
    rendered.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/problem+json"));
    if let Some(retry) = response.headers().get(header::RETRY_AFTER) {
        rendered.headers_mut().insert(header::RETRY_AFTER, retry.clone());
    }
    if error.status() == StatusCode::UNAUTHORIZED {
        rendered.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    }
    rendered
}

/// JSON input whose syntax errors come back as a problem naming the body, not as plain text.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(_) => Err(AppError::invalid("body", domain::Rule::Format { expected: "json" })),
        }
    }
}
