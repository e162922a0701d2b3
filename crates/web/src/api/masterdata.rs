//! Master data of the caller's pemda: the perangkat daerah (OPD), the kamus usulan per tahun
//! anggaran and the RPJMD priorities. Read by any user of the pemda; changed by Bappeda admins, one entry, a list, or a
//! CSV at a time (a list or a CSV goes in whole or not at all).

use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::kamus::{KamusInput, KamusItem};
use domain::rpjmd::{Priority, PriorityInput};
use domain::{Action, Command, Event, MasterDataCommand, MasterDataEvent, RegionCode, Resource, Rule};
use reports::kamus_csv;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiJson;
use super::cycles::amount_text;
use super::schema;
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::schedule::{parse_year, year_of};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(opd_list, opd_create))
        .routes(routes!(kamus_list, kamus_post))
        .routes(routes!(kamus_import))
        .routes(routes!(priority_list, priority_save))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct OpdJson {
    /// Letters, digits, dots and hyphens (`1.03.01`); unique in the pemda.
    #[serde(default)]
    #[schema(value_type = schema::Code, inline, required = true)]
    pub code: String,
    #[serde(default)]
    #[schema(value_type = schema::OpdName, inline, required = true)]
    pub name: String,
}

/// The caller's pemda: every read and write here is about it.
fn own_pemda(ctx: &ApiCtx) -> AppResult<RegionCode> {
    Ok(ctx.require_user()?.pemda.clone())
}

/// The caller's pemda, once the caller is known to manage its master data.
async fn managed_pemda(ctx: &ApiCtx) -> AppResult<RegionCode> {
    let pemda = own_pemda(ctx)?;
    ctx.authorize(Action::ManageMasterData, &Resource::pemda(pemda.clone())).await?;
    Ok(pemda)
}

/// The perangkat daerah of the caller's pemda, in code order.
#[utoipa::path(get, path = "/api/v1/opd", tag = "master data", security(("bearer" = [])),
    responses((status = 200, body = Vec<OpdJson>)))]
async fn opd_list(ctx: ApiCtx) -> AppResult<Json<Vec<OpdJson>>> {
    let pemda = own_pemda(&ctx)?;
    let opds = ctx.state.store.opds(&pemda).await?;
    Ok(Json(opds.into_iter().map(|o| OpdJson { code: o.code, name: o.name }).collect()))
}

/// Registers a perangkat daerah. Bappeda admins only.
#[utoipa::path(post, path = "/api/v1/opd", tag = "master data", security(("bearer" = [])), request_body = OpdJson,
    responses((status = 201, body = OpdJson)))]
async fn opd_create(ctx: ApiCtx, ApiJson(input): ApiJson<OpdJson>) -> AppResult<Response> {
    let pemda = managed_pemda(&ctx).await?;
    let command = Command::MasterData(MasterDataCommand::CreateOpd { pemda, code: input.code, name: input.name });
    let events = ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    match events.into_iter().next() {
        Some(Event::MasterData(MasterDataEvent::OpdCreated { code, name })) => {
            Ok((StatusCode::CREATED, Json(OpdJson { code, name })).into_response())
        }
        _ => Err(AppError::broken("creating an OPD produced no event")),
    }
}

#[derive(Serialize, ToSchema)]
pub struct KamusItemJson {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// Whole rupiah per unit.
    pub unit_price: i64,
    pub opd_code: String,
    /// `infrastruktur_kewilayahan`, `ekonomi_sda` or `sosial_budaya_pemerintahan`.
    pub bidang: &'static str,
    /// Physical work (`true`) or not.
    pub fisik: bool,
    /// The sub kegiatan of the nomenclature that funds it, if linked.
    pub sub_kegiatan: Option<String>,
}

impl From<&KamusItem> for KamusItemJson {
    fn from(item: &KamusItem) -> Self {
        KamusItemJson {
            code: item.code.clone(),
            name: item.name.clone(),
            unit: item.unit.clone(),
            unit_price: item.unit_price,
            opd_code: item.opd_code.clone(),
            bidang: item.bidang.as_str(),
            fisik: item.fisik,
            sub_kegiatan: item.sub_kegiatan.clone(),
        }
    }
}

/// A kamus of one tahun anggaran, or the entries of it just saved.
#[derive(Serialize, ToSchema)]
pub struct KamusJson {
    pub tahun_anggaran: i32,
    pub items: Vec<KamusItemJson>,
}

#[derive(Deserialize, IntoParams)]
struct YearQuery {
    /// The tahun anggaran; by default that of the newest cycle (next year when there is none).
    #[param(value_type = schema::YearFilter, inline, required = false)]
    tahun: Option<String>,
}

/// The kamus usulan of one tahun anggaran of the caller's pemda, in code order.
#[utoipa::path(get, path = "/api/v1/kamus", tag = "master data", security(("bearer" = [])), params(YearQuery),
    responses((status = 200, body = KamusJson)))]
