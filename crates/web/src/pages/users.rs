//! User administration for Bappeda: list, create, roles and scopes, disable and enable.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::accounts::{CreateUser, GrantInput};
use domain::{AccountCommand, Action, Command, Grant, Resource, Role, Scope};
use serde::Deserialize;
use store::UserRecord;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Chrome, form_errors};
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::accounts::hash_new_password;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list))
        .route("/users.xlsx", get(list_xlsx))
        .route("/users/new", get(new_form).post(create))
        .route("/users/{id}", get(show))
        .route("/users/{id}/grants", post(add_grant))
        .route("/users/{id}/grants/remove", post(remove_grant))
        .route("/users/{id}/password", post(reset_password))
        .route("/users/{id}/disable", post(disable))
        .route("/users/{id}/enable", post(enable))
}

pub fn grant_label(tr: &Tr, grant: &Grant) -> String {
    match &grant.scope {
        Scope::Pemda => format!("{} — {}", tr.role(grant.role), tr.t("users.whole_pemda")),
        scope => format!("{} — {}", tr.role(grant.role), scope.code()),
    }
}

struct UserRow {
    id: Uuid,
    username: String,
    name: String,
    disabled: bool,
    grants: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserRow>,
    can_manage: bool,
    next: Option<String>,
}

#[derive(Deserialize)]
struct Paging {
    after: Option<String>,
}

/// Every account of the pemda as Excel, for those who may see the list.
async fn list_xlsx(ctx: PageCtx) -> AppResult<axum::response::Response> {
    use reports::xlsx::{Book, Cell};
    let me = ctx.require_user()?;
    ctx.authorize(Action::ViewUsers, &Resource::pemda(me.pemda.clone())).await?;
    let keys = ["xlsx.username", "xlsx.name", "xlsx.roles", "xlsx.disabled", "xlsx.created_at"];
    let mut book = Book::new();
    book.sheet(ctx.tr.t("xlsx.users"), &crate::views::xlsx::headers(&ctx.tr, &keys))?;
    let mut after: Option<String> = None;
    loop {
        let users = ctx.state.store.users(&me.pemda, after.as_deref()).await?;
        for u in &users {
            let grants: Vec<String> = u.grants.iter().map(|g| grant_label(&ctx.tr, g)).collect();
            book.row(&[
                Cell::Text(u.username.clone()),
                Cell::Text(u.name.clone()),
                Cell::Text(grants.join("; ")),
                Cell::from(if u.disabled { ctx.tr.t("xlsx.yes") } else { ctx.tr.t("xlsx.no") }),
                Cell::Time(u.created_at),
            ])?;
        }
        match users.last() {
            Some(last) if users.len() as u64 >= store::PAGE_MAX => after = Some(last.username.clone()),
            _ => break,
        }
    }
    let file = format!("pengguna-{}", me.pemda);
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

async fn list(ctx: PageCtx, Query(paging): Query<Paging>) -> AppResult<UsersPage> {
    let me = ctx.require_user()?;
    let pemda = Resource::pemda(me.pemda.clone());
    ctx.authorize(Action::ViewUsers, &pemda).await?;
    let users = ctx.state.store.users(&me.pemda, paging.after.as_deref()).await?;
    let next = (users.len() as u64 >= store::PAGE_MAX).then(|| users.last().map(|u| u.username.clone())).flatten();
    let can_manage = domain::authorize(&ctx.actor(), Action::ManageUsers, &pemda).is_ok();
    let users = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            grants: u.grants.iter().map(|g| grant_label(&ctx.tr, g)).collect(),
            username: u.username,
            name: u.name,
            disabled: u.disabled,
        })
        .collect();
    Ok(UsersPage { c: Chrome::new(&ctx), users, can_manage, next })
}

#[derive(Deserialize, Default)]
struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
}

