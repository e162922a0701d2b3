//! The DPRD of the caller's pemda: its dapil (each a set of kecamatan) and its members (fraksi,
//! komisi, dapil, assistants), kept by Bappeda admins and the DPRD secretariat; each member's
//! reses and pokir, entered by the member or their assistants. Read by any user of the pemda.

use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::dprd::{Dapil, PokirInput, Reses, ResesInput};
use domain::views::MemberView;
use domain::{Command, DprdCommand, RegionCode};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::ApiJson;
use super::proposals::{PhotoJson, photo_json};
use super::schema::{self, IdPath, PhotoPath};
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::dprd::{cycle_or_newest, member_named};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(dapil_list, dapil_save))
        .routes(routes!(member_list, member_save))
        .routes(routes!(reses_list, reses_record))
        .routes(routes!(reses_photos, reses_add_photo))
        .routes(routes!(reses_photo))
        .routes(routes!(pokir_list, pokir_submit))
        .routes(routes!(member_pokir_pdf))
}

#[derive(Deserialize, IntoParams)]
pub struct MemberCycleQuery {
    /// The cycle (default: the newest public one of the member's pemda).
    cycle: Option<Uuid>,
}

/// A DPRD member's pokir of a cycle as a PDF (A4): each with its place, stage, status and cost,
/// the total in words. Journaled by its SHA-256 like every print (`X-Document-Code`, checkable
/// at `/d/{code}`). Public.
#[utoipa::path(get, path = "/api/v1/dprd/members/{id}/pokir.pdf", tag = "dprd", security((), ("bearer" = [])),
    params(IdPath, MemberCycleQuery),
    responses((status = 200, description = "The PDF.", content_type = "application/pdf", body = Vec<u8>),
        (status = 503, body = super::Problem, description = "Two documents are being typeset already; try again after `Retry-After`.")))]
async fn member_pokir_pdf(
    ctx: ApiCtx,
    axum::extract::Path(IdPath { id }): axum::extract::Path<IdPath>,
    Query(query): Query<MemberCycleQuery>,
) -> AppResult<Response> {
    let (document, subject) = crate::views::print::pokir(&ctx.state, &ctx.tr, &id, query.cycle).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

fn own_pemda(ctx: &ApiCtx) -> AppResult<RegionCode> {
    Ok(ctx.require_user()?.pemda.clone())
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DapilJson {
    /// The dapil's code (`MEDAN-1`); a dapil with the code of one saved before replaces it.
    #[serde(default)]
    #[schema(value_type = schema::Code, inline, required = true)]
    pub code: String,
    #[serde(default)]
    #[schema(value_type = schema::Name, inline, required = true)]
    pub name: String,
    /// Kecamatan codes of the pemda (`12.71.01`); each belongs to one dapil at most.
    #[serde(default)]
    #[schema(value_type = Vec<schema::KecamatanCode>, min_items = 1)]
    pub kecamatan: Vec<String>,
}

impl From<Dapil> for DapilJson {
    fn from(dapil: Dapil) -> Self {
        DapilJson {
            code: dapil.code,
            name: dapil.name,
            kecamatan: dapil.kecamatan.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The dapil of the caller's pemda, in code order.
#[utoipa::path(get, path = "/api/v1/dapil", tag = "dprd", security(("bearer" = [])),
    responses((status = 200, body = Vec<DapilJson>)))]
async fn dapil_list(ctx: ApiCtx) -> AppResult<Json<Vec<DapilJson>>> {
    let pemda = own_pemda(&ctx)?;
    Ok(Json(ctx.state.store.dapil_list(&pemda).await?.into_iter().map(DapilJson::from).collect()))
}

/// Adds or replaces (by code) a dapil. Bappeda admins and the DPRD secretariat only.
#[utoipa::path(post, path = "/api/v1/dapil", tag = "dprd", security(("bearer" = [])), request_body = DapilJson,
    responses((status = 201, body = DapilJson)))]
async fn dapil_save(ctx: ApiCtx, ApiJson(input): ApiJson<DapilJson>) -> AppResult<Response> {
    let pemda = own_pemda(&ctx)?;
    let command = Command::Dprd(DprdCommand::SaveDapil {
        pemda: pemda.clone(),
        code: input.code.clone(),
        name: input.name,
        kecamatan: input.kecamatan,
    });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let saved = ctx.state.store.dapil_list(&pemda).await?.into_iter().find(|d| d.code == input.code.trim());
    let saved = saved.ok_or_else(|| AppError::broken("a saved dapil was not found"))?;
    Ok((StatusCode::CREATED, Json(DapilJson::from(saved))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct MemberJson {
    pub username: String,
    /// The account's name.
    pub name: String,
    pub fraksi: String,
    pub komisi: String,
    pub dapil: String,
    /// Usernames of the secretariat staff who may enter on the member's behalf.
    pub assistants: Vec<String>,
}

impl From<MemberView> for MemberJson {
    fn from(m: MemberView) -> Self {
        MemberJson {
            username: m.username,
            name: m.name,
            fraksi: m.fraksi,
            komisi: m.komisi,
            dapil: m.dapil,
            assistants: m.assistants,
        }
    }
}

/// A member as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// An account of the pemda with the `anggota_dprd` role.
    #[serde(default)]
    #[schema(value_type = schema::Username, inline, required = true)]
    username: String,
    #[serde(default)]
    #[schema(value_type = schema::GroupName, inline, required = true)]
    fraksi: String,
    #[serde(default)]
    #[schema(value_type = schema::GroupName, inline, required = true)]
    komisi: String,
    /// The code of one of the pemda's dapil.
    #[serde(default)]
    #[schema(value_type = schema::Code, inline, required = true)]
    dapil: String,
    /// Accounts with the `sekretariat_dprd` role.
    #[serde(default)]
    #[schema(value_type = Vec<schema::Username>, max_items = 10)]
    assistants: Vec<String>,
}

/// The DPRD members of the caller's pemda, by dapil and name.
#[utoipa::path(get, path = "/api/v1/dprd/members", tag = "dprd", security(("bearer" = [])),
    responses((status = 200, body = Vec<MemberJson>)))]
async fn member_list(ctx: ApiCtx) -> AppResult<Json<Vec<MemberJson>>> {
    let pemda = own_pemda(&ctx)?;
    Ok(Json(ctx.state.store.members(&pemda).await?.into_iter().map(MemberJson::from).collect()))
}

/// Adds or replaces a member's record (by account). Bappeda admins and the DPRD secretariat only.
#[utoipa::path(post, path = "/api/v1/dprd/members", tag = "dprd", security(("bearer" = [])),
    request_body = MemberInput, responses((status = 201, body = MemberJson)))]