async fn kamus_list(ctx: ApiCtx, Query(query): Query<YearQuery>) -> AppResult<Json<KamusJson>> {
    let pemda = own_pemda(&ctx)?;
    let tahun = year_of(&ctx.state, &pemda, query.tahun.as_deref()).await?;
    let items = ctx.state.store.kamus(&pemda, tahun).await?;
    Ok(Json(KamusJson { tahun_anggaran: tahun, items: items.iter().map(KamusItemJson::from).collect() }))
}

/// One kamus entry as sent.
#[derive(Deserialize, Default, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct KamusItemInput {
    /// For a single entry: its tahun anggaran (or give `?tahun=`). In a list, the list's, if
    /// given: a row of another year is refused.
    #[schema(value_type = schema::OptionalYear, inline)]
    #[serde(deserialize_with = "schema::optional_whole")]
    tahun_anggaran: Option<i32>,
    /// Unique in the tahun anggaran; an entry with the code of one saved before replaces it.
    #[schema(value_type = schema::Code, inline, required = true)]
    code: String,
    #[schema(value_type = schema::KamusName, inline, required = true)]
    name: String,
    #[schema(value_type = schema::Unit, inline, required = true)]
    unit: String,
    /// Whole rupiah: a number or text as people type it (`"2.500.000"`).
    #[schema(value_type = schema::UnitPrice, inline, required = true)]
    unit_price: serde_json::Value,
    /// The code of a registered perangkat daerah.
    #[schema(value_type = schema::Code, inline, required = true)]
    opd_code: String,
    #[schema(value_type = schema::Bidang, inline, required = true)]
    bidang: String,
    /// `true`/`false`, or `"ya"`/`"tidak"`.
    #[schema(value_type = schema::Fisik, inline, required = true)]
    fisik: serde_json::Value,
    /// The code of a sub kegiatan in the nomenclature of the same tahun anggaran, or empty.
    #[schema(value_type = schema::OptionalSubKegiatan, inline)]
    sub_kegiatan: String,
}

impl KamusItemInput {
    fn into_input(self) -> KamusInput {
        let fisik = match &self.fisik {
            serde_json::Value::Bool(true) => "ya".to_string(),
            serde_json::Value::Bool(false) => "tidak".to_string(),
            other => amount_text(other),
        };
        KamusInput {
            code: self.code,
            name: self.name,
            unit: self.unit,
            unit_price: amount_text(&self.unit_price),
            opd_code: self.opd_code,
            bidang: self.bidang,
            fisik,
            sub_kegiatan: self.sub_kegiatan,
        }
    }
}

/// Several entries of one tahun anggaran, all saved or none.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KamusBatchInput {
    /// Or give `?tahun=`.
    #[serde(default, deserialize_with = "schema::optional_whole")]
    #[schema(value_type = schema::OptionalYear, inline)]
    tahun_anggaran: Option<i32>,
    #[schema(value_type = KamusItems, inline)]
    items: Vec<KamusItemInput>,
}

#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum KamusPost {
    Batch(KamusBatchInput),
    One(KamusItemInput),
}

/// Adds or replaces kamus entries (by code) of one tahun anggaran: one entry, or
/// `{"tahun_anggaran": 2027, "items": [...]}` for several at once, all or none; errors in a list
/// name `rows[i]` for `items[i]`. Bappeda admins only.
#[utoipa::path(post, path = "/api/v1/kamus", tag = "master data", security(("bearer" = [])), params(PlannedYear),
    request_body = KamusPost, responses((status = 201, body = KamusJson)))]
async fn kamus_post(
    ctx: ApiCtx,
    Query(query): Query<PlannedYear>,
    ApiJson(body): ApiJson<KamusPost>,
) -> AppResult<Response> {
    let pemda = managed_pemda(&ctx).await?;
    let (tahun, items, batch) = match body {
        KamusPost::Batch(batch) => (batch.tahun_anggaran, batch.items, true),
        KamusPost::One(mut item) => (item.tahun_anggaran.take(), vec![item], false),
    };
    // A `?tahun=` that is no year is refused even when the body names the year: the document
    // promises a year there.
    let asked = query.tahun.as_deref().map(parse_year).transpose()?;
    let tahun = tahun.or(asked).ok_or_else(|| AppError::invalid("tahun_anggaran", Rule::Required))?;
    let other_years: Vec<_> = (items.iter().enumerate())
        .filter(|(_, item)| item.tahun_anggaran.is_some_and(|year| year != tahun))
        .map(|(i, _)| domain::FieldError::new(format!("rows[{i}].tahun_anggaran"), Rule::OtherYear))
        .collect();
    if !other_years.is_empty() {
        return Err(AppError::Invalid(other_years));
    }
    let items = items.into_iter().map(KamusItemInput::into_input).collect();
    let command = Command::MasterData(MasterDataCommand::UpsertKamus { pemda, tahun_anggaran: tahun, items, batch });
    let events = ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    match events.into_iter().next() {
        Some(Event::MasterData(MasterDataEvent::KamusUpserted { tahun_anggaran, items })) => {
            let body = KamusJson { tahun_anggaran, items: items.iter().map(KamusItemJson::from).collect() };
            Ok((StatusCode::CREATED, Json(body)).into_response())
        }
        _ => Err(AppError::broken("saving kamus entries produced no event")),
    }
}