fn role_options(tr: &Tr) -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.as_str(), tr.role(*r))).collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "user_new.html")]
struct NewUserPage {
    c: Chrome,
    form: UserForm,
    roles: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

async fn new_form(mut ctx: PageCtx) -> AppResult<NewUserPage> {
    let me = ctx.require_user()?;
    ctx.authorize(Action::ManageUsers, &Resource::pemda(me.pemda.clone())).await?;
    ctx.ensure_csrf().await?;
    let form = UserForm { role: Role::OperatorKelurahan.as_str().into(), ..UserForm::default() };
    Ok(NewUserPage { roles: role_options(&ctx.tr), c: Chrome::new(&ctx), form, errors: Vec::new() })
}

async fn create(ctx: PageCtx, Form(form): Form<UserForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let me = ctx.require_user()?.clone();
    ctx.authorize(Action::ManageUsers, &Resource::pemda(me.pemda.clone())).await?;
    let result = async {
        let password_hash = hash_new_password(&form.password, &form.username).await?;
        let command = Command::Accounts(AccountCommand::CreateUser(CreateUser {
            pemda: me.pemda.clone(),
            user_id: Uuid::now_v7(),
            username: form.username.clone(),
            name: form.name.clone(),
            password_hash,
            grants: vec![GrantInput { role: form.role.clone(), scope: form.scope.clone() }],
        }));
        Ok::<_, AppError>(ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?)
    }
    .await;
    match result {
        Ok(_) => {
            ctx.set_flash(ctx.tr.f("users.created", &[("username", form.username.trim())])).await?;
            Ok(Redirect::to("/users").into_response())
        }
        Err(error) => {
            let errors = form_errors(&ctx.tr, error)?;
            let form = UserForm { password: String::new(), ..form };
            let page = NewUserPage { roles: role_options(&ctx.tr), c: Chrome::new(&ctx), form, errors };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "user.html")]
struct UserPage {
    c: Chrome,
    user: UserRecord,
    created_at: String,
    grants: Vec<(String, String, String)>,
    can_manage: bool,
    form: UserForm,
    roles: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

/// The user `id` if it belongs to the viewer's pemda and the viewer may see users at all.
async fn visible_user(ctx: &PageCtx, id: &str, action: Action) -> AppResult<UserRecord> {
    crate::ctx::user_of_my_pemda(&ctx.state, ctx.user.as_ref(), id, action).await
}

async fn user_page(ctx: &mut PageCtx, user: UserRecord, errors: Vec<String>, form: UserForm) -> AppResult<UserPage> {
    let can_manage = domain::authorize(&ctx.actor(), Action::ManageUsers, &Resource::pemda(user.pemda.clone())).is_ok();
    if can_manage {
        ctx.ensure_csrf().await?;
    }
    Ok(UserPage {
        created_at: ctx.tr.datetime(user.created_at),
        grants: user
            .grants
            .iter()
            .map(|g| (g.role.as_str().to_string(), g.scope.code().to_string(), grant_label(&ctx.tr, g)))
            .collect(),
        user,
        can_manage,
        roles: role_options(&ctx.tr),
        c: Chrome::new(ctx),
        form,
        errors,
    })
}

async fn show(mut ctx: PageCtx, Path(id): Path<String>) -> AppResult<UserPage> {
    let user = visible_user(&ctx, &id, Action::ViewUsers).await?;
    user_page(&mut ctx, user, Vec::new(), UserForm::default()).await
}

async fn save_grants(mut ctx: PageCtx, user: UserRecord, command: Command, form: UserForm) -> AppResult<Response> {
    match ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await {
        Ok(_) => {
            ctx.set_flash(ctx.tr.f("users.grants_saved", &[("username", &user.username)])).await?;
            Ok(Redirect::to(&format!("/users/{}", user.id)).into_response())
        }
        Err(error) => {
            let errors = form_errors(&ctx.tr, error.into())?;
            let page = user_page(&mut ctx, user, errors, UserForm { csrf: String::new(), ..form }).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn add_grant(ctx: PageCtx, Path(id): Path<String>, Form(form): Form<UserForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let user = visible_user(&ctx, &id, Action::ManageUsers).await?;
    let grant = GrantInput { role: form.role.clone(), scope: form.scope.clone() };
    let command = Command::Accounts(AccountCommand::AddUserGrant { user_id: user.id, grant });
    save_grants(ctx, user, command, form).await
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
}

/// Removes a grant named by role and scope, not by its place in a list that may have changed.
async fn remove_grant(ctx: PageCtx, Path(id): Path<String>, Form(form): Form<RemoveForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let user = visible_user(&ctx, &id, Action::ManageUsers).await?;
    let command =
        Command::Accounts(AccountCommand::RemoveUserGrant { user_id: user.id, role: form.role, scope: form.scope });
    save_grants(ctx, user, command, UserForm::default()).await
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// An administrator sets a new password for a user (who forgot theirs); every session of that
/// user ends.
async fn reset_password(
    mut ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let user = visible_user(&ctx, &id, Action::ManageUsers).await?;
    let result = async {
        let password_hash = hash_new_password(&form.password, &user.username).await?;
        let command = Command::Accounts(AccountCommand::SetPassword { user_id: user.id, password_hash });
        Ok::<_, AppError>(ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?)
    }
    .await;
    match result {
        Ok(_) => {
            ctx.set_flash(ctx.tr.f("users.password_reset_done", &[("username", &user.username)])).await?;
            Ok(Redirect::to(&format!("/users/{}", user.id)).into_response())
        }
        Err(error) => {
            let errors = form_errors(&ctx.tr, error)?;
            let page = user_page(&mut ctx, user, errors, UserForm::default()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn set_disabled(ctx: PageCtx, id: String, form: CsrfForm, disabled: bool) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let user = visible_user(&ctx, &id, Action::ManageUsers).await?;
    let command = Command::Accounts(AccountCommand::SetUserDisabled { user_id: user.id, disabled });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let key = if disabled { "users.disabled_done" } else { "users.enabled_done" };
    ctx.set_flash(ctx.tr.f(key, &[("username", &user.username)])).await?;
    Ok(Redirect::to(&format!("/users/{}", user.id)).into_response())
}

async fn disable(ctx: PageCtx, Path(id): Path<String>, Form(form): Form<CsrfForm>) -> AppResult<Response> {
    set_disabled(ctx, id, form, true).await
}

async fn enable(ctx: PageCtx, Path(id): Path<String>, Form(form): Form<CsrfForm>) -> AppResult<Response> {
    set_disabled(ctx, id, form, false).await
}
