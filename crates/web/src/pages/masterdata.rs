//! Master data for the cycles: the perangkat daerah (OPD), the RPJMD priorities and the kamus
//! usulan of each tahun anggaran, added one at a time or by CSV (all rows or none), and
//! downloaded as CSV. Any user of the pemda may read them; Bappeda admins change them.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Multipart, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use domain::kamus::{Bidang, KamusInput};
use domain::rpjmd::PriorityInput;
use domain::{Action, Command, MasterDataCommand, RegionCode, Resource, Rule};
use reports::kamus_csv;
use serde::Deserialize;
use time::OffsetDateTime;

use super::cycles::invalid_fields;
use super::{Chrome, form_errors};
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::schedule::{default_year, parse_year, year_of};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opd", get(opd_list).post(opd_create))
        .route("/opd.xlsx", get(opd_xlsx))
        .route("/kamus.xlsx", get(kamus_xlsx))
        .route("/prioritas.xlsx", get(priority_xlsx))
        .route("/kamus", get(kamus_list).post(kamus_add))
        .route("/kamus.csv", get(kamus_download).post(kamus_upload))
        .route("/prioritas", get(priority_list).post(priority_save))
}

/// The kamus of a year as the CSV its upload takes.
pub(crate) async fn kamus_csv_response(state: &AppState, pemda: &RegionCode, tahun: i32) -> AppResult<Response> {
    let text = kamus_csv::write(&state.store.kamus(pemda, tahun).await?);
    let disposition = format!("attachment; filename=\"kamus-{pemda}-{tahun}.csv\"");
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        text,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "opd.html")]
struct OpdPage {
    c: Chrome,
    opds: Vec<domain::kamus::Opd>,
    can_manage: bool,
    errors: Vec<String>,
    invalid: Vec<String>,
    form_code: String,
    form_name: String,
}

impl OpdPage {
    fn bad(&self, field: &str) -> bool {
        self.invalid.iter().any(|f| f == field)
    }
}

async fn opd_page(ctx: &mut PageCtx) -> AppResult<OpdPage> {
    let pemda = ctx.require_user()?.pemda.clone();
    let can_manage = domain::authorize(&ctx.actor(), Action::ManageMasterData, &Resource::pemda(pemda.clone())).is_ok();
    if can_manage {
        ctx.ensure_csrf().await?;
    }
    Ok(OpdPage {
        opds: ctx.state.store.opds(&pemda).await?,
        c: Chrome::new(ctx),
        can_manage,
        errors: Vec::new(),
        invalid: Vec::new(),
        form_code: String::new(),
        form_name: String::new(),
    })
}

/// The pemda's OPD as Excel, to whoever may see the page.
async fn opd_xlsx(ctx: PageCtx) -> AppResult<Response> {
    use reports::xlsx::{Book, Cell};
    let pemda = ctx.require_user()?.pemda.clone();
    let mut book = Book::new();
    book.sheet(ctx.tr.t("xlsx.opd"), &crate::views::xlsx::headers(&ctx.tr, &["xlsx.code", "xlsx.name"]))?;
    for opd in ctx.state.store.opds(&pemda).await? {
        book.row(&[Cell::Text(opd.code), Cell::Text(opd.name)])?;
    }
    Ok(crate::views::xlsx::download(&format!("opd-{pemda}"), crate::views::xlsx::finish(book).await?))
}

/// A year's kamus usulan as Excel, prices as rupiah.
async fn kamus_xlsx(ctx: PageCtx, Query(query): Query<YearQuery>) -> AppResult<Response> {
    use reports::xlsx::{Book, Cell};
    let pemda = ctx.require_user()?.pemda.clone();
    let tahun = year_of(&ctx.state, &pemda, query.tahun.as_deref()).await?;
    let tr = ctx.tr;
    let keys = [
        "xlsx.kamus_code",
        "xlsx.name",
        "xlsx.unit",
        "xlsx.unit_price",
        "xlsx.opd",
        "xlsx.bidang",
        "xlsx.fisik",
        "xlsx.sub_kegiatan_code",
    ];
    let mut book = Book::new();
    book.sheet(tr.t("import.sheet_kamus"), &crate::views::xlsx::headers(&tr, &keys))?;
    for item in ctx.state.store.kamus(&pemda, tahun).await? {
        book.row(&[
            Cell::Text(item.code),
            Cell::Text(item.name),
            Cell::Text(item.unit),
            Cell::Rupiah(item.unit_price),
            Cell::Text(item.opd_code),
            Cell::from(tr.bidang(item.bidang)),
            Cell::from(if item.fisik { tr.t("xlsx.yes") } else { tr.t("xlsx.no") }),
            Cell::Text(item.sub_kegiatan.unwrap_or_default()),
        ])?;
    }
    Ok(crate::views::xlsx::download(&format!("kamus-{pemda}-{tahun}"), crate::views::xlsx::finish(book).await?))
}

