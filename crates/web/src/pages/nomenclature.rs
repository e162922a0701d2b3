//! The Kemendagri nomenclature of a tahun anggaran as a tree one level at a time (urusan →
//! bidang urusan → program → kegiatan → sub kegiatan), searchable by code or words, downloadable
//! as CSV, and imported by Bappeda from CSV (all rows or none).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use domain::nomenclature::{NomenclatureItem, NomenclatureLevel};
use domain::{Action, Command, MasterDataCommand, RegionCode, Resource, Rule};
use reports::nomenclature_csv;
use serde::Deserialize;
use time::OffsetDateTime;

use super::{Chrome, form_errors};
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::nomenclature::{NomenclatureLevelView, nomenclature_level};
use crate::views::schedule::{default_year, parse_year, year_of};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/nomenklatur", get(nomenclature_page))
        .route("/nomenklatur.csv", get(nomenclature_download).post(nomenclature_upload))
        .route("/nomenklatur.xlsx", get(nomenclature_xlsx))
}

struct Entry {
    code: String,
    level: &'static str,
    name: String,
    indicator: String,
    unit: String,
    /// Whether it has a level below to open.
    opens: bool,
}

impl Entry {
    fn of(item: &NomenclatureItem, level_name: impl Fn(NomenclatureLevel) -> &'static str) -> Entry {
        let level = item.level().unwrap_or(NomenclatureLevel::SubKegiatan);
        Entry {
            code: item.code.clone(),
            level: level_name(level),
            name: item.name.clone(),
            indicator: item.indicator.clone(),
            unit: item.unit.clone(),
            opens: level != NomenclatureLevel::SubKegiatan,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "nomenclature.html")]
struct NomenclaturePage {
    c: Chrome,
    tahun: i32,
    cycle_years: Vec<i32>,
    total: String,
    path: Vec<Entry>,
    items: Vec<Entry>,
    query: String,
    searched: bool,
    /// The code whose children are shown ("" at the top).
    parent: String,
    can_manage: bool,
    errors: Vec<String>,
}

#[derive(Deserialize)]
struct NomenclatureQuery {
    tahun: Option<String>,
    kode: Option<String>,
    q: Option<String>,
}

async fn render(
    ctx: &mut PageCtx,
    tahun: i32,
    view: NomenclatureLevelView,
    errors: Vec<String>,
) -> AppResult<NomenclaturePage> {
    let pemda = ctx.require_user()?.pemda.clone();
    let can_manage = domain::authorize(&ctx.actor(), Action::ManageMasterData, &Resource::pemda(pemda.clone())).is_ok();
    if can_manage {
        ctx.ensure_csrf().await?;
    }
    let tr = ctx.tr;
    let level_name = |level: NomenclatureLevel| tr.t(&format!("nomenclature.level.{}", level.as_str()));
    let mut cycle_years: Vec<i32> = ctx.state.store.cycles(&pemda).await?.iter().map(|c| c.tahun_anggaran).collect();
    cycle_years.retain(|y| *y != tahun);
    Ok(NomenclaturePage {
        tahun,
        cycle_years,
        total: tr.number(i64::try_from(view.total).unwrap_or(i64::MAX)),
        parent: view.path.last().map(|p| p.code.clone()).unwrap_or_default(),
        path: view.path.iter().map(|i| Entry::of(i, level_name)).collect(),
        items: view.items.iter().map(|i| Entry::of(i, level_name)).collect(),
        searched: view.query.is_some(),
        query: view.query.unwrap_or_default(),
        can_manage,
        errors,
        c: Chrome::new(ctx),
    })
}

async fn nomenclature_page(mut ctx: PageCtx, Query(query): Query<NomenclatureQuery>) -> AppResult<NomenclaturePage> {
    let pemda = ctx.require_user()?.pemda.clone();
    let tahun = year_of(&ctx.state, &pemda, query.tahun.as_deref()).await?;
    let view = nomenclature_level(&ctx.state, &pemda, tahun, query.kode.as_deref(), query.q.as_deref()).await?;
    render(&mut ctx, tahun, view, Vec::new()).await
}

async fn nomenclature_download(ctx: PageCtx, Query(query): Query<NomenclatureQuery>) -> AppResult<Response> {
    let pemda = ctx.require_user()?.pemda.clone();
    let tahun = year_of(&ctx.state, &pemda, query.tahun.as_deref()).await?;
    csv_response(&ctx.state, &pemda, tahun).await
}

/// The whole list of a year, every level, in code order, as the CSV its upload takes.
/// A year's nomenclature as Excel, beside the CSV the import takes.
async fn nomenclature_xlsx(ctx: PageCtx, Query(query): Query<NomenclatureQuery>) -> AppResult<Response> {
    use reports::xlsx::{Book, Cell};
    let pemda = ctx.require_user()?.pemda.clone();
    let tahun = year_of(&ctx.state, &pemda, query.tahun.as_deref()).await?;
    let keys = ["xlsx.code", "xlsx.level", "xlsx.name", "xlsx.indicator", "xlsx.unit"];
    let mut book = Book::new();
    book.sheet(&format!("Nomenklatur {tahun}"), &crate::views::xlsx::headers(&ctx.tr, &keys))?;
    for item in ctx.state.store.nomenclature_all(&pemda, tahun).await? {
        let level = item
            .level()
            .map(|l| ctx.tr.t(&format!("nomenclature.level.{}", l.as_str())).to_string())
            .unwrap_or_default();
        book.row(&[
            Cell::Text(item.code),
            Cell::Text(level),
            Cell::Text(item.name),
            Cell::Text(item.indicator),
            Cell::Text(item.unit),
        ])?;
    }
    let file = format!("nomenklatur-{pemda}-{tahun}");
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

async fn csv_response(state: &AppState, pemda: &RegionCode, tahun: i32) -> AppResult<Response> {
    let text = nomenclature_csv::write(&state.store.nomenclature_all(pemda, tahun).await?);
    let disposition = format!("attachment; filename=\"nomenklatur-{pemda}-{tahun}.csv\"");
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        text,
    )
        .into_response())
}

