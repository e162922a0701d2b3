//! Health, logging in for a token, logging out, and who am I.

use axum::Json;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, Problem};
use crate::ctx::{ApiCtx, TOKEN_LIFETIME, authenticate};
use crate::error::AppResult;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health)).routes(routes!(login, logout)).routes(routes!(me))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers, `unavailable` when not.
    status: &'static str,
    /// `sqlite` or `postgres`.
    database: &'static str,
    version: &'static str,
    /// Settings an operator should look at; empty when there is nothing to say.
    warnings: Vec<&'static str>,
}

/// The health check's path (the annotation below must name it as a literal): it answers even
/// while reads are turned away (`admission`), for a load balancer must see a crowded server up.
pub(crate) const HEALTH_PATH: &str = "/api/v1/health";

/// Whether the server and its database answer.
#[utoipa::path(get, path = "/api/v1/health", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> (StatusCode, Json<Health>) {
    let up = state.store.ping().await.is_ok();
    let status = if up { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        status,
        Json(Health {
            status: if up { "ok" } else { "unavailable" },
            database: state.store.backend().name(),
            version: crate::state::VERSION,
            warnings: if state.config.exposed_without_secure_cookies {
                vec!["insecure_cookies: serving beyond loopback without --secure-cookies; set it behind HTTPS"]
            } else {
                Vec::new()
            },
        }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Token {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    /// RFC 3339, UTC.
    #[schema(value_type = String)]
    expires_at: String,
}

/// Logs in and returns a bearer token. Five failed logins for one username within fifteen
/// minutes answer 429 with `Retry-After` until the window passes.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = Credentials,
    responses((status = 200, body = Token), (status = 401, body = Problem), (status = 429, body = Problem)))]
async fn login(ctx: ApiCtx, ApiJson(credentials): ApiJson<Credentials>) -> AppResult<Json<Token>> {
    let now = OffsetDateTime::now_utc();
    let user = authenticate(&ctx.state, &credentials.username, &credentials.password, now).await?;
    let expires_at = now + TOKEN_LIFETIME;
    let token = ctx.state.store.create_token(user.id, now, expires_at).await?;
    let expires_at = expires_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    Ok(Json(Token { token, expires_at }))
}

/// Ends the session of the bearer token.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", security(("bearer" = [])),
    responses((status = 204)))]
async fn logout(ctx: ApiCtx) -> AppResult<StatusCode> {
    let user = ctx.require_user()?;
    if let Some(token) = &ctx.token {
        ctx.state.store.end_token(token).await?;
    }
    let now = OffsetDateTime::now_utc();
    ctx.state
        .store
        .log_security(store::security::SecurityEvent::Logout, &user.username, Some(user.pemda.as_str()), "api", now)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct GrantJson {
    /// A role id: `warga`, `kepala_lingkungan`, `operator_kelurahan`, `operator_kecamatan`,
    /// `anggota_dprd`, `operator_opd`, `bappeda_admin`, `auditor`.
    pub role: String,
    /// A region code, an OPD code, or the pemda's code for pemda-wide roles.
    pub scope: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserJson {
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    pub username: String,
    pub name: String,
    pub pemda: String,
    pub disabled: bool,
    pub grants: Vec<GrantJson>,
}

impl From<&store::UserRecord> for UserJson {
    fn from(user: &store::UserRecord) -> Self {
        UserJson {
            id: user.id,
            username: user.username.clone(),
            name: user.name.clone(),
            pemda: user.pemda.to_string(),
            disabled: user.disabled,
            grants: user
                .grants
                .iter()
                .map(|g| GrantJson {
                    role: g.role.as_str().to_string(),
                    scope: match &g.scope {
                        domain::Scope::Pemda => user.pemda.to_string(),
                        other => other.code().to_string(),
                    },
                })
                .collect(),
        }
    }
}

/// The user of the bearer token.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", security(("bearer" = [])),
    responses((status = 200, body = UserJson)))]
async fn me(ctx: ApiCtx) -> AppResult<Json<UserJson>> {
    Ok(Json(UserJson::from(ctx.require_user()?)))
}
