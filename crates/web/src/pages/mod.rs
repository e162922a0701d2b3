//! The pages: server-rendered HTML that works without JavaScript, in the user's language.

mod audit;
mod auth;
pub(crate) mod cycles;
mod documents;
mod dprd;
pub(crate) mod forums;
mod home;
pub(crate) mod masterdata;
pub(crate) mod member;
mod nomenclature;
mod open_data;
mod pokir;
mod proposals;
mod red_flags;
mod regions;
mod renja;
pub mod statistics;
mod users;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::{Action, Resource};
use store::UserRecord;

use crate::ctx::{LANG_COOKIE, PageCtx, actor_of};
use crate::error::{AppError, ErrorMarker, is_extractor_rejection, status_message_key};
use crate::i18n::{Lang, Tr};
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(auth::router())
        .merge(home::router())
        .merge(regions::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(documents::router())
        .merge(forums::router())
        .merge(proposals::router())
        .merge(cycles::router())
        .merge(masterdata::router())
        .merge(nomenclature::router())
        .merge(dprd::router())
        .merge(pokir::router())
        .merge(renja::router())
        .merge(open_data::router())
        .merge(member::router())
        .merge(statistics::router())
        .merge(red_flags::router())
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn(crate::guard::refuse_control_characters))
        .layer(middleware::from_fn_with_state(state.clone(), crate::admission::admit_reads))
        .layer(middleware::from_fn_with_state(state.clone(), render_errors))
        .with_state(state)
}

/// The frame of every page: language, user, CSRF token, flash message.
pub struct Chrome {
    pub tr: Tr,
    pub user: Option<UserRecord>,
    pub csrf: String,
    pub flash: Option<String>,
    pub path: String,
    pub can_view_users: bool,
    pub version: &'static str,
}

impl Chrome {
    pub fn new(ctx: &PageCtx) -> Self {
        Chrome::build(ctx.tr, ctx.user.clone(), ctx.csrf.clone(), ctx.flash.clone(), ctx.path.clone())
    }

    fn build(tr: Tr, user: Option<UserRecord>, csrf: String, flash: Option<String>, path: String) -> Self {
        let can_view_users = user.as_ref().is_some_and(|u| {
            domain::authorize(&actor_of(Some(u)), Action::ViewUsers, &Resource::pemda(u.pemda.clone())).is_ok()
        });
        Chrome { tr, user, csrf, flash, path, can_view_users, version: crate::state::VERSION }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.tr.t(key)
    }

    /// Templates hand arrays over by reference to a reference; accept any slice-like argument.
    pub fn f<A: AsRef<[(&'static str, S)]>, S: AsRef<str>>(&self, key: &str, args: A) -> String {
        let args: Vec<(&str, &str)> = args.as_ref().iter().map(|(k, v)| (*k, v.as_ref())).collect();
        self.tr.f(key, &args)
    }

    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    pub fn other_lang(&self) -> &'static str {
        self.tr.lang.other().code()
    }