#[derive(Serialize, ToSchema)]
pub struct KamusImportResult {
    pub tahun_anggaran: i32,
    /// How many entries were added or replaced.
    pub imported: usize,
}

/// The tahun anggaran entries are saved for, when the body does not say.
#[derive(Deserialize, IntoParams)]
struct PlannedYear {
    /// The tahun anggaran, when the body gives none.
    #[param(value_type = i32, required = false)]
    tahun: Option<String>,
}

#[derive(Deserialize, IntoParams)]
struct RequiredYear {
    /// The tahun anggaran the rows belong to.
    #[param(value_type = schema::Year, inline)]
    tahun: Option<String>,
}

/// Adds or replaces kamus entries from CSV (`kode,nama,satuan,harga_satuan,opd,bidang,fisik`, or
/// `code,name,unit,unit_price,opd_code,bidang,fisik`, with a header line): all rows or none; a
/// refusal lists every broken row. Bappeda admins only.
#[utoipa::path(post, path = "/api/v1/kamus/import", tag = "master data", security(("bearer" = [])), params(RequiredYear),
    request_body(content = String, content_type = "text/csv"), responses((status = 201, body = KamusImportResult)))]
async fn kamus_import(ctx: ApiCtx, Query(query): Query<RequiredYear>, body: axum::body::Bytes) -> AppResult<Response> {
    let pemda = managed_pemda(&ctx).await?;
    let tahun = parse_year(query.tahun.as_deref().unwrap_or(""))?;
    let items = kamus_csv::parse(&body).map_err(AppError::Invalid)?;
    let imported = items.len();
    let command =
        Command::MasterData(MasterDataCommand::UpsertKamus { pemda, tahun_anggaran: tahun, items, batch: true });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    Ok((StatusCode::CREATED, Json(KamusImportResult { tahun_anggaran: tahun, imported })).into_response())
}

/// The kamus entries of a list: at least one (`musrenbang::upsert_kamus`).
fn kamus_items() -> utoipa::openapi::Array {
    utoipa::openapi::ArrayBuilder::new()
        .items(<KamusItemInput as utoipa::PartialSchema>::schema())
        .min_items(Some(1))
        .build()
}

schema::shapes! { KamusItems => kamus_items }

/// A priority of the RPJMD.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityJson {
    /// Bappeda's short code (`P1`); a priority with the code of one saved before replaces it.
    #[serde(default)]
    #[schema(value_type = schema::Code, inline, required = true)]
    pub code: String,
    #[serde(default)]
    #[schema(value_type = schema::PriorityName, inline, required = true)]
    pub name: String,
    /// The sasaran it pursues, one line each (a line break inside one splits it).
    #[serde(default)]
    #[schema(value_type = schema::Sasaran, inline)]
    pub sasaran: Vec<String>,
}

impl From<Priority> for PriorityJson {
    fn from(priority: Priority) -> Self {
        PriorityJson { code: priority.code, name: priority.name, sasaran: priority.sasaran }
    }
}

/// The RPJMD priorities of the caller's pemda, in code order.
#[utoipa::path(get, path = "/api/v1/priorities", tag = "master data", security(("bearer" = [])),
    responses((status = 200, body = Vec<PriorityJson>)))]
async fn priority_list(ctx: ApiCtx) -> AppResult<Json<Vec<PriorityJson>>> {
    let pemda = own_pemda(&ctx)?;
    Ok(Json(ctx.state.store.priorities(&pemda).await?.into_iter().map(PriorityJson::from).collect()))
}

/// Adds or replaces (by code) a priority of the RPJMD. Bappeda admins only.
#[utoipa::path(post, path = "/api/v1/priorities", tag = "master data", security(("bearer" = [])),
    request_body = PriorityJson, responses((status = 201, body = PriorityJson)))]
async fn priority_save(ctx: ApiCtx, ApiJson(input): ApiJson<PriorityJson>) -> AppResult<Response> {
    let pemda = managed_pemda(&ctx).await?;
    let input = PriorityInput { code: input.code, name: input.name, sasaran: input.sasaran.join("\n") };
    let command = Command::MasterData(MasterDataCommand::SavePriority { pemda, input });
    let events = ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    match events.into_iter().next() {
        Some(Event::MasterData(MasterDataEvent::PrioritySaved { priority })) => {
            Ok((StatusCode::CREATED, Json(PriorityJson::from(priority))).into_response())
        }
        _ => Err(AppError::broken("saving a priority produced no event")),
    }
}
