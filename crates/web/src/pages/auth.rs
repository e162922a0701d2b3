//! Logging in and out, and the language switch.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Router, http::StatusCode};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use store::security::SecurityEvent;
use time::OffsetDateTime;

use super::Chrome;
use crate::ctx::{LANG_COOKIE, PageCtx, authenticate};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(show).post(submit))
        .route("/logout", post(logout))
        .route("/lang/{lang}", get(switch_language))
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    username: String,
    failure: Option<String>,
    next: String,
    demo: bool,
    demo_password: &'static str,
    demo_users: Vec<(&'static str, &'static str)>,
}

fn login_page(ctx: &PageCtx, username: String, failure: Option<String>, next: String) -> LoginPage {
    let demo_users = store::seed::DEMO_USERS
        .iter()
        .map(|(username, _, role, _)| (*username, domain::Role::parse(role).map(|r| ctx.tr.role(r)).unwrap_or(role)))
        .collect();
    LoginPage {
        c: Chrome::new(ctx),
        username,
        failure,
        next,
        demo: ctx.demo,
        demo_password: store::seed::DEMO_PASSWORD,
        demo_users,
    }
}

async fn show(mut ctx: PageCtx, Query(next): Query<Next>) -> AppResult<Response> {
    let next = safe_next(next.next);
    if ctx.user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    ctx.ensure_csrf().await?;
    Ok(login_page(&ctx, String::new(), None, next).into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn submit(mut ctx: PageCtx, Form(form): Form<LoginForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let now = OffsetDateTime::now_utc();
    let next = safe_next(form.next.clone());
    match authenticate(&ctx.state, &form.username, &form.password, now).await {
        Ok(user) => {
            ctx.start_login(&user, now).await?;
            Ok(Redirect::to(&next).into_response())
        }
        Err(AppError::BadCredentials) => {
            let message = ctx.tr.t("login.failed").to_string();
            Ok((StatusCode::UNAUTHORIZED, login_page(&ctx, form.username.trim().to_string(), Some(message), next))
                .into_response())
        }
        Err(AppError::Throttled { retry_after }) => {
            let minutes = retry_after.div_ceil(60).to_string();
            let message = ctx.tr.f("login.throttled", &[("minutes", &minutes)]);
            let page = login_page(&ctx, form.username.trim().to_string(), Some(message), next);
            Ok((StatusCode::TOO_MANY_REQUESTS, [(axum::http::header::RETRY_AFTER, retry_after.to_string())], page)
                .into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(ctx: PageCtx, Form(form): Form<CsrfForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    if let Some(user) = &ctx.user {
        let now = OffsetDateTime::now_utc();
        ctx.state.store.log_security(SecurityEvent::Logout, &user.username, Some(user.pemda.as_str()), "", now).await?;
    }
    ctx.session.flush().await?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Only paths on this site: `next` must never send anyone elsewhere. A same-site path starts
/// with one `/` not followed by `/` or `\` (browsers read `/\host` as `//host`), and holds only
/// visible ASCII: browsers drop tabs and line breaks from URLs (`/\t/evil.example` becomes
/// `//evil.example`), and a control character cannot be a header value at all. Anything else
/// goes home.
fn safe_next(next: Option<String>) -> String {
    let same_site = |path: &str| {
        let bytes = path.as_bytes();
        bytes.first() == Some(&b'/')
            && !matches!(bytes.get(1), Some(b'/' | b'\\'))
            && !path.contains('\\')
            && bytes.iter().all(|b| b.is_ascii_graphic())
    };
    match next {
        Some(path) if same_site(&path) => path,
        _ => "/".to_string(),
    }
}

async fn switch_language(Path(lang): Path<String>, Query(next): Query<Next>, jar: CookieJar) -> AppResult<Response> {
    let lang = Lang::parse(&lang).ok_or(AppError::NotFound)?;
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(time::Duration::days(365))
        .build();
    Ok((jar.add(cookie), Redirect::to(&safe_next(next.next))).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/regions/12.71".into())), "/regions/12.71");
        assert_eq!(safe_next(Some("//evil.example".into())), "/");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/");
        assert_eq!(safe_next(Some("/\\evil.example".into())), "/");
        assert_eq!(safe_next(None), "/");
        for hostile in
            ["/\t/evil.example", "/\n/evil.example", "/\r\n/x", "/a b", "/\u{0}", "/\u{b}", "/ü", "\t//x", ""]
        {
            assert_eq!(safe_next(Some(hostile.into())), "/", "{hostile:?}");
        }
        assert_eq!(
            safe_next(Some("/proposals?cycle=1&stage=rembuk_warga".into())),
            "/proposals?cycle=1&stage=rembuk_warga"
        );
    }
}