    /// The language switch returns to the page it was clicked on.
    pub fn switch_href(&self) -> String {
        let query = serde_urlencoded::to_string([("next", self.path.as_str())]).unwrap_or_default();
        format!("/lang/{}?{}", self.other_lang(), query)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    message: String,
    login_link: bool,
}

/// Turns an [`AppError`] left by a handler into a page in the user's language. A page that needs
/// a login sends the visitor to the login form instead.
async fn render_errors(State(_state): State<AppState>, jar: CookieJar, request: Request, next: Next) -> Response {
    let lang = jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())).unwrap_or_default();
    let path = request.uri().path().to_string();
    let path_and_query = request.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| path.clone());
    let response = next.run(request).await;
    let tr = Tr::new(lang);
    let status = response.status();
    let Some(ErrorMarker(error)) = response.extensions().get::<ErrorMarker>().cloned() else {
        if is_extractor_rejection(&response) {
            let page = ErrorPage {
                c: Chrome::build(tr, None, String::new(), None, path),
                message: tr.t(status_message_key(status)).to_string(),
                login_link: false,
            };
            return (status, page).into_response();
        }
        return response;
    };
    let message = match &error {
        AppError::LoginRequired if path != "/login" => {
            // Back to where the visitor was going once they have logged in.
            let query = serde_urlencoded::to_string([("next", path_and_query.as_str())]).unwrap_or_default();
            return Redirect::to(&format!("/login?{query}")).into_response();
        }
        AppError::LoginRequired => tr.t("error.login_required").to_string(),
        AppError::NotFound => tr.t("error.not_found").to_string(),
        AppError::Forbidden => tr.t("error.forbidden").to_string(),
        AppError::Csrf => tr.t("error.csrf").to_string(),
        AppError::AlreadyExists => tr.t("error.conflict").to_string(),
        AppError::BadCredentials => tr.t("login.failed").to_string(),
        AppError::Throttled { retry_after } => {
            tr.f("login.throttled", &[("minutes", &retry_after.div_ceil(60).to_string())])
        }
        AppError::Invalid(errors) => errors.iter().map(|e| tr.rule_message(e)).collect::<Vec<_>>().join(" "),
        AppError::StageClosed { stage, window } => tr.stage_closed(*stage, window.as_ref()),
        AppError::ForumClosed => tr.t("error.forum_closed").to_string(),
        AppError::Adopted => tr.t("error.adopted").to_string(),
        AppError::CarriedOut => tr.t("error.carried_out").to_string(),
        AppError::CannotClose(problem) => format!("{} {}", tr.cannot_close_title(problem), tr.close_problem(problem)),
        AppError::Busy { .. } => tr.t("error.busy").to_string(),
        AppError::Crowded { .. } => tr.t("error.crowded").to_string(),
        AppError::Unavailable { .. } => tr.t("error.unavailable").to_string(),
        AppError::Internal(_) => tr.t("error.internal").to_string(),
    };
    let page = ErrorPage {
        c: Chrome::build(tr, None, String::new(), None, path),
        message,
        login_link: matches!(error, AppError::LoginRequired | AppError::Csrf),
    };
    let mut rendered = (status, page).into_response();
    if let Some(retry) = response.headers().get(axum::http::header::RETRY_AFTER) {
        rendered.headers_mut().insert(axum::http::header::RETRY_AFTER, retry.clone());
    }
    rendered
}

/// The field errors of a failed command as sentences, for a form to show; anything else is
/// handed on to the error page.
pub fn form_errors(tr: &Tr, error: AppError) -> Result<Vec<String>, AppError> {
    match error {
        AppError::Invalid(errors) => Ok(errors.iter().map(|e| tr.rule_message(e)).collect()),
        other => Err(other),
    }
}

/// True when any field error concerns `field`.
pub fn names_field(error: &AppError, field: &str) -> bool {
    matches!(error, AppError::Invalid(errors) if errors.iter().any(|e| e.field == field || e.field.ends_with(&format!(".{field}"))))
}

/// A multipart form as the upload pages send it: its text fields and one file.
pub struct Upload {
    pub texts: std::collections::HashMap<String, String>,
    pub file: Option<axum::body::Bytes>,
}

/// Reads a multipart form whose file is in `file_field`; a body that cannot be read is
/// `unreadable`, the refusal the page gives for a bad file.
pub async fn read_upload(
    mut multipart: axum::extract::Multipart,
    file_field: &str,
    unreadable: AppError,
) -> Result<Upload, AppError> {
    let mut upload = Upload { texts: std::collections::HashMap::new(), file: None };
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable.clone())? {
        let name = field.name().unwrap_or_default().to_string();
        if name == file_field {
            upload.file = Some(field.bytes().await.map_err(|_| unreadable.clone())?);
        } else {
            upload.texts.insert(name, field.text().await.unwrap_or_default());
        }
    }
    Ok(upload)
}

impl Upload {
    pub fn text(&self, name: &str) -> &str {
        self.texts.get(name).map(String::as_str).unwrap_or_default()
    }
}
