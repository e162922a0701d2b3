//! Planning cycles: their calendars (read by anyone), and for Bappeda admins creating a cycle,
//! setting each stage's window, the cycle's settings and the ceilings per kecamatan.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::cycle::{CycleFacts, ForwardCaps, Stage, Window};
use domain::schedule::CreateCycle;
use domain::{
    Action, Command, Event, FieldError, RegionCode, RegionLevel, Resource, Rule, ScheduleCommand, ScheduleEvent,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::schema::{self, CeilingPath, IdPath, JsonObject, StagePath};
use super::{ApiJson, Problem};
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_cycle))
        .routes(routes!(set_window))
        .routes(routes!(set_settings))
        .routes(routes!(ceilings))
        .routes(routes!(set_ceiling))
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

#[derive(Serialize, ToSchema)]
pub struct WindowJson {
    /// RFC 3339, UTC: the stage accepts changes from this moment…
    pub opens: String,
    /// …until just before this one.
    pub closes: String,
}

/// How many proposals each forum level may forward upward; `null` is no limit.
#[derive(Serialize, Deserialize, Default, ToSchema)]
#[serde(default)]
pub struct CapsJson {
    #[schema(value_type = schema::ForwardCap, inline)]
    #[serde(deserialize_with = "schema::optional_whole")]
    pub rembuk_warga: Option<u32>,
    #[schema(value_type = schema::ForwardCap, inline)]
    #[serde(deserialize_with = "schema::optional_whole")]
    pub musrenbang_kelurahan: Option<u32>,
    #[schema(value_type = schema::ForwardCap, inline)]
    #[serde(deserialize_with = "schema::optional_whole")]
    pub musrenbang_kecamatan: Option<u32>,
}

impl From<ForwardCaps> for CapsJson {
    fn from(caps: ForwardCaps) -> Self {
        CapsJson {
            rembuk_warga: caps.rembuk_warga,
            musrenbang_kelurahan: caps.musrenbang_kelurahan,
            musrenbang_kecamatan: caps.musrenbang_kecamatan,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CycleJson {
    #[schema(value_type = String, format = Uuid)]
    pub id: Uuid,
    pub pemda: String,
    pub tahun_anggaran: i32,
    /// The scheduled stages by id (`rembuk_warga`, `musrenbang_kelurahan`, `musrenbang_kecamatan`,
    /// `pokir`, `forum_opd`, `musrenbang_rkpd`, `rancangan_akhir`, `penetapan`); a stage not
    /// listed is not scheduled yet and accepts nothing.
    pub windows: BTreeMap<&'static str, WindowJson>,
    /// The stages whose window contains the time of the request.
    pub open_now: Vec<&'static str>,
    pub caps: CapsJson,
    /// Whether residents may submit proposals themselves.
    pub online_proposals: bool,
}

impl CycleJson {
    fn new(cycle: &CycleFacts, now: OffsetDateTime) -> Self {
        CycleJson {
            id: cycle.id,
            pemda: cycle.pemda.to_string(),
            tahun_anggaran: cycle.tahun_anggaran,
            windows: cycle
                .windows
                .iter()
                .map(|(stage, w)| (stage.as_str(), WindowJson { opens: rfc3339(w.opens), closes: rfc3339(w.closes) }))
                .collect(),
            open_now: cycle.open_stages(now).into_iter().map(Stage::as_str).collect(),
            caps: cycle.caps.into(),
            online_proposals: cycle.online_proposals,
        }
    }
}

async fn find_cycle(ctx: &ApiCtx, id: &str) -> AppResult<CycleFacts> {
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    ctx.state.store.cycle(id).await?.ok_or(AppError::NotFound)
}

/// A cycle a Bappeda admin is about to change: found, and theirs to change.
async fn managed_cycle(ctx: &ApiCtx, id: &str) -> AppResult<CycleFacts> {
    ctx.require_user()?;
    let cycle = find_cycle(ctx, id).await?;
    ctx.authorize(Action::ManageCycle, &Resource::pemda(cycle.pemda.clone())).await?;
    Ok(cycle)
}

async fn reread(ctx: &ApiCtx, id: Uuid) -> AppResult<Json<CycleJson>> {
    let cycle = ctx.state.store.cycle(id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(CycleJson::new(&cycle, OffsetDateTime::now_utc())))
}

#[derive(Deserialize, IntoParams)]
struct PemdaQuery {
    /// A pemda's code (`12.71`): its cycles, for anyone. Without it, the caller's own pemda.
    #[param(value_type = schema::RegionFilter, inline, required = false)]
    pemda: Option<String>,
}

/// The cycles of a pemda, newest tahun anggaran first.
#[utoipa::path(get, path = "/api/v1/cycles", tag = "cycles", security((), ("bearer" = [])), params(PemdaQuery),
    responses((status = 200, body = Vec<CycleJson>), (status = 404, body = Problem, description = "No such pemda.")))]
async fn list(ctx: ApiCtx, Query(query): Query<PemdaQuery>) -> AppResult<Json<Vec<CycleJson>>> {
    let pemda = match query.pemda.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(code) => RegionCode::parse(code).map_err(|_| AppError::NotFound)?,
        None => ctx.require_user()?.pemda.clone(),
    };
    if ctx.state.store.pemda(&pemda).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let now = OffsetDateTime::now_utc();
    Ok(Json(ctx.state.store.cycles(&pemda).await?.iter().map(|c| CycleJson::new(c, now)).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewCycle {
    /// The budget year planned; one cycle per year.
    #[schema(value_type = schema::Year, inline)]
    #[serde(deserialize_with = "schema::whole")]
    tahun_anggaran: i32,
}

/// Creates the caller's pemda's cycle for a tahun anggaran. Bappeda admins only.
#[utoipa::path(post, path = "/api/v1/cycles", tag = "cycles", security(("bearer" = [])), request_body = NewCycle,
    responses((status = 201, body = CycleJson)))]
async fn create(ctx: ApiCtx, ApiJson(input): ApiJson<NewCycle>) -> AppResult<Response> {
    let pemda = ctx.require_user()?.pemda.clone();
    ctx.authorize(Action::ManageCycle, &Resource::pemda(pemda.clone())).await?;
    let cycle_id = Uuid::now_v7();
    let command = Command::Schedule(ScheduleCommand::CreateCycle(CreateCycle {
        pemda,
        cycle_id,
        tahun_anggaran: input.tahun_anggaran,
    }));
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    Ok((StatusCode::CREATED, reread(&ctx, cycle_id).await?).into_response())
}

/// One cycle: its calendar, settings and the stages open now. Public.
#[utoipa::path(get, path = "/api/v1/cycles/{id}", tag = "cycles", security((), ("bearer" = [])), params(IdPath),
    responses((status = 200, body = CycleJson)))]
