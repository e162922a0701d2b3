//! Users and their grants, for Bappeda admins (and, read-only, auditors).

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::accounts::{CreateUser, GrantInput};
use domain::{AccountCommand, Action, Command, Resource};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::ApiJson;
use super::schema::{self, IdPath};
use super::session::UserJson;
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::accounts::hash_new_password;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_user))
        .routes(routes!(set_grants))
        .routes(routes!(disable))
        .routes(routes!(enable))
        .routes(routes!(set_password))
}

/// A grant as sent; its document shape, which scope each role takes, is `schema::Grants`.
#[derive(Deserialize)]
pub struct GrantInputJson {
    role: String,
    #[serde(default)]
    scope: String,
}

/// A user's grants, replacing all they had: at least one.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct GrantList(Vec<GrantInputJson>);

impl utoipa::PartialSchema for GrantList {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        <schema::Grants as utoipa::PartialSchema>::schema()
    }
}

impl ToSchema for GrantList {}

impl From<GrantInputJson> for GrantInput {
    fn from(input: GrantInputJson) -> Self {
        GrantInput { role: input.role, scope: input.scope }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    /// Unique across the server.
    #[schema(value_type = schema::Username, inline)]
    username: String,
    #[schema(value_type = schema::Name, inline)]
    name: String,
    /// At least 10 characters, not among the most common passwords, not containing the username.
    #[schema(value_type = schema::NewPassword, inline)]
    password: String,
    #[schema(value_type = schema::Grants, inline)]
    grants: Vec<GrantInputJson>,
}

#[derive(Deserialize, IntoParams)]
struct Cursor {
    /// Continue after this username.
    #[param(value_type = schema::LookupText, inline, required = false)]
    after: Option<String>,
}

/// The users of the caller's pemda, in username order, 500 at a time.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(Cursor),
    responses((status = 200, body = Vec<UserJson>)))]
async fn list(ctx: ApiCtx, Query(cursor): Query<Cursor>) -> AppResult<Json<Vec<UserJson>>> {
    let me = ctx.require_user()?;
    ctx.authorize(Action::ViewUsers, &Resource::pemda(me.pemda.clone())).await?;
    let users = ctx.state.store.users(&me.pemda, cursor.after.as_deref()).await?;
    Ok(Json(users.iter().map(UserJson::from).collect()))
}

/// Creates a user in the caller's pemda.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = NewUser,
    responses((status = 201, body = UserJson)))]
async fn create(ctx: ApiCtx, ApiJson(input): ApiJson<NewUser>) -> AppResult<Response> {
    let me = ctx.require_user()?;
    ctx.authorize(Action::ManageUsers, &Resource::pemda(me.pemda.clone())).await?;
    let password_hash = hash_new_password(&input.password, &input.username).await?;
    let user_id = Uuid::now_v7();
    let command = Command::Accounts(AccountCommand::CreateUser(CreateUser {
        pemda: me.pemda.clone(),
        user_id,
        username: input.username,
        name: input.name,
        password_hash,
        grants: input.grants.into_iter().map(GrantInput::from).collect(),
    }));
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let user = ctx.state.store.user(user_id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(UserJson::from(&user))).into_response())
}

async fn visible_user(ctx: &ApiCtx, id: &str, action: Action) -> AppResult<store::UserRecord> {
    crate::ctx::user_of_my_pemda(&ctx.state, ctx.user.as_ref(), id, action).await
}

/// One user of the caller's pemda.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), params(IdPath),
    responses((status = 200, body = UserJson)))]
async fn get_user(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Json<UserJson>> {
    Ok(Json(UserJson::from(&visible_user(&ctx, &id, Action::ViewUsers).await?)))
}

/// Replaces a user's roles and scopes.
#[utoipa::path(put, path = "/api/v1/users/{id}/grants", tag = "users", security(("bearer" = [])),
    params(IdPath), request_body(content = inline(GrantList)), responses((status = 200, body = UserJson)))]
async fn set_grants(
    ctx: ApiCtx,
    Path(IdPath { id }): Path<IdPath>,
    ApiJson(GrantList(grants)): ApiJson<GrantList>,
) -> AppResult<Json<UserJson>> {
    let user = visible_user(&ctx, &id, Action::ManageUsers).await?;
    let command = Command::Accounts(AccountCommand::SetUserGrants {
        user_id: user.id,
        grants: grants.into_iter().map(GrantInput::from).collect(),
    });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let user = ctx.state.store.user(user.id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(UserJson::from(&user)))
}

async fn set_disabled(ctx: ApiCtx, id: String, disabled: bool) -> AppResult<Json<UserJson>> {
    let user = visible_user(&ctx, &id, Action::ManageUsers).await?;
    let command = Command::Accounts(AccountCommand::SetUserDisabled { user_id: user.id, disabled });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let user = ctx.state.store.user(user.id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(UserJson::from(&user)))
}

/// Disables an account and ends all its sessions and tokens at once.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users", security(("bearer" = [])), params(IdPath),
    responses((status = 200, body = UserJson)))]
async fn disable(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Json<UserJson>> {
    set_disabled(ctx, id, true).await
}

/// Enables a disabled account again.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "users", security(("bearer" = [])), params(IdPath),
    responses((status = 200, body = UserJson)))]
async fn enable(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Json<UserJson>> {
    set_disabled(ctx, id, false).await
}

#[derive(Deserialize, ToSchema)]
pub struct NewPassword {
    /// At least 10 characters, not among the most common passwords, not containing the username.
    #[schema(value_type = schema::NewPassword, inline)]
    password: String,
}

/// Sets a new password for a user; all the user's sessions and tokens end.
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "users", security(("bearer" = [])),
    params(IdPath), request_body = NewPassword, responses((status = 204)))]
async fn set_password(
    ctx: ApiCtx,
    Path(IdPath { id }): Path<IdPath>,
    ApiJson(input): ApiJson<NewPassword>,
) -> AppResult<StatusCode> {
    let user = visible_user(&ctx, &id, Action::ManageUsers).await?;
    let password_hash = hash_new_password(&input.password, &user.username).await?;
    let command = Command::Accounts(AccountCommand::SetPassword { user_id: user.id, password_hash });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    Ok(StatusCode::NO_CONTENT)
}
