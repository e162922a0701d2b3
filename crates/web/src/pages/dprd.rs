//! The DPRD page: the dapil with their kecamatan and the members with their fraksi, komisi,
//! dapil and assistants; forms to keep them for Bappeda and the DPRD secretariat.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::views::MemberView;
use domain::{Action, Command, DprdCommand, RegionLevel, Resource};
use serde::Deserialize;
use time::OffsetDateTime;

use super::cycles::invalid_fields;
use super::{Chrome, form_errors};
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dprd", get(dprd_list))
        .route("/dprd.xlsx", get(dprd_xlsx))
        .route("/dprd/dapil", post(dapil_save))
        .route("/dprd/members", post(member_save))
}

struct DapilRow {
    code: String,
    name: String,
    kecamatan: String,
}

/// Which form the errors belong to.
#[derive(PartialEq, Eq, Default)]
enum Failed {
    #[default]
    Nothing,
    Dapil,
    Member,
}

#[derive(Template, WebTemplate)]
#[template(path = "dprd.html")]
struct DprdPage {
    c: Chrome,
    dapil: Vec<DapilRow>,
    members: Vec<MemberView>,
    /// Every kecamatan of the pemda: code and name, for the dapil form.
    kecamatan: Vec<(String, String)>,
    can_manage: bool,
    errors: Vec<String>,
    invalid: Vec<String>,
    failed: Failed,
    dapil_form: DapilForm,
    member_form: MemberForm,
}

impl DprdPage {
    fn bad(&self, field: &str) -> bool {
        self.invalid.iter().any(|f| f == field || f.starts_with(&format!("{field}[")))
    }

    fn failed_dapil(&self) -> bool {
        self.failed == Failed::Dapil
    }

    fn failed_member(&self) -> bool {
        self.failed == Failed::Member
    }

    fn chosen(&self, kecamatan: &str) -> bool {
        self.dapil_form.kecamatan.iter().any(|k| k == kecamatan)
    }
}

#[derive(Deserialize, Default)]
struct DapilForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kecamatan: Vec<String>,
}

#[derive(Deserialize, Default)]
struct MemberForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    fraksi: String,
    #[serde(default)]
    komisi: String,
    #[serde(default)]
    dapil: String,
    /// Usernames separated by commas or spaces.
    #[serde(default)]
    assistants: String,
}

async fn dprd_page(ctx: &mut PageCtx) -> AppResult<DprdPage> {
    // The dapil and the members are public: members' acts are public duties.
    let pemda = match &ctx.user {
        Some(user) => user.pemda.clone(),
        None => crate::views::regions::public_pemda(&ctx.state).await?,
    };
    let can_manage = domain::authorize(&ctx.actor(), Action::ManageDprd, &Resource::pemda(pemda.clone())).is_ok();
    if can_manage {
        ctx.ensure_csrf().await?;
    }
    let store = ctx.state.store.clone();
    let kecamatan: Vec<(String, String)> = store
        .children(&pemda, None)
        .await?
        .into_iter()
        .filter(|r| r.level == RegionLevel::Kecamatan)
        .map(|r| (r.code.to_string(), r.name))
        .collect();
    let name_of =
        |code: &str| kecamatan.iter().find(|(c, _)| c == code).map(|(_, n)| n.clone()).unwrap_or(code.to_string());
    let dapil = store
        .dapil_list(&pemda)
        .await?
        .into_iter()
        .map(|d| DapilRow {
            kecamatan: d.kecamatan.iter().map(|k| name_of(k.as_str())).collect::<Vec<_>>().join(", "),
            code: d.code,
            name: d.name,
        })
        .collect();
    Ok(DprdPage {
        dapil,
        members: store.members(&pemda).await?,
        kecamatan,
        can_manage,
        errors: Vec::new(),
        invalid: Vec::new(),
        failed: Failed::Nothing,
        dapil_form: DapilForm::default(),
        member_form: MemberForm::default(),
        c: Chrome::new(ctx),
    })
}

/// The dapil and the members as Excel, public like the page.
async fn dprd_xlsx(mut ctx: PageCtx) -> AppResult<Response> {
    use reports::xlsx::{Book, Cell};
    let page = dprd_page(&mut ctx).await?;
    let tr = ctx.tr;
    let mut book = Book::new();
    book.sheet(
        tr.t("xlsx.members"),
        &crate::views::xlsx::headers(&tr, &["xlsx.name", "xlsx.fraksi", "xlsx.komisi", "xlsx.dapil"]),
    )?;
    for m in &page.members {
        book.row(&[
            Cell::Text(m.name.clone()),
            Cell::Text(m.fraksi.clone()),
            Cell::Text(m.komisi.clone()),
            Cell::Text(m.dapil.clone()),
        ])?;
    }
    book.sheet(tr.t("xlsx.dapil"), &crate::views::xlsx::headers(&tr, &["xlsx.code", "xlsx.name", "xlsx.kecamatan"]))?;
    for d in &page.dapil {
        book.row(&[Cell::Text(d.code.clone()), Cell::Text(d.name.clone()), Cell::Text(d.kecamatan.clone())])?;
    }
    Ok(crate::views::xlsx::download("dprd", crate::views::xlsx::finish(book).await?))
}

async fn dprd_list(mut ctx: PageCtx) -> AppResult<DprdPage> {
    dprd_page(&mut ctx).await
}

/// Runs a command from one of the page's forms: back to the page with a notice, or the page
/// again with the errors beside the form that failed.
async fn run(
    mut ctx: PageCtx,
    command: Command,
    notice: String,
    failed: Failed,
    keep: impl FnOnce(&mut DprdPage),
) -> AppResult<Response> {
    match ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await {
        Ok(_) => {
            ctx.set_flash(notice).await?;
            Ok(Redirect::to("/dprd").into_response())
        }
        Err(error) => {
            let error = AppError::from(error);
            let invalid = invalid_fields(&error);
            let errors = form_errors(&ctx.tr, error)?;
            let mut page = dprd_page(&mut ctx).await?;
            page.errors = errors;
            page.invalid = invalid;
            page.failed = failed;
            keep(&mut page);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn dapil_save(
    ctx: PageCtx,
    axum_extra::extract::Form(form): axum_extra::extract::Form<DapilForm>,
) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let pemda = ctx.require_user()?.pemda.clone();
    let command = Command::Dprd(DprdCommand::SaveDapil {
        pemda,
        code: form.code.clone(),
        name: form.name.clone(),
        kecamatan: form.kecamatan.clone(),
    });
    let notice = ctx.tr.f("dprd.dapil_saved", &[("code", form.code.trim())]);
    run(ctx, command, notice, Failed::Dapil, |page| page.dapil_form = DapilForm { csrf: String::new(), ..form }).await
}

async fn member_save(ctx: PageCtx, Form(form): Form<MemberForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let pemda = ctx.require_user()?.pemda.clone();
    let assistants = form
        .assistants
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    let command = Command::Dprd(DprdCommand::SaveMember {
        pemda,
        username: form.username.clone(),
        fraksi: form.fraksi.clone(),
        komisi: form.komisi.clone(),
        dapil: form.dapil.clone(),
        assistants,
    });
    let notice = ctx.tr.f("dprd.member_saved", &[("username", form.username.trim())]);
    run(ctx, command, notice, Failed::Member, |page| page.member_form = MemberForm { csrf: String::new(), ..form })
        .await
}