async fn get_cycle(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Json<CycleJson>> {
    let cycle = find_cycle(&ctx, &id).await?;
    Ok(Json(CycleJson::new(&cycle, OffsetDateTime::now_utc())))
}

#[derive(Deserialize, ToSchema)]
pub struct WindowInput {
    /// RFC 3339 with an offset (`2027-01-05T08:00:00+07:00`); stored in UTC.
    #[serde(default)]
    #[schema(format = DateTime, required = true)]
    opens: String,
    /// RFC 3339, after `opens`.
    #[serde(default)]
    #[schema(format = DateTime, required = true)]
    closes: String,
}

fn parse_time(field: &str, text: &str) -> Result<OffsetDateTime, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, Rule::Required));
    }
    OffsetDateTime::parse(text, &Rfc3339)
        .map(|at| at.to_offset(time::UtcOffset::UTC))
        .map_err(|_| FieldError::new(field, Rule::Format { expected: "datetime" }))
}

/// Sets (or moves) one stage's window. Bappeda admins only.
#[utoipa::path(put, path = "/api/v1/cycles/{id}/stages/{stage}", tag = "cycles", security(("bearer" = [])),
    params(StagePath), request_body = WindowInput, responses((status = 200, body = CycleJson)))]
async fn set_window(
    ctx: ApiCtx,
    Path(StagePath { id, stage }): Path<StagePath>,
    ApiJson(input): ApiJson<WindowInput>,
) -> AppResult<Json<CycleJson>> {
    let stage = Stage::parse(&stage).ok_or(AppError::NotFound)?;
    let cycle = managed_cycle(&ctx, &id).await?;
    let window = match (parse_time("opens", &input.opens), parse_time("closes", &input.closes)) {
        (Ok(opens), Ok(closes)) => Window { opens, closes },
        (opens, closes) => return Err(AppError::Invalid(opens.err().into_iter().chain(closes.err()).collect())),
    };
    let command = Command::Schedule(ScheduleCommand::SetStageWindow { cycle_id: cycle.id, stage, window });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    reread(&ctx, cycle.id).await
}