/// The RPJMD priorities as Excel, one row per sasaran.
async fn priority_xlsx(ctx: PageCtx) -> AppResult<Response> {
    use reports::xlsx::{Book, Cell};
    let pemda = ctx.require_user()?.pemda.clone();
    let mut book = Book::new();
    let keys = ["xlsx.code", "xlsx.name", "xlsx.sasaran"];
    book.sheet(ctx.tr.t("xlsx.priorities"), &crate::views::xlsx::headers(&ctx.tr, &keys))?;
    for p in ctx.state.store.priorities(&pemda).await? {
        if p.sasaran.is_empty() {
            book.row(&[Cell::Text(p.code.clone()), Cell::Text(p.name.clone()), Cell::Empty])?;
        }
        for sasaran in &p.sasaran {
            book.row(&[Cell::Text(p.code.clone()), Cell::Text(p.name.clone()), Cell::Text(sasaran.clone())])?;
        }
    }
    Ok(crate::views::xlsx::download(&format!("prioritas-{pemda}"), crate::views::xlsx::finish(book).await?))
}

async fn opd_list(mut ctx: PageCtx) -> AppResult<OpdPage> {
    opd_page(&mut ctx).await
}

#[derive(Deserialize)]
struct OpdForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
}

async fn opd_create(mut ctx: PageCtx, Form(form): Form<OpdForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let pemda = ctx.require_user()?.pemda.clone();
    ctx.authorize(Action::ManageMasterData, &Resource::pemda(pemda.clone())).await?;
    let command =
        Command::MasterData(MasterDataCommand::CreateOpd { pemda, code: form.code.clone(), name: form.name.clone() });
    match ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await {
        Ok(_) => {
            ctx.set_flash(ctx.tr.f("opd.created", &[("code", form.code.trim())])).await?;
            Ok(Redirect::to("/opd").into_response())
        }
        Err(error) => {
            let error = AppError::from(error);
            let invalid = invalid_fields(&error);
            let errors = form_errors(&ctx.tr, error)?;
            let mut page = opd_page(&mut ctx).await?;
            page.errors = errors;
            page.invalid = invalid;
            page.form_code = form.code;
            page.form_name = form.name;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

struct KamusRow {
    code: String,
    name: String,
    unit: String,
    unit_price: String,
    opd_code: String,
    opd_name: String,
    bidang: &'static str,
    fisik: &'static str,
    sub_kegiatan: String,
}

#[derive(Deserialize, Default)]
struct KamusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    tahun_anggaran: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    unit_price: String,
    #[serde(default)]
    opd_code: String,
    #[serde(default)]
    bidang: String,
    #[serde(default)]
    fisik: String,
    #[serde(default)]
    sub_kegiatan: String,
}

/// Which of the kamus page's forms the errors belong to.
#[derive(PartialEq, Eq)]
enum KamusFailed {
    Nothing,
    Item,
    Upload,
}

#[derive(Template, WebTemplate)]
#[template(path = "kamus.html")]
struct KamusPage {
    c: Chrome,
    tahun: i32,
    cycle_years: Vec<i32>,
    items: Vec<KamusRow>,
    opds: Vec<(String, String)>,
    bidang: Vec<(&'static str, &'static str)>,
    can_manage: bool,
    errors: Vec<String>,
    failed: KamusFailed,
    invalid: Vec<String>,
    form: KamusForm,
}

impl KamusPage {
    fn bad(&self, field: &str) -> bool {
        self.invalid.iter().any(|f| f == field)
    }

    fn failed_item(&self) -> bool {
        self.failed == KamusFailed::Item
    }

    fn failed_upload(&self) -> bool {
        self.failed == KamusFailed::Upload
    }
}

fn bidang_options(tr: &Tr) -> Vec<(&'static str, &'static str)> {
    Bidang::ALL.iter().map(|b| (b.as_str(), tr.bidang(*b))).collect()
}

async fn kamus_page(ctx: &mut PageCtx, tahun: i32) -> AppResult<KamusPage> {
    let pemda = ctx.require_user()?.pemda.clone();
    let can_manage = domain::authorize(&ctx.actor(), Action::ManageMasterData, &Resource::pemda(pemda.clone())).is_ok();
    if can_manage {
        ctx.ensure_csrf().await?;
    }
    let tr = ctx.tr;
    let store = &ctx.state.store;
    let opds: Vec<(String, String)> = store.opds(&pemda).await?.into_iter().map(|o| (o.code, o.name)).collect();
    let opd_name = |code: &str| opds.iter().find(|(c, _)| c == code).map(|(_, n)| n.clone()).unwrap_or_default();
    let items = store
        .kamus(&pemda, tahun)
        .await?
        .into_iter()
        .map(|item| KamusRow {
            opd_name: opd_name(&item.opd_code),
            unit_price: tr.rupiah(item.unit_price),
            bidang: tr.bidang(item.bidang),
            fisik: if item.fisik { tr.t("kamus.fisik_yes") } else { tr.t("kamus.fisik_no") },
            sub_kegiatan: item.sub_kegiatan.unwrap_or_default(),
            code: item.code,
            name: item.name,
            unit: item.unit,
            opd_code: item.opd_code,
        })
        .collect();
    let mut cycle_years: Vec<i32> = store.cycles(&pemda).await?.iter().map(|c| c.tahun_anggaran).collect();
    cycle_years.retain(|y| *y != tahun);
    let form = KamusForm {
        tahun_anggaran: tahun.to_string(),
        bidang: Bidang::InfrastrukturKewilayahan.as_str().into(),
        fisik: "ya".into(),
        ..KamusForm::default()
    };
    Ok(KamusPage {
        c: Chrome::new(ctx),
        tahun,
        cycle_years,
        items,
        opds,
        bidang: bidang_options(&tr),
        can_manage,
        errors: Vec::new(),
        failed: KamusFailed::Nothing,
        invalid: Vec::new(),
        form,
    })
}

#[derive(Deserialize)]
struct YearQuery {
    tahun: Option<String>,
}

async fn kamus_list(mut ctx: PageCtx, Query(query): Query<YearQuery>) -> AppResult<KamusPage> {
    let pemda = ctx.require_user()?.pemda.clone();
    let tahun = year_of(&ctx.state, &pemda, query.tahun.as_deref()).await?;
    kamus_page(&mut ctx, tahun).await
}

async fn kamus_download(ctx: PageCtx, Query(query): Query<YearQuery>) -> AppResult<Response> {
    let pemda = ctx.require_user()?.pemda.clone();
    let tahun = year_of(&ctx.state, &pemda, query.tahun.as_deref()).await?;
    kamus_csv_response(&ctx.state, &pemda, tahun).await
}

/// Shows the kamus page again with the errors beside the form that failed.
async fn kamus_refused(
    mut ctx: PageCtx,
    tahun: Option<i32>,
    error: AppError,
    failed: KamusFailed,
    form: Option<KamusForm>,
) -> AppResult<Response> {
    let invalid = invalid_fields(&error);
    let mut errors = Vec::new();
    if failed == KamusFailed::Upload {
        errors.push(ctx.tr.t("region.upload_refused").to_string());
    }
    errors.extend(form_errors(&ctx.tr, error)?);
    let pemda = ctx.require_user()?.pemda.clone();
    let tahun = match tahun {
        Some(tahun) => tahun,
        None => default_year(&ctx.state, &pemda).await?,
    };
    let mut page = kamus_page(&mut ctx, tahun).await?;
    page.errors = errors;
    page.failed = failed;
    page.invalid = invalid;
    if let Some(form) = form {
        page.form = KamusForm { csrf: String::new(), ..form };
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn kamus_add(ctx: PageCtx, Form(form): Form<KamusForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let pemda = ctx.require_user()?.pemda.clone();
    ctx.authorize(Action::ManageMasterData, &Resource::pemda(pemda.clone())).await?;
    let tahun = match parse_year(&form.tahun_anggaran) {
        Ok(tahun) => tahun,
        Err(error) => return kamus_refused(ctx, None, error, KamusFailed::Item, Some(form)).await,
    };
    let input = KamusInput {
        code: form.code.clone(),
        name: form.name.clone(),
        unit: form.unit.clone(),
        unit_price: form.unit_price.clone(),
        opd_code: form.opd_code.clone(),
        bidang: form.bidang.clone(),
        fisik: form.fisik.clone(),
        sub_kegiatan: form.sub_kegiatan.clone(),
    };
    let command = Command::MasterData(MasterDataCommand::UpsertKamus {
        pemda,
        tahun_anggaran: tahun,
        items: vec![input],
        batch: false,
    });
    match ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await {
        Ok(_) => {
            let message = ctx.tr.f("kamus.saved", &[("code", form.code.trim()), ("tahun", tahun.to_string().as_str())]);
            ctx.set_flash(message).await?;
            Ok(Redirect::to(&format!("/kamus?tahun={tahun}")).into_response())
        }
        Err(error) => kamus_refused(ctx, Some(tahun), error.into(), KamusFailed::Item, Some(form)).await,
    }
}

async fn kamus_upload(ctx: PageCtx, multipart: Multipart) -> AppResult<Response> {
    let upload =
        super::read_upload(multipart, "file", AppError::invalid("file", Rule::Format { expected: "csv" })).await?;
    ctx.check_csrf(upload.text("csrf"))?;
    let tahun_text = upload.text("tahun_anggaran").to_string();
    let file = upload.file;
    let pemda = ctx.require_user()?.pemda.clone();
    ctx.authorize(Action::ManageMasterData, &Resource::pemda(pemda.clone())).await?;
    let tahun = match parse_year(&tahun_text) {
        Ok(tahun) => tahun,
        Err(error) => return kamus_refused(ctx, None, error, KamusFailed::Upload, None).await,
    };
    let rows = match file.filter(|f| !f.is_empty()) {
        None => Err(AppError::invalid("file", Rule::Required)),
        Some(bytes) => kamus_csv::parse(&bytes).map_err(AppError::Invalid),
    };
    let result = match rows {
        Ok(items) => {
            let count = items.len();
            let command = Command::MasterData(MasterDataCommand::UpsertKamus {
                pemda,
                tahun_anggaran: tahun,
                items,
                batch: true,
            });
            ctx.state
                .store
                .execute(&ctx.actor(), &command, OffsetDateTime::now_utc())
                .await
                .map(|_| count)
                .map_err(AppError::from)
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(count) => {
            let message = ctx.tr.f(
                "kamus.uploaded",
                &[("count", ctx.tr.number(count as i64).as_str()), ("tahun", tahun.to_string().as_str())],
            );
            ctx.set_flash(message).await?;
            Ok(Redirect::to(&format!("/kamus?tahun={tahun}")).into_response())
        }
        Err(error) => kamus_refused(ctx, Some(tahun), error, KamusFailed::Upload, None).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "priorities.html")]
struct PrioritiesPage {
    c: Chrome,
    priorities: Vec<domain::rpjmd::Priority>,
    can_manage: bool,
    errors: Vec<String>,
    invalid: Vec<String>,
    form: PriorityForm,
}

impl PrioritiesPage {
    fn bad(&self, field: &str) -> bool {
        self.invalid.iter().any(|f| f == field || f.starts_with(&format!("{field}[")))
    }
}

#[derive(Deserialize, Default)]
struct PriorityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    sasaran: String,
}

async fn priorities_page(ctx: &mut PageCtx, form: PriorityForm) -> AppResult<PrioritiesPage> {
    let pemda = ctx.require_user()?.pemda.clone();
    let can_manage = domain::authorize(&ctx.actor(), Action::ManageMasterData, &Resource::pemda(pemda.clone())).is_ok();
    if can_manage {
        ctx.ensure_csrf().await?;
    }
    Ok(PrioritiesPage {
        priorities: ctx.state.store.priorities(&pemda).await?,
        c: Chrome::new(ctx),
        can_manage,
        errors: Vec::new(),
        invalid: Vec::new(),
        form: PriorityForm { csrf: String::new(), ..form },
    })
}

async fn priority_list(mut ctx: PageCtx) -> AppResult<PrioritiesPage> {
    priorities_page(&mut ctx, PriorityForm::default()).await
}

async fn priority_save(mut ctx: PageCtx, Form(form): Form<PriorityForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let pemda = ctx.require_user()?.pemda.clone();
    ctx.authorize(Action::ManageMasterData, &Resource::pemda(pemda.clone())).await?;
    let input = PriorityInput { code: form.code.clone(), name: form.name.clone(), sasaran: form.sasaran.clone() };
    let command = Command::MasterData(MasterDataCommand::SavePriority { pemda, input });
    match ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await {
        Ok(_) => {
            ctx.set_flash(ctx.tr.f("priority.saved", &[("code", form.code.trim())])).await?;
            Ok(Redirect::to("/prioritas").into_response())
        }
        Err(error) => {
            let error = AppError::from(error);
            let invalid = invalid_fields(&error);
            let errors = form_errors(&ctx.tr, error)?;
            let mut page = priorities_page(&mut ctx, form).await?;
            page.errors = errors;
            page.invalid = invalid;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