async fn member_save(ctx: ApiCtx, ApiJson(input): ApiJson<MemberInput>) -> AppResult<Response> {
    let pemda = own_pemda(&ctx)?;
    let username = input.username.trim().to_string();
    let command = Command::Dprd(DprdCommand::SaveMember {
        pemda: pemda.clone(),
        username: input.username,
        fraksi: input.fraksi,
        komisi: input.komisi,
        dapil: input.dapil,
        assistants: input.assistants,
    });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let saved = ctx.state.store.members(&pemda).await?.into_iter().find(|m| m.username == username);
    let saved = saved.ok_or_else(|| AppError::broken("a saved member was not found"))?;
    Ok((StatusCode::CREATED, Json(MemberJson::from(saved))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct ResesJson {
    #[schema(value_type = String, format = Uuid)]
    pub id: Uuid,
    #[schema(value_type = String, format = Uuid)]
    pub cycle_id: Uuid,
    /// The member's username.
    pub member: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub place: String,
    pub kelurahan: String,
    pub attendees: u32,
    pub minutes: String,
    /// Numbered from 1 in this order; a pokir cites one by its number.
    pub aspirations: Vec<String>,
}

fn reses_json(reses: Reses, member: &str) -> ResesJson {
    ResesJson {
        id: reses.id,
        cycle_id: reses.cycle_id,
        member: member.to_string(),
        date: reses.date,
        place: reses.place,
        kelurahan: reses.kelurahan.to_string(),
        attendees: reses.attendees,
        minutes: reses.minutes,
        aspirations: reses.aspirations,
    }
}

#[derive(Deserialize, IntoParams)]
struct MemberQuery {
    /// The cycle; the newest by default.
    #[param(value_type = Option<String>, format = Uuid)]
    cycle: Option<Uuid>,
    /// The member's username; the caller by default.
    #[param(value_type = Option<String>)]
    member: Option<String>,
}

/// A member's reses in a cycle, newest first. Any user of the pemda.
#[utoipa::path(get, path = "/api/v1/reses", tag = "dprd", security(("bearer" = [])), params(MemberQuery),
    responses((status = 200, body = Vec<ResesJson>), (status = 404, description = "The member, cycle or parent it names is not there.", body = super::Problem)))]
async fn reses_list(ctx: ApiCtx, Query(query): Query<MemberQuery>) -> AppResult<Json<Vec<ResesJson>>> {
    let user = ctx.require_user()?;
    let pemda = user.pemda.clone();
    let member = member_named(&ctx.state, &pemda, query.member.as_deref(), user.id).await?;
    let cycle = cycle_or_newest(&ctx.state, &pemda, query.cycle).await?;
    let list = ctx.state.store.reses_of(cycle, member.user_id).await?;
    Ok(Json(list.into_iter().map(|r| reses_json(r, &member.username)).collect()))
}

/// A reses as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReses {
    #[schema(value_type = String, format = Uuid)]
    cycle_id: Uuid,
    /// The member's username; the caller by default. An assistant names their member.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    member: Option<String>,
    /// `YYYY-MM-DD`, not after today.
    #[schema(value_type = String, format = Date)]
    date: String,
    #[schema(value_type = schema::Name, inline)]
    place: String,
    /// A kelurahan or desa in the member's dapil.
    #[schema(value_type = schema::VillageCode, inline)]
    kelurahan: String,
    #[schema(value_type = u32, maximum = 100000)]
    attendees: serde_json::Value,
    #[schema(value_type = String, min_length = 1, max_length = 10000)]
    minutes: String,
    /// What residents asked for, one each.
    #[schema(value_type = Vec<String>, min_items = 1, max_items = 100)]
    aspirations: Vec<String>,
}

