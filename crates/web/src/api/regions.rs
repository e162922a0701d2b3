//! Regions: read by anyone; lingkungan added by Bappeda, one at a time or from CSV.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::regions::AddLingkungan;
use domain::{Command, Event, Region, RegionCode, RegionCommand, RegionEvent};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiJson;
use super::schema::{self, ImportScopePath, RegionPath, VillagePath};
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use reports::lingkungan_csv;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(region))
        .routes(routes!(children))
        .routes(routes!(add_lingkungan))
        .routes(routes!(import_lingkungan))
        .routes(routes!(export_lingkungan))
}

#[derive(Serialize, ToSchema)]
pub struct RegionJson {
    /// Kemendagri code, dotted (`12.71.01.1001`); lingkungan add a local number (`.001`).
    code: String,
    name: String,
    /// `provinsi`, `kabupaten`, `kota`, `kecamatan`, `kelurahan`, `desa` or `lingkungan`.
    level: &'static str,
}

impl From<Region> for RegionJson {
    fn from(region: Region) -> Self {
        RegionJson { code: region.code.to_string(), name: region.name, level: region.level.as_str() }
    }
}

fn parse_code(code: &str) -> AppResult<RegionCode> {
    RegionCode::parse(code).map_err(|e| AppError::invalid("code", e.into()))
}

/// One region of any level.
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "regions", security((), ("bearer" = [])),
    params(RegionPath), responses((status = 200, body = RegionJson)))]
async fn region(ctx: ApiCtx, Path(RegionPath { code }): Path<RegionPath>) -> AppResult<Json<RegionJson>> {
    let code = parse_code(&code)?;
    let region = ctx.state.store.region(&code).await?.ok_or(AppError::NotFound)?;
    Ok(Json(region.into()))
}

#[derive(Deserialize, IntoParams)]
struct Cursor {
    /// Continue after this code (from the `Link: rel="next"` header of the previous page).
    #[param(value_type = schema::LookupText, inline, required = false)]
    after: Option<String>,
}

/// The regions directly below one region, in code order. At most 500 at a time; when there are
/// more, a `Link` header with `rel="next"` gives the next page.
#[utoipa::path(get, path = "/api/v1/regions/{code}/children", tag = "regions", security((), ("bearer" = [])),
    params(RegionPath, Cursor), responses((status = 200, body = Vec<RegionJson>)))]
async fn children(
    ctx: ApiCtx,
    Path(RegionPath { code }): Path<RegionPath>,
    Query(cursor): Query<Cursor>,
) -> AppResult<Response> {
    let code = parse_code(&code)?;
    let store = &ctx.state.store;
    if store.region(&code).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let children = store.children(&code, cursor.after.as_deref()).await?;
    let next =
        (children.len() as u64 >= store::PAGE_MAX).then(|| children.last().map(|c| c.code.to_string())).flatten();
    let body: Vec<RegionJson> = children.into_iter().map(RegionJson::from).collect();
    let mut response = Json(body).into_response();
    if let Some(next) = next
        && let Ok(link) = format!("</api/v1/regions/{code}/children?after={next}>; rel=\"next\"").parse()
    {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

#[derive(Deserialize, ToSchema)]
pub struct NewLingkungan {
    /// The local number, 1–3 digits; the code becomes `<kelurahan>.NNN`.
    #[schema(value_type = schema::LingkunganNumber, inline)]
    number: String,
    /// Unique among the kelurahan's lingkungan.
    #[schema(value_type = schema::Name, inline)]
    name: String,
}

/// Adds a lingkungan (or RW) under a kelurahan or desa. Bappeda admins only.
#[utoipa::path(post, path = "/api/v1/regions/{code}/lingkungan", tag = "regions", security(("bearer" = [])),
    params(VillagePath), request_body = NewLingkungan, responses((status = 201, body = RegionJson)))]
async fn add_lingkungan(
    ctx: ApiCtx,
    Path(VillagePath { code }): Path<VillagePath>,
    ApiJson(input): ApiJson<NewLingkungan>,
) -> AppResult<Response> {
    ctx.require_user()?;
    let code = parse_code(&code)?;
    let command = Command::Regions(RegionCommand::AddLingkungan(AddLingkungan {
        kelurahan: code.to_string(),
        number: input.number,
        name: input.name,
    }));
    let events = ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    match events.into_iter().next() {
        Some(Event::Regions(RegionEvent::LingkunganAdded { code, name })) => {
            let body = RegionJson { code: code.to_string(), name, level: "lingkungan" };
            Ok((StatusCode::CREATED, Json(body)).into_response())
        }
        _ => Err(AppError::broken("adding a lingkungan produced no event")),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    added: usize,
}

/// Adds many lingkungan from CSV (`kelurahan,nomor,nama` with a header line): all rows or none;
/// a refusal lists every broken row.
#[utoipa::path(post, path = "/api/v1/regions/{code}/lingkungan/import", tag = "regions", security(("bearer" = [])),
    params(ImportScopePath), request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportResult)))]
async fn import_lingkungan(
    ctx: ApiCtx,
    Path(ImportScopePath { code }): Path<ImportScopePath>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    ctx.require_user()?;
    let code = parse_code(&code)?;
    let rows = lingkungan_csv::parse(&body, Some(&code)).map_err(AppError::Invalid)?;
    let added = rows.len();
    ctx.state
        .store
        .execute(&ctx.actor(), &Command::Regions(RegionCommand::AddLingkunganBatch(rows)), OffsetDateTime::now_utc())
        .await?;
    Ok((StatusCode::CREATED, Json(ImportResult { added })).into_response())
}

/// Every lingkungan at or below a region as CSV (`kelurahan,nomor,nama`), the form the import takes.
#[utoipa::path(get, path = "/api/v1/regions/{code}/lingkungan.csv", tag = "regions", security((), ("bearer" = [])),
    params(RegionPath), responses((status = 200, content_type = "text/csv", body = String)))]
async fn export_lingkungan(ctx: ApiCtx, Path(RegionPath { code }): Path<RegionPath>) -> AppResult<Response> {
    crate::views::regions::lingkungan_csv_response(&ctx.state, &code).await
}