async fn nomenclature_upload(mut ctx: PageCtx, multipart: Multipart) -> AppResult<Response> {
    let upload =
        super::read_upload(multipart, "file", AppError::invalid("file", Rule::Format { expected: "csv" })).await?;
    ctx.check_csrf(upload.text("csrf"))?;
    let pemda = ctx.require_user()?.pemda.clone();
    ctx.authorize(Action::ManageMasterData, &Resource::pemda(pemda.clone())).await?;
    let asked = parse_year(upload.text("tahun_anggaran"));
    let result = match (&asked, upload.file.filter(|f| !f.is_empty())) {
        (Err(error), _) => Err(error.clone()),
        (Ok(_), None) => Err(AppError::invalid("file", Rule::Required)),
        (Ok(tahun), Some(bytes)) => match nomenclature_csv::parse(&bytes) {
            Err(errors) => Err(AppError::Invalid(errors)),
            Ok(rows) => {
                let count = rows.len();
                let command = Command::MasterData(MasterDataCommand::ImportNomenclature {
                    pemda: pemda.clone(),
                    tahun_anggaran: *tahun,
                    rows,
                });
                ctx.state
                    .store
                    .execute(&ctx.actor(), &command, OffsetDateTime::now_utc())
                    .await
                    .map(|_| count)
                    .map_err(AppError::from)
            }
        },
    };
    let tahun = match asked {
        Ok(tahun) => tahun,
        Err(_) => default_year(&ctx.state, &pemda).await?,
    };
    match result {
        Ok(count) => {
            let message = ctx.tr.f(
                "nomenclature.uploaded",
                &[("count", ctx.tr.number(count as i64).as_str()), ("tahun", tahun.to_string().as_str())],
            );
            ctx.set_flash(message).await?;
            Ok(Redirect::to(&format!("/nomenklatur?tahun={tahun}")).into_response())
        }
        Err(error) => {
            let mut errors = vec![ctx.tr.t("region.upload_refused").to_string()];
            errors.extend(form_errors(&ctx.tr, error)?);
            let view = nomenclature_level(&ctx.state, &pemda, tahun, None, None).await?;
            let page = render(&mut ctx, tahun, view, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
