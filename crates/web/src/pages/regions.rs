//! The region browser (public) and, for Bappeda, adding lingkungan one at a time or by CSV.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Multipart, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::regions::AddLingkungan;
use domain::{Action, Command, Region, RegionCode, RegionCommand, RegionEvent, Resource};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{Chrome, form_errors, names_field};
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::regions::lingkungan_csv_response;
use reports::lingkungan_csv;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/regions/{code}", get(show))
        .route("/regions/{code}/lingkungan", post(add))
        .route("/regions/{code}/lingkungan.csv", get(download).post(upload))
        .route("/regions/{code}/lingkungan.xlsx", get(download_xlsx))
}

struct Child {
    code: String,
    name: String,
    level: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "region.html")]
struct RegionPage {
    c: Chrome,
    region: Region,
    level: &'static str,
    crumbs: Vec<(String, String)>,
    children: Vec<Child>,
    next: Option<String>,
    can_add: bool,
    can_upload: bool,
    errors: Vec<String>,
    form_number: String,
    form_name: String,
    number_invalid: bool,
    name_invalid: bool,
}

#[derive(Deserialize)]
struct Paging {
    after: Option<String>,
}

/// Parses a code from the URL; a malformed one is simply not found.
fn path_code(code: &str) -> AppResult<RegionCode> {
    RegionCode::parse(code).map_err(|_| AppError::NotFound)
}

async fn region_page(ctx: &mut PageCtx, code: &RegionCode, after: Option<&str>) -> AppResult<RegionPage> {
    let store = &ctx.state.store;
    let region = store.region(code).await?.ok_or(AppError::NotFound)?;
    let mut crumbs = Vec::new();
    let mut ancestor = code.parent();
    while let Some(parent) = ancestor {
        if parent.depth() >= 2
            && let Some(found) = store.region(&parent).await?
        {
            crumbs.push((format!("/regions/{}", found.code), found.name));
        }
        ancestor = parent.parent();
    }
    crumbs.reverse();
    let children = store.children(code, after).await?;
    let next =
        (children.len() as u64 >= store::PAGE_MAX).then(|| children.last().map(|c| c.code.to_string())).flatten();
    let tr = ctx.tr;
    let may_add = Resource::region(code.clone())
        .is_some_and(|resource| domain::authorize(&ctx.actor(), Action::AddLingkungan, &resource).is_ok());
    let can_add = may_add && region.level.is_village();
    let can_upload = may_add && (region.level.is_village() || region.level.is_pemda());
    if can_upload {
        ctx.ensure_csrf().await?;
    }
    Ok(RegionPage {
        c: Chrome::new(ctx),
        level: tr.level(region.level),
        region,
        crumbs,
        children: children
            .into_iter()
            .map(|c| Child { code: c.code.to_string(), name: c.name, level: tr.level(c.level) })
            .collect(),
        next,
        can_add,
        can_upload,
        errors: Vec::new(),
        form_number: String::new(),
        form_name: String::new(),
        number_invalid: false,
        name_invalid: false,
    })
}

async fn show(mut ctx: PageCtx, Path(code): Path<String>, Query(paging): Query<Paging>) -> AppResult<RegionPage> {
    let code = path_code(&code)?;
    region_page(&mut ctx, &code, paging.after.as_deref()).await
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    name: String,
}

async fn add(mut ctx: PageCtx, Path(code): Path<String>, Form(form): Form<AddForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let code = path_code(&code)?;
    ctx.require_user()?;
    let command = Command::Regions(RegionCommand::AddLingkungan(AddLingkungan {
        kelurahan: code.to_string(),
        number: form.number.clone(),
        name: form.name.clone(),
    }));
    match ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await {
        Ok(events) => {
            let added = match events.first() {
                Some(domain::Event::Regions(RegionEvent::LingkunganAdded { code, .. })) => code.to_string(),
                _ => String::new(),
            };
            ctx.set_flash(ctx.tr.f("region.added", &[("code", &added)])).await?;
            Ok(Redirect::to(&format!("/regions/{code}")).into_response())
        }
        Err(error) => {
            let error = AppError::from(error);
            let (number_invalid, name_invalid) = (names_field(&error, "number"), names_field(&error, "name"));
            let errors = form_errors(&ctx.tr, error)?;
            let mut page = region_page(&mut ctx, &code, None).await?;
            page.errors = errors;
            page.form_number = form.number;
            page.form_name = form.name;
            page.number_invalid = number_invalid;
            page.name_invalid = name_invalid;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// The lingkungan at or below a region as Excel, beside the CSV the import takes.
async fn download_xlsx(ctx: PageCtx, Path(code): Path<String>) -> AppResult<Response> {
    use reports::xlsx::{Book, Cell};
    let code = RegionCode::parse(&code).map_err(|_| AppError::NotFound)?;
    if ctx.state.store.region(&code).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let mut book = Book::new();
    book.sheet(
        ctx.tr.t("import.sheet_lingkungan"),
        &crate::views::xlsx::headers(&ctx.tr, &["xlsx.lingkungan_code", "xlsx.lingkungan"]),
    )?;
    for region in ctx.state.store.lingkungan_within(&code).await? {
        book.row(&[Cell::Text(region.code.to_string()), Cell::Text(region.name)])?;
    }
    Ok(crate::views::xlsx::download(&format!("lingkungan-{code}"), crate::views::xlsx::finish(book).await?))
}

async fn download(ctx: PageCtx, Path(code): Path<String>) -> AppResult<Response> {
    lingkungan_csv_response(&ctx.state, &code).await
}

async fn upload(mut ctx: PageCtx, Path(code): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let code = path_code(&code)?;
    let upload = super::read_upload(multipart, "file", AppError::invalid("file", domain::Rule::Required)).await?;
    ctx.check_csrf(upload.text("csrf"))?;
    let file = upload.file;
    ctx.require_user()?;
    let result = match file.filter(|f| !f.is_empty()) {
        None => Err(AppError::invalid("file", domain::Rule::Required)),
        Some(bytes) => match lingkungan_csv::parse(&bytes, Some(&code)).map_err(AppError::Invalid) {
            Err(error) => Err(error),
            Ok(rows) => {
                let count = rows.len();
                ctx.state
                    .store
                    .execute(
                        &ctx.actor(),
                        &Command::Regions(RegionCommand::AddLingkunganBatch(rows)),
                        OffsetDateTime::now_utc(),
                    )
                    .await
                    .map(|_| count)
                    .map_err(AppError::from)
            }
        },
    };
    match result {
        Ok(count) => {
            ctx.set_flash(ctx.tr.f("region.uploaded", &[("count", &ctx.tr.number(count as i64))])).await?;
            Ok(Redirect::to(&format!("/regions/{code}")).into_response())
        }
        Err(error) => {
            let mut errors = vec![ctx.tr.t("region.upload_refused").to_string()];
            errors.extend(form_errors(&ctx.tr, error)?);
            let mut page = region_page(&mut ctx, &code, None).await?;
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