/// Records a reses of a member: by the member, or an assistant of theirs, until the cycle's pokir
/// window closes; its kelurahan must lie in the member's dapil.
#[utoipa::path(post, path = "/api/v1/reses", tag = "dprd", security(("bearer" = [])), request_body = NewReses,
    responses((status = 201, body = ResesJson), (status = 404, description = "The member, cycle or parent it names is not there.", body = super::Problem)))]
async fn reses_record(ctx: ApiCtx, ApiJson(input): ApiJson<NewReses>) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let pemda = user.pemda.clone();
    let member = member_named(&ctx.state, &pemda, input.member.as_deref(), user.id).await?;
    let reses_id = Uuid::now_v7();
    let command = Command::Dprd(DprdCommand::RecordReses(ResesInput {
        reses_id,
        cycle_id: input.cycle_id,
        member: member.user_id,
        date: input.date,
        place: input.place,
        kelurahan: input.kelurahan,
        attendees: super::cycles::amount_text(&input.attendees),
        minutes: input.minutes,
        aspirations: input.aspirations.join("\n"),
    }));
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let saved = ctx.state.store.reses_of(input.cycle_id, member.user_id).await?.into_iter().find(|r| r.id == reses_id);
    let saved = saved.ok_or_else(|| AppError::broken("a recorded reses was not found"))?;
    Ok((StatusCode::CREATED, Json(reses_json(saved, &member.username))).into_response())
}

/// A pokir as sent: the work, as a proposal's, and the reses aspiration it answers.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPokir {
    #[schema(value_type = String, format = Uuid)]
    cycle_id: Uuid,
    /// The member's username; the caller by default. An assistant names their member.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    member: Option<String>,
    /// One of the member's reses of this cycle.
    #[schema(value_type = String, format = Uuid)]
    reses_id: Uuid,
    /// The aspiration's number in that reses, from 1.
    #[schema(value_type = u32, minimum = 1)]
    aspiration: serde_json::Value,
    #[schema(value_type = schema::Title, inline)]
    title: String,
    #[schema(value_type = schema::LongText, inline)]
    problem: String,
    #[schema(value_type = schema::Code, inline)]
    kamus_code: String,
    #[schema(value_type = schema::Volume, inline)]
    volume: String,
    /// A lingkungan in the member's dapil.
    #[schema(value_type = schema::LingkunganCode, inline)]
    lingkungan: String,
    #[schema(value_type = schema::Address, inline)]
    address: String,
    #[serde(default)]
    #[schema(value_type = schema::Latitude, inline)]
    latitude: Option<f64>,
    #[serde(default)]
    #[schema(value_type = schema::Longitude, inline)]
    longitude: Option<f64>,
    #[serde(default = "super::proposals::default_track")]
    #[schema(value_type = schema::Track, inline)]
    track: String,
    /// The RPJMD priority it serves (required for a pokir).
    #[schema(value_type = schema::Code, inline)]
    priority: String,
}

/// Enters a pokir for a member: by the member, or an assistant of theirs, while the cycle's
/// `pokir` stage is open; located in the member's dapil; citing one of their reses' aspirations.
/// It becomes a proposal of origin `pokir`, public with the member's name, fraksi and dapil.
#[utoipa::path(post, path = "/api/v1/pokir", tag = "dprd", security(("bearer" = [])), request_body = NewPokir,
    responses((status = 201, body = super::proposals::ProposalJson), (status = 404, description = "The member, cycle or parent it names is not there.", body = super::Problem)))]
