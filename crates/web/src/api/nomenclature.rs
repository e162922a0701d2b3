//! The Kemendagri nomenclature of the caller's pemda per tahun anggaran: a level of the tree (the
//! urusan, or what lies under a code, with the path above it), a search by code or words, and
//! the CSV import (all rows or none). Read by any user of the pemda; imported by Bappeda admins.

use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::nomenclature::{NomenclatureItem, NomenclatureLevel};
use domain::{Action, Command, MasterDataCommand, RegionCode, Resource};
use reports::nomenclature_csv;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::schema;
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::nomenclature::{NomenclatureLevelView, nomenclature_level};
use crate::views::schedule::{parse_year, year_of};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(nomenclature_list)).routes(routes!(nomenclature_import))
}

#[derive(Serialize, ToSchema)]
pub struct NomenclatureItemJson {
    pub code: String,
    /// `urusan`, `bidang_urusan`, `program`, `kegiatan` or `sub_kegiatan`.
    pub level: &'static str,
    pub name: String,
    /// The output indicator (sub kegiatan; empty otherwise unless given).
    pub indicator: String,
    pub unit: String,
}

impl From<&NomenclatureItem> for NomenclatureItemJson {
    fn from(item: &NomenclatureItem) -> Self {
        NomenclatureItemJson {
            code: item.code.clone(),
            level: item.level().unwrap_or(NomenclatureLevel::SubKegiatan).as_str(),
            name: item.name.clone(),
            indicator: item.indicator.clone(),
            unit: item.unit.clone(),
        }
    }
}

/// A level of the nomenclature, or what a search found.
#[derive(Serialize, ToSchema)]
pub struct NomenclatureJson {
    pub tahun_anggaran: i32,
    /// How many entries the year's list holds in all.
    pub total: u64,
    /// The entries above the level shown, from the urusan down, the one asked for last (empty
    /// for the urusan or a search).
    pub path: Vec<NomenclatureItemJson>,
    /// The entries under the one asked for, or those a search found (at most 100), in code order.
    pub items: Vec<NomenclatureItemJson>,
}

impl From<NomenclatureLevelView> for NomenclatureJson {
    fn from(view: NomenclatureLevelView) -> Self {
        NomenclatureJson {
            tahun_anggaran: view.tahun_anggaran,
            total: view.total,
            path: view.path.iter().map(NomenclatureItemJson::from).collect(),
            items: view.items.iter().map(NomenclatureItemJson::from).collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
struct NomenclatureQuery {
    /// The tahun anggaran; by default that of the newest cycle (next year when there is none).
    #[param(value_type = schema::YearFilter, inline, required = false)]
    tahun: Option<String>,
    /// The entry whose children to show; the urusan when left out.
    #[param(value_type = schema::OptionalNomenclatureCode, inline, required = false)]
    parent: Option<String>,
    /// Words (all must appear in code, name or indicator, any case) or the start of a code;
    /// when given, `parent` is ignored.
    #[param(value_type = schema::LookupText, inline, required = false)]
    q: Option<String>,
}

/// The caller's pemda: every read and write here is about it.
fn own_pemda(ctx: &ApiCtx) -> AppResult<RegionCode> {
    Ok(ctx.require_user()?.pemda.clone())
}

/// A level of the nomenclature of one tahun anggaran: the urusan, or the children of `parent`
/// with the path above them; or, with `q`, what a search finds. An unknown `parent` is 404.
#[utoipa::path(get, path = "/api/v1/nomenclature", tag = "master data", security(("bearer" = [])),
    params(NomenclatureQuery), responses((status = 200, body = NomenclatureJson), (status = 404, description = "The member, cycle or parent it names is not there.", body = super::Problem)))]
async fn nomenclature_list(ctx: ApiCtx, Query(query): Query<NomenclatureQuery>) -> AppResult<Json<NomenclatureJson>> {
    let pemda = own_pemda(&ctx)?;
    let tahun = year_of(&ctx.state, &pemda, query.tahun.as_deref()).await?;
    let view = nomenclature_level(&ctx.state, &pemda, tahun, query.parent.as_deref(), query.q.as_deref()).await?;
    Ok(Json(view.into()))
}

#[derive(Deserialize, IntoParams)]
struct RequiredYear {
    /// The tahun anggaran the rows belong to.
    #[param(value_type = schema::Year, inline)]
    tahun: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NomenclatureImportResult {
    pub tahun_anggaran: i32,
    /// How many entries were added or replaced.
    pub imported: usize,
}

/// Adds or replaces nomenclature entries of one tahun anggaran from CSV (`kode,nama,indikator,satuan`
/// or `code,name,indicator,unit`, with a header line; indicator and unit required for each sub
/// kegiatan; each row's parent stored or earlier in the file): all rows or none; a refusal lists
/// every broken row as `rows[i]`. Entries are never removed by an import. Bappeda admins only.
#[utoipa::path(post, path = "/api/v1/nomenclature/import", tag = "master data", security(("bearer" = [])),
    params(RequiredYear), request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = NomenclatureImportResult)))]
async fn nomenclature_import(
    ctx: ApiCtx,
    Query(query): Query<RequiredYear>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let pemda = own_pemda(&ctx)?;
    ctx.authorize(Action::ManageMasterData, &Resource::pemda(pemda.clone())).await?;
    let tahun = parse_year(query.tahun.as_deref().unwrap_or(""))?;
    let rows = nomenclature_csv::parse(&body).map_err(AppError::Invalid)?;
    let imported = rows.len();
    let command = Command::MasterData(MasterDataCommand::ImportNomenclature { pemda, tahun_anggaran: tahun, rows });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    Ok((StatusCode::CREATED, Json(NomenclatureImportResult { tahun_anggaran: tahun, imported })).into_response())
}