#[derive(Deserialize, ToSchema)]
pub struct SettingsInput {
    /// Omitted levels have no limit.
    #[serde(default, deserialize_with = "schema::object")]
    caps: CapsJson,
    #[serde(default)]
    online_proposals: bool,
}

/// Replaces the cycle's settings: the caps per level and whether residents propose online.
/// Bappeda admins only.
#[utoipa::path(put, path = "/api/v1/cycles/{id}/settings", tag = "cycles", security(("bearer" = [])),
    params(IdPath), request_body = SettingsInput, responses((status = 200, body = CycleJson)))]
async fn set_settings(
    ctx: ApiCtx,
    Path(IdPath { id }): Path<IdPath>,
    ApiJson(JsonObject(input)): ApiJson<JsonObject<SettingsInput>>,
) -> AppResult<Json<CycleJson>> {
    let cycle = managed_cycle(&ctx, &id).await?;
    let caps = ForwardCaps {
        rembuk_warga: input.caps.rembuk_warga,
        musrenbang_kelurahan: input.caps.musrenbang_kelurahan,
        musrenbang_kecamatan: input.caps.musrenbang_kecamatan,
    };
    let command = Command::Schedule(ScheduleCommand::SetCycleSettings {
        cycle_id: cycle.id,
        caps,
        online_proposals: input.online_proposals,
    });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    reread(&ctx, cycle.id).await
}

#[derive(Serialize, ToSchema)]
pub struct CeilingJson {
    /// The kecamatan's code.
    pub kecamatan: String,
    pub name: String,
    /// Whole rupiah; `null` while not set.
    pub amount: Option<i64>,
}

/// The pagu indikatif kewilayahan of every kecamatan of the cycle's pemda. Public.
#[utoipa::path(get, path = "/api/v1/cycles/{id}/ceilings", tag = "cycles", security((), ("bearer" = [])),
    params(IdPath), responses((status = 200, body = Vec<CeilingJson>)))]
async fn ceilings(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Json<Vec<CeilingJson>>> {
    let cycle = find_cycle(&ctx, &id).await?;
    let store = &ctx.state.store;
    let amounts = store.ceilings(cycle.id).await?;
    let rows = store
        .children(&cycle.pemda, None)
        .await?
        .into_iter()
        .filter(|region| region.level == RegionLevel::Kecamatan)
        .map(|region| CeilingJson {
            amount: amounts.get(&region.code).copied(),
            kecamatan: region.code.to_string(),
            name: region.name,
        })
        .collect();
    Ok(Json(rows))
}

#[derive(Deserialize, ToSchema)]
pub struct CeilingInput {
    /// Whole rupiah: a number (`2500000`) or text as people type it (`"2.500.000"`).
    #[schema(value_type = schema::Amount, inline, required = true)]
    #[serde(default)]
    amount: serde_json::Value,
}

/// An amount as sent: a JSON number or a string; anything else is left for the rule to refuse.
pub(crate) fn amount_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text.clone(),
        // `2500000.0` is a whole number to JSON Schema, and so to the document.
        serde_json::Value::Number(n) if n.as_i64().is_none() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// Sets a kecamatan's pagu indikatif kewilayahan for the cycle. Bappeda admins only.
#[utoipa::path(put, path = "/api/v1/cycles/{id}/ceilings/{region_code}", tag = "cycles", security(("bearer" = [])),
    params(CeilingPath), request_body = CeilingInput, responses((status = 200, body = CeilingJson)))]
async fn set_ceiling(
    ctx: ApiCtx,
    Path(CeilingPath { id, region_code }): Path<CeilingPath>,
    ApiJson(input): ApiJson<CeilingInput>,
) -> AppResult<Json<CeilingJson>> {
    let cycle = managed_cycle(&ctx, &id).await?;
    let command = Command::Schedule(ScheduleCommand::SetCeiling {
        cycle_id: cycle.id,
        kecamatan: region_code,
        amount: amount_text(&input.amount),
    });
    let events = ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    match events.into_iter().next() {
        Some(Event::Schedule(ScheduleEvent::CeilingSet { kecamatan, amount, .. })) => {
            let name = ctx.state.store.region(&kecamatan).await?.map(|r| r.name).unwrap_or_default();
            Ok(Json(CeilingJson { kecamatan: kecamatan.to_string(), name, amount: Some(amount) }))
        }
        _ => Err(AppError::broken("setting a ceiling produced no event")),
    }
}