async fn pokir_submit(ctx: ApiCtx, ApiJson(input): ApiJson<NewPokir>) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let pemda = user.pemda.clone();
    let member = member_named(&ctx.state, &pemda, input.member.as_deref(), user.id).await?;
    let proposal_id = Uuid::now_v7();
    let command = Command::Dprd(DprdCommand::SubmitPokir(PokirInput {
        proposal_id,
        cycle_id: input.cycle_id,
        member: member.user_id,
        reses_id: input.reses_id,
        aspiration: super::cycles::amount_text(&input.aspiration),
        title: input.title,
        problem: input.problem,
        kamus_code: input.kamus_code,
        volume: input.volume,
        lingkungan: input.lingkungan,
        address: input.address,
        latitude: input.latitude.map(|v| v.to_string()).unwrap_or_default(),
        longitude: input.longitude.map(|v| v.to_string()).unwrap_or_default(),
        track: input.track,
        priority: input.priority,
    }));
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let detail = ctx.state.store.proposal(proposal_id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(super::proposals::proposal_json(&ctx.state, &detail, ctx.user.as_ref()).await?))
        .into_response())
}

/// A member's pokir in a cycle, in the order entered. Any user of the pemda (the public reads
/// pokir through `/api/v1/proposals?origin=pokir`).
#[utoipa::path(get, path = "/api/v1/pokir", tag = "dprd", security(("bearer" = [])), params(MemberQuery),
    responses((status = 200, body = Vec<super::proposals::ProposalSummaryJson>), (status = 404, description = "The member, cycle or parent it names is not there.", body = super::Problem)))]
async fn pokir_list(
    ctx: ApiCtx,
    Query(query): Query<MemberQuery>,
) -> AppResult<Json<Vec<super::proposals::ProposalSummaryJson>>> {
    let user = ctx.require_user()?;
    let pemda = user.pemda.clone();
    let member = member_named(&ctx.state, &pemda, query.member.as_deref(), user.id).await?;
    let cycle = cycle_or_newest(&ctx.state, &pemda, query.cycle).await?;
    let list = ctx.state.store.pokir_of_member(cycle, member.user_id).await?;
    Ok(Json(list.iter().map(super::proposals::ProposalSummaryJson::from).collect()))
}

/// The photos of a reses. Any user of the pemda.
#[utoipa::path(get, path = "/api/v1/reses/{id}/photos", tag = "dprd", security(("bearer" = [])),
    params(IdPath), responses((status = 200, body = Vec<PhotoJson>)))]
async fn reses_photos(
    ctx: ApiCtx,
    axum::extract::Path(IdPath { id }): axum::extract::Path<IdPath>,
) -> AppResult<Json<Vec<PhotoJson>>> {
    let pemda = own_pemda(&ctx)?;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let reses = ctx.state.store.reses(id).await?.ok_or(AppError::NotFound)?;
    if ctx.state.store.member(&pemda, reses.member).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let base = format!("/api/v1/reses/{id}");
    Ok(Json(ctx.state.store.photos(id).await?.iter().map(|p| photo_json(&base, p)).collect()))
}

/// Adds a photo to a reses (the request body is the JPEG or PNG file itself, at most 5 MB; its
/// type is judged by its content): the member or their assistant, until the pokir window closes.
#[utoipa::path(post, path = "/api/v1/reses/{id}/photos", tag = "dprd", security(("bearer" = [])),
    params(IdPath), request_body(content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))),
    responses((status = 201, body = PhotoJson)))]
async fn reses_add_photo(
    ctx: ApiCtx,
    axum::extract::Path(IdPath { id }): axum::extract::Path<IdPath>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    ctx.require_user()?;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let photo = ctx.state.store.attach_reses_photo(&ctx.actor(), id, body, OffsetDateTime::now_utc()).await?;
    Ok((StatusCode::CREATED, Json(photo_json(&format!("/api/v1/reses/{id}"), &photo))).into_response())
}

/// One photo's bytes.
#[utoipa::path(get, path = "/api/v1/reses/{id}/photos/{photo}", tag = "dprd", security((), ("bearer" = [])),
    params(PhotoPath), responses((status = 200, content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png")))))]
async fn reses_photo(
    ctx: ApiCtx,
    axum::extract::Path(PhotoPath { id, photo }): axum::extract::Path<PhotoPath>,
) -> AppResult<Response> {
    crate::views::proposals::photo_response(&ctx.state, &id, &photo).await
}
