//! Proposals and forums: submit, list, read with every stage's record and its red flags, the
//! timeline, decide, support, rank, record the minutes, close.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::cycle::Stage;
use domain::musrenbang::{MeetingInput, ProposalInput};
use domain::planning::{RedFlag, StageRecord, format_volume};
use domain::{Command, MusrenbangCommand};
use serde::{Deserialize, Serialize};
use store::{ProposalDetail, ProposalSummary};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::ApiJson;
use super::schema::{self, ForumPath, IdPath, PhotoPath};
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::proposals::{
    decision_input, filter_of, flags_of, forum_cycle, forum_key, public_actor, public_actors,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, submit))
        .routes(routes!(count))
        .routes(routes!(points))
        .routes(routes!(get_proposal))
        .routes(routes!(history))
        .routes(routes!(decide))
        .routes(routes!(support))
        .routes(routes!(photos, add_photo))
        .routes(routes!(photo))
        .routes(routes!(forum))
        .routes(routes!(import_template))
        .routes(routes!(berita_acara_pdf))
        .routes(routes!(daftar_prioritas_pdf))
        .routes(routes!(import_rows))
        .routes(routes!(rank))
        .routes(routes!(minutes))
        .routes(routes!(close))
}

/// A stage's figures and verdict.
#[derive(Serialize, ToSchema)]
pub struct StageRecordJson {
    /// `rembuk_warga`, `musrenbang_kelurahan`, `musrenbang_kecamatan`, `forum_opd`, …
    pub stage: &'static str,
    /// `pending`, `accepted`, `accepted_with_changes` or `rejected`.
    pub status: &'static str,
    pub rank: Option<u32>,
    pub kamus_code: String,
    pub unit: String,
    /// Whole rupiah per unit.
    pub unit_price: i64,
    /// As written in Indonesian (`12,5`).
    pub volume: String,
    /// Whole rupiah.
    pub cost: i64,
    pub opd_code: String,
    pub lingkungan: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

impl From<&StageRecord> for StageRecordJson {
    fn from(record: &StageRecord) -> Self {
        let figures = &record.figures;
        StageRecordJson {
            stage: record.stage.as_str(),
            status: record.status.as_str(),
            rank: record.rank,
            kamus_code: figures.kamus_code.clone(),
            unit: figures.unit.clone(),
            unit_price: figures.unit_price,
            volume: format_volume(figures.volume),
            cost: figures.cost,
            opd_code: figures.opd_code.clone(),
            lingkungan: figures.location.lingkungan.to_string(),
            address: figures.location.address.clone(),
            latitude: figures.location.point.map(|p| p.lat()),
            longitude: figures.location.point.map(|p| p.lon()),
            reason: record.reason.clone(),
            decided_by: record.decided_by.clone(),
            decided_at: record.decided_at.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProposalSummaryJson {
    #[schema(value_type = String, format = Uuid)]
    pub id: Uuid,
    #[schema(value_type = String, format = Uuid)]
    pub cycle_id: Uuid,
    pub title: String,
    /// `lingkungan`, `kelurahan` or `kecamatan`.
    pub origin: &'static str,
    /// The latest stage the proposal reached, and its status there.
    pub stage: &'static str,
    pub status: &'static str,
    pub lingkungan: String,
    pub kamus_code: String,
    pub opd_code: String,
    pub cost: i64,
    pub supports: i32,
    pub created_at: String,
}

impl From<&ProposalSummary> for ProposalSummaryJson {
    fn from(p: &ProposalSummary) -> Self {
        ProposalSummaryJson {
            id: p.id,
            cycle_id: p.cycle_id,
            title: p.title.clone(),
            origin: p.origin.as_str(),
            stage: p.stage.as_str(),
            status: p.status.as_str(),
            lingkungan: p.lingkungan.to_string(),
            kamus_code: p.kamus_code.clone(),
            opd_code: p.opd_code.clone(),
            cost: p.cost,
            supports: p.supports,
            created_at: domain::journal_time(p.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProposalJson {
    #[serde(flatten)]
    pub summary: ProposalSummaryJson,
    pub problem: String,
    pub bidang: &'static str,
    pub fisik: bool,
    /// `apbd` or `dana_kelurahan`.
    pub track: &'static str,
    /// Who raised it: an official's account, or "Warga" for a resident (never their name).
    pub proposer: String,
    /// The code of the RPJMD priority it serves (`GET /api/v1/priorities`), or null.
    pub priority: Option<String>,
    /// For a pokir: the member whose it is and the reses aspiration it answers; null otherwise.
    pub pokir: Option<PokirJson>,
    /// One record per stage reached, bottom-up: each stage's own figures, side by side.
    pub stages: Vec<StageRecordJson>,
    /// What the forum should look at (never blocking).
    #[schema(value_type = Vec<Object>)]
    pub red_flags: Vec<RedFlag>,
    /// The Renja line that carries it (`GET /api/v1/renja/lines/{id}`), once an OPD accepted
    /// it; otherwise `stages` shows the decision that stopped it, or where it waits.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub renja_line: Option<Uuid>,
}

/// A proposal's answer; `caller` is the signed-in account of the request, already read.
pub(super) async fn proposal_json(
    state: &AppState,
    detail: &ProposalDetail,
    caller: Option<&store::UserRecord>,
) -> AppResult<ProposalJson> {
    let tr = crate::i18n::Tr::default();
    // Four reads that do not wait on each other, made side by side: on PostgreSQL each is a
    // round trip of its own, which a submission's answer would otherwise wait for in turn.
    let (proposer, pokir, red_flags, renja_line) = tokio::try_join!(
        public_actor(&state.store, &tr, &detail.proposer, caller),
        crate::views::proposals::pokir_of(&state.store, &detail.summary),
        flags_of(&state.store, detail),
        crate::views::proposals::renja_line_of(&state.store, detail),
    )?;
    Ok(ProposalJson {
        summary: ProposalSummaryJson::from(&detail.summary),
        problem: detail.problem.clone(),
        bidang: detail.bidang.as_str(),
        fisik: detail.fisik,
        track: detail.track.as_str(),
        proposer,
        priority: detail.priority.clone(),
        pokir: pokir.map(PokirJson::from),
        stages: detail.records.iter().map(StageRecordJson::from).collect(),
        red_flags,
        renja_line,
    })
}

/// Whose a pokir is and what it answers: public, as the members' names are.
#[derive(Serialize, ToSchema)]
pub struct PokirJson {
    /// The member's name, fraksi and dapil.
    pub member: String,
    pub fraksi: String,
    pub dapil: String,
    #[schema(value_type = String, format = Uuid)]
    pub reses_id: Uuid,
    /// The reses it answers: its day (`YYYY-MM-DD`) and place.
    pub reses_date: String,
    pub reses_place: String,
    /// The aspiration heard there, and its number in the reses.
    pub aspiration_number: u32,
    pub aspiration: String,
}

impl From<domain::views::PokirView> for PokirJson {
    fn from(view: domain::views::PokirView) -> Self {
        PokirJson {
            member: view.member.name,
            fraksi: view.member.fraksi,
            dapil: view.dapil,
            reses_id: view.reses_id,
            reses_date: view.reses_date,
            reses_place: view.reses_place,
            aspiration_number: view.aspiration_number,
            aspiration: view.aspiration,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewProposal {
    #[schema(value_type = String, format = Uuid)]
    cycle_id: Uuid,
    /// Where it enters: `rembuk_warga` (a lingkungan's), `musrenbang_kelurahan` or
    /// `musrenbang_kecamatan` (that forum's own).
    #[schema(value_type = schema::ForumStage, inline)]
    stage: String,
    #[schema(value_type = schema::Title, inline)]
    title: String,
    #[schema(value_type = schema::LongText, inline)]
    problem: String,
    /// The code of an entry of the kamus of the cycle's tahun anggaran.
    #[schema(value_type = schema::Code, inline)]
    kamus_code: String,
    /// A number, at most three decimals (`12,5` or `12.5`).
    #[schema(value_type = schema::Volume, inline)]
    volume: String,
    /// The lingkungan where the work is (`12.71.01.1001.001`).
    #[schema(value_type = schema::LingkunganCode, inline)]
    lingkungan: String,
    #[schema(value_type = schema::Address, inline)]
    address: String,
    /// Decimal degrees; give both coordinates or neither.
    #[serde(default)]
    #[schema(value_type = schema::Latitude, inline)]
    latitude: Option<f64>,
    #[serde(default)]
    #[schema(value_type = schema::Longitude, inline)]
    longitude: Option<f64>,
    /// `apbd` or `dana_kelurahan`.
    #[serde(default = "default_track")]
    #[schema(value_type = schema::Track, inline)]
    track: String,
    /// The code of the RPJMD priority it serves (one of `GET /api/v1/priorities`), or empty.
    #[serde(default)]
    #[schema(value_type = schema::OptionalCode, inline)]
    priority: String,
}

pub(super) fn default_track() -> String {
    "apbd".into()
}

fn parse_stage(text: &str) -> AppResult<Stage> {
    Stage::parse(text.trim())
        .ok_or_else(|| AppError::invalid("stage", domain::Rule::Format { expected: "forum_stage" }))
}

/// Raises a proposal in a forum that is open.
#[utoipa::path(post, path = "/api/v1/proposals", tag = "proposals", security(("bearer" = [])), request_body = NewProposal,
    responses((status = 201, body = ProposalJson), (status = 404, body = super::Problem, description = "No such cycle.")))]
async fn submit(ctx: ApiCtx, ApiJson(input): ApiJson<NewProposal>) -> AppResult<Response> {
    ctx.require_user()?;
    let stage = parse_stage(&input.stage)?;
    let proposal_id = Uuid::now_v7();
    let command = Command::Musrenbang(MusrenbangCommand::SubmitProposal(ProposalInput {
        proposal_id,
        cycle_id: input.cycle_id,
        stage,
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
    Ok((StatusCode::CREATED, Json(proposal_json(&ctx.state, &detail, ctx.user.as_ref()).await?)).into_response())
}

/// Which proposals: every filter narrows.
#[derive(Deserialize, IntoParams)]
pub struct FilterQuery {
    /// A cycle id.
    cycle: Option<Uuid>,
    /// A region code at any level: pemda, kecamatan, kelurahan or lingkungan.
    #[param(value_type = schema::RegionFilter, inline, required = false)]
    region: Option<String>,
    /// The latest stage reached.
    #[param(value_type = schema::StageFilter, inline, required = false)]
    stage: Option<String>,
    /// The status at the latest stage.
    #[param(value_type = schema::StatusFilter, inline, required = false)]
    status: Option<String>,
    /// `lingkungan`, `kelurahan`, `kecamatan` or `pokir`.
    #[param(value_type = schema::OriginFilter, inline, required = false)]
    origin: Option<String>,
    /// An OPD code.
    #[param(value_type = schema::OptionalCode, inline, required = false)]
    opd: Option<String>,
    /// Words each found in the title or the latest address; case and accents are ignored, at
    /// most eight words count, and only letters, digits and `. - /` are read.
    #[param(value_type = schema::LookupText, inline, required = false)]
    q: Option<String>,
}

impl FilterQuery {
    fn filter(&self) -> AppResult<store::ProposalFilter> {
        let mut filter = filter_of(
            self.region.as_deref(),
            self.stage.as_deref(),
            self.status.as_deref(),
            self.origin.as_deref(),
            self.opd.as_deref(),
            self.q.as_deref(),
        )?;
        filter.cycle = self.cycle;
        Ok(filter)
    }
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// From `next_cursor` of the previous page.
    cursor: Option<Uuid>,
    /// How many to give.
    #[param(value_type = schema::PageLimit, inline, required = false)]
    limit: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalPage {
    items: Vec<ProposalSummaryJson>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(value_type = Option<String>, format = Uuid)]
    next_cursor: Option<Uuid>,
}

/// Proposals, public, filtered, in the order they were raised; keyset pagination by `cursor`.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "proposals", security((), ("bearer" = [])),
    params(FilterQuery, PageQuery), responses((status = 200, body = ProposalPage)))]
async fn list(
    ctx: ApiCtx,
    Query(filter): Query<FilterQuery>,
    Query(page): Query<PageQuery>,
) -> AppResult<Json<ProposalPage>> {
    let filter = filter.filter()?;
    let limit = page.limit.unwrap_or(100).clamp(1, store::PAGE_MAX);
    let items = ctx.state.store.proposals(&filter, page.cursor, limit).await?;
    let next_cursor = (items.len() as u64 == limit).then(|| items.last().map(|p| p.id)).flatten();
    Ok(Json(ProposalPage { items: items.iter().map(ProposalSummaryJson::from).collect(), next_cursor }))
}

#[derive(Serialize, ToSchema)]
pub struct ProposalCount {
    /// How many proposals the filters match.
    total: u64,
}

/// How many proposals the filters match, as the list would give them page by page.
#[utoipa::path(get, path = "/api/v1/proposals/count", tag = "proposals", security((), ("bearer" = [])),
    params(FilterQuery), responses((status = 200, body = ProposalCount)))]
async fn count(ctx: ApiCtx, Query(filter): Query<FilterQuery>) -> AppResult<Json<ProposalCount>> {
    Ok(Json(ProposalCount { total: ctx.state.store.proposal_count(&filter.filter()?).await? }))
}

/// Where the proposals the filters match are, for a map.
#[derive(Serialize, ToSchema)]
pub struct ProposalPoints {
    /// Whether more proposals match than `points` holds (at most 20,000); narrow the filters.
    truncated: bool,
    /// Each: latitude and longitude in millionths of a degree, the proposal's id, and its status
    /// at the latest stage. Proposals without a point are left out.
    #[schema(value_type = Vec<Vec<serde_json::Value>>, example = json!([[3595200, 98672200, "01a24273-9235-75fe-b7e7-50df02ae105d", "accepted"]]))]
    points: Vec<(i32, i32, Uuid, String)>,
}

/// The points of the proposals the filters match, as a cycle's map draws them (clustered).
#[utoipa::path(get, path = "/api/v1/proposals/points", tag = "proposals", security((), ("bearer" = [])),
    params(FilterQuery), responses((status = 200, body = ProposalPoints)))]
async fn points(ctx: ApiCtx, Query(filter): Query<FilterQuery>) -> AppResult<Json<ProposalPoints>> {
    let mut points = ctx.state.store.proposal_points(&filter.filter()?, MAP_POINTS_MAX + 1).await?;
    let truncated = points.len() as u64 > MAP_POINTS_MAX;
    points.truncate(MAP_POINTS_MAX as usize);
    Ok(Json(ProposalPoints {
        truncated,
        points: points.into_iter().map(|(id, status, lat, lon)| (lat, lon, id, status)).collect(),
    }))
}

/// At most how many points a map is sent: a cycle of a large city, clustered on a phone.
const MAP_POINTS_MAX: u64 = 20_000;

fn parse_id(id: &str) -> AppResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| AppError::NotFound)
}

/// One proposal: what it is, every stage's record side by side, and its red flags.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "proposals", security((), ("bearer" = [])), params(IdPath),
    responses((status = 200, body = ProposalJson)))]
async fn get_proposal(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Json<ProposalJson>> {
    let detail = ctx.state.store.proposal(parse_id(&id)?).await?.ok_or(AppError::NotFound)?;
    Ok(Json(proposal_json(&ctx.state, &detail, ctx.user.as_ref()).await?))
}

#[derive(Serialize, ToSchema)]
pub struct HistoryEntry {
    seq: i64,
    at: String,
    kind: String,
    actor: String,
    #[schema(value_type = Object)]
    payload: serde_json::Value,
    hash: String,
}

/// The proposal's timeline, from the journal: every event about it, oldest first.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/history", tag = "proposals", security((), ("bearer" = [])),
    params(IdPath), responses((status = 200, body = Vec<HistoryEntry>)))]
async fn history(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Json<Vec<HistoryEntry>>> {
    let id = parse_id(&id)?;
    if ctx.state.store.proposal(id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let entries = ctx.state.store.proposal_history(id).await?;
    let actors = public_actors(&ctx.state.store, &ctx.tr, entries.iter().map(|e| e.actor.as_str())).await?;
    let mut history = Vec::with_capacity(entries.len());
    for e in entries {
        let mut payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null);
        // A resident's support names their account id: not for the public.
        if let Some(object) = payload.as_object_mut() {
            object.remove("user_id");
        }
        history.push(HistoryEntry {
            seq: e.seq,
            at: e.at,
            kind: e.kind,
            actor: actors.get(&e.actor).cloned().unwrap_or_default(),
            payload,
            hash: e.hash,
        });
    }
    Ok(Json(history))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionJson {
    /// The forum's stage: `musrenbang_kelurahan` or `musrenbang_kecamatan`.
    #[schema(value_type = schema::DecisionStage, inline)]
    stage: String,
    /// `accept`, `accept_with_changes` or `reject`.
    #[schema(value_type = schema::Decision, inline)]
    decision: String,
    /// For `accept_with_changes`: any of these (empty = unchanged).
    #[serde(default)]
    #[schema(value_type = schema::OptionalVolume, inline)]
    volume: String,
    #[serde(default)]
    #[schema(value_type = schema::OptionalCode, inline)]
    kamus_code: String,
    #[serde(default)]
    #[schema(value_type = schema::OptionalLingkunganCode, inline)]
    lingkungan: String,
    #[serde(default)]
    #[schema(value_type = schema::OptionalAddress, inline)]
    address: String,
    #[serde(default)]
    #[schema(value_type = schema::OptionalCode, inline)]
    opd_code: String,
    /// Required for every decision but a plain accept.
    #[serde(default)]
    #[schema(value_type = schema::LongText, inline)]
    reason: String,
}

/// A forum decides on a proposal that reached it.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/decisions", tag = "forums", security(("bearer" = [])),
    params(IdPath), request_body = DecisionJson, responses((status = 200, body = ProposalJson)))]
async fn decide(
    ctx: ApiCtx,
    Path(IdPath { id }): Path<IdPath>,
    ApiJson(input): ApiJson<DecisionJson>,
) -> AppResult<Json<ProposalJson>> {
    ctx.require_user()?;
    let proposal_id = parse_id(&id)?;
    let stage = parse_stage(&input.stage)?;
    let decision = decision_input(
        &input.decision,
        input.volume,
        input.kamus_code,
        input.lingkungan,
        input.address,
        input.opd_code,
        input.reason,
    )?;
    let command = Command::Musrenbang(MusrenbangCommand::DecideProposal { proposal_id, stage, decision });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let detail = ctx.state.store.proposal(proposal_id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(proposal_json(&ctx.state, &detail, ctx.user.as_ref()).await?))
}

#[derive(Serialize, ToSchema)]
pub struct SupportCount {
    supports: i32,
}

/// A resident supports a proposal (once).
#[utoipa::path(post, path = "/api/v1/proposals/{id}/supports", tag = "proposals", security(("bearer" = [])),
    params(IdPath), responses((status = 201, body = SupportCount)))]
async fn support(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Response> {
    ctx.require_user()?;
    let proposal_id = parse_id(&id)?;
    ctx.state
        .store
        .execute(
            &ctx.actor(),
            &Command::Musrenbang(MusrenbangCommand::SupportProposal { proposal_id }),
            OffsetDateTime::now_utc(),
        )
        .await?;
    let detail = ctx.state.store.proposal(proposal_id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(SupportCount { supports: detail.summary.supports })).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct ForumEntryJson {
    #[serde(flatten)]
    summary: ProposalSummaryJson,
    /// The record at this forum's stage.
    record: StageRecordJson,
}

#[derive(Serialize, ToSchema)]
pub struct ForumJson {
    #[schema(value_type = String, format = Uuid)]
    cycle_id: Uuid,
    stage: &'static str,
    region: String,
    closed: bool,
    /// Whether the stage's window is open now.
    stage_open: bool,
    #[schema(value_type = Option<Object>)]
    minutes: Option<domain::planning::Meeting>,
    accepted: usize,
    /// How many it may forward (none = no cap).
    cap: Option<u32>,
    /// The sum of the accepted costs; null only for data stored before costs were bounded,
    /// whose sum would not fit.
    accepted_cost: Option<i64>,
    /// The pagu indikatif kewilayahan, for a kecamatan forum.
    ceiling: Option<i64>,
    /// How many proposals the forum holds, and how many of them wait for a decision.
    entries: u64,
    pending: u64,
    /// The place of the first item given in the forum's order (from 0).
    offset: u64,
    /// In rank order, then in the order they arrived: `limit` of them from `offset`.
    items: Vec<ForumEntryJson>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportedJson {
    /// How many proposals the forum gained, one per filled row, attributed to the caller.
    imported: usize,
}

/// The forum's Excel template for proposals gathered on paper: the columns to fill (sheet
/// "Usulan"), how to fill them, the kamus and the forum's lingkungan. Public.
#[utoipa::path(get, path = "/api/v1/forums/{cycle}/{stage}/{region_code}/import-template", tag = "forums",
    security((), ("bearer" = [])), params(ForumPath),
    responses((status = 200, description = "The workbook.",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
async fn import_template(
    ctx: ApiCtx,
    Path(ForumPath { cycle, stage, region_code: region }): Path<ForumPath>,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    let bytes = crate::views::import::template(&ctx.state, &ctx.tr, &key).await?;
    Ok(crate::views::xlsx::download(&format!("templat-usulan-{}-{}", key.stage.as_str(), key.region), bytes))
}

/// The forum's berita acara as a PDF (A4): its meeting, attendees with a line to sign each, what
/// it agreed in rank order with the total in words, what it did not agree and why, its
/// delegates. Its SHA-256 is journaled (answered in `X-Document-Sha256`, its code in
/// `X-Document-Code`), so that anyone can check a print at `/d/{code}`. Public.
#[utoipa::path(get, path = "/api/v1/forums/{cycle}/{stage}/{region_code}/berita-acara.pdf", tag = "forums",
    security((), ("bearer" = [])), params(ForumPath),
    responses((status = 200, description = "The PDF.", content_type = "application/pdf", body = Vec<u8>),
        (status = 503, body = super::Problem, description = "Two documents are being typeset already; try again after `Retry-After`.")))]
async fn berita_acara_pdf(
    ctx: ApiCtx,
    Path(ForumPath { cycle, stage, region_code: region }): Path<ForumPath>,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    let (document, subject) = crate::views::print::berita_acara(&ctx.state, &ctx.tr, &key).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

/// The forum's daftar usulan prioritas as a PDF: what it agreed, in rank order, with the total
/// against its pagu. Journaled like every print. Public.
#[utoipa::path(get, path = "/api/v1/forums/{cycle}/{stage}/{region_code}/daftar-prioritas.pdf", tag = "forums",
    security((), ("bearer" = [])), params(ForumPath),
    responses((status = 200, description = "The PDF.", content_type = "application/pdf", body = Vec<u8>),
        (status = 503, body = super::Problem, description = "Two documents are being typeset already; try again after `Retry-After`.")))]
async fn daftar_prioritas_pdf(
    ctx: ApiCtx,
    Path(ForumPath { cycle, stage, region_code: region }): Path<ForumPath>,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    let (document, subject) = crate::views::print::daftar_prioritas(&ctx.state, &ctx.tr, &key).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

/// Imports a filled template as the forum's proposals, for whoever runs the forum: every row is
/// checked first; if any fails, nothing is imported and the answer lists each refusal as
/// `rows[i].field` (`i + 1` is the sheet's row) or `file` (too large, not a workbook, a formula,
/// columns missing or unknown). All or nothing, in one transaction.
#[utoipa::path(post, path = "/api/v1/forums/{cycle}/{stage}/{region_code}/import", tag = "forums",
    security(("bearer" = [])), params(ForumPath),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 201, body = ImportedJson)))]
async fn import_rows(
    ctx: ApiCtx,
    Path(ForumPath { cycle, stage, region_code: region }): Path<ForumPath>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    ctx.require_user()?;
    let key = forum_key(&cycle, &stage, &region)?;
    forum_cycle(&ctx.state.store, &key).await?;
    if !domain::musrenbang::runs_forum(&ctx.actor(), key.stage, &key.region) {
        return Err(AppError::Forbidden);
    }
    if body.is_empty() {
        return Err(AppError::invalid("file", domain::Rule::Required));
    }
    match crate::views::import::import(&ctx.state, &ctx.actor(), &key, &body, &|_| {}).await? {
        crate::views::import::Imported::All(imported) => {
            Ok((StatusCode::CREATED, Json(ImportedJson { imported })).into_response())
        }
        crate::views::import::Imported::Refused(errors) => Err(AppError::Invalid(errors)),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ForumQuery {
    /// How many items to skip in the forum's order; past the end gives the last page.
    #[param(value_type = schema::PageOffset, inline, required = false)]
    offset: Option<u64>,
    /// How many items to give.
    #[param(value_type = schema::PageLimit, inline, required = false)]
    limit: Option<u64>,
}

/// A forum: its proposals with this stage's records, totals against cap and ceiling, minutes.
#[utoipa::path(get, path = "/api/v1/forums/{cycle}/{stage}/{region_code}", tag = "forums",
    security((), ("bearer" = [])), params(ForumPath, ForumQuery), responses((status = 200, body = ForumJson)))]
async fn forum(
    ctx: ApiCtx,
    Path(ForumPath { cycle, stage, region_code: region }): Path<ForumPath>,
    Query(query): Query<ForumQuery>,
) -> AppResult<Json<ForumJson>> {
    let key = forum_key(&cycle, &stage, &region)?;
    let cycle = forum_cycle(&ctx.state.store, &key).await?;
    let limit = query.limit.unwrap_or(store::PAGE_MAX).clamp(1, store::PAGE_MAX);
    let view = ctx.state.store.forum_page(&key, query.offset.unwrap_or(0), limit).await?;
    let facts = &view.facts;
    Ok(Json(ForumJson {
        cycle_id: key.cycle_id,
        stage: key.stage.as_str(),
        region: key.region.to_string(),
        closed: facts.closed,
        stage_open: domain::musrenbang::stage_open(&cycle, key.stage, OffsetDateTime::now_utc()),
        minutes: facts.meeting.clone(),
        accepted: view.totals.accepted as usize,
        cap: cycle.caps.for_stage(key.stage),
        accepted_cost: view.totals.accepted_cost,
        ceiling: facts.ceiling,
        entries: view.totals.entries,
        pending: view.totals.pending,
        offset: view.first,
        items: view
            .items
            .iter()
            .map(|(summary, record)| ForumEntryJson { summary: summary.into(), record: record.into() })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct RankingJson {
    /// Every accepted proposal of the forum, each once, highest priority first.
    #[schema(value_type = schema::Ranking, inline)]
    order: Vec<Uuid>,
}

/// Sets the forum's priority order of what it accepted.
#[utoipa::path(put, path = "/api/v1/forums/{cycle}/{stage}/{region_code}/ranking", tag = "forums", security(("bearer" = [])),
    params(ForumPath), request_body = RankingJson, responses((status = 204)))]
async fn rank(
    ctx: ApiCtx,
    Path(ForumPath { cycle, stage, region_code: region }): Path<ForumPath>,
    ApiJson(input): ApiJson<RankingJson>,
) -> AppResult<StatusCode> {
    ctx.require_user()?;
    let forum = forum_key(&cycle, &stage, &region)?;
    ctx.state
        .store
        .execute(
            &ctx.actor(),
            &Command::Musrenbang(MusrenbangCommand::RankForum { forum, order: input.order }),
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct AttendeeJson {
    #[schema(value_type = schema::Name, inline)]
    name: String,
    /// Their office or part in the forum.
    #[schema(value_type = schema::Name, inline)]
    role: String,
}

#[derive(Deserialize, ToSchema)]
pub struct MinutesJson {
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    date: String,
    #[schema(value_type = schema::Address, inline)]
    place: String,
    #[schema(value_type = schema::Name, inline)]
    chair: String,
    #[schema(value_type = Attendees, inline)]
    attendees: Vec<AttendeeJson>,
    /// Who goes to the next forum; blank entries are skipped.
    #[serde(default)]
    #[schema(value_type = schema::Delegates, inline)]
    delegates: Vec<String>,
}

impl MinutesJson {
    pub fn into_meeting(self) -> MeetingInput {
        MeetingInput {
            date: self.date,
            place: self.place,
            chair: self.chair,
            attendees: self.attendees.into_iter().map(|a| (a.name, a.role)).collect(),
            delegates: self.delegates,
        }
    }
}

/// Records the forum's minutes (the berita acara's date, place, chair, attendees, delegates).
#[utoipa::path(put, path = "/api/v1/forums/{cycle}/{stage}/{region_code}/minutes", tag = "forums", security(("bearer" = [])),
    params(ForumPath), request_body = MinutesJson, responses((status = 204)))]
async fn minutes(
    ctx: ApiCtx,
    Path(ForumPath { cycle, stage, region_code: region }): Path<ForumPath>,
    ApiJson(input): ApiJson<MinutesJson>,
) -> AppResult<StatusCode> {
    ctx.require_user()?;
    let forum = forum_key(&cycle, &stage, &region)?;
    let meeting = input.into_meeting();
    ctx.state
        .store
        .execute(
            &ctx.actor(),
            &Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum, meeting }),
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes the forum: refused while a proposal is undecided, the accepted list is unranked, over
/// the forward cap or (kecamatan) over the ceiling, or the minutes are missing. What it accepted
/// goes to the next stage, and the forum becomes read-only.
#[utoipa::path(post, path = "/api/v1/forums/{cycle}/{stage}/{region_code}/close", tag = "forums", security(("bearer" = [])),
    params(ForumPath), responses((status = 204)))]
async fn close(
    ctx: ApiCtx,
    Path(ForumPath { cycle, stage, region_code: region }): Path<ForumPath>,
) -> AppResult<StatusCode> {
    ctx.require_user()?;
    let forum = forum_key(&cycle, &stage, &region)?;
    ctx.state
        .store
        .execute(&ctx.actor(), &Command::Musrenbang(MusrenbangCommand::CloseForum { forum }), OffsetDateTime::now_utc())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct PhotoJson {
    #[schema(value_type = String, format = Uuid)]
    id: Uuid,
    /// SHA-256 of the bytes, as the journal records it.
    sha256: String,
    content_type: String,
    size: u64,
    /// Where to fetch it.
    href: String,
}

/// A photo as the API lists it; `base` is the path of what it shows (`/api/v1/proposals/{id}`).
pub(super) fn photo_json(base: &str, p: &domain::planning::PhotoRef) -> PhotoJson {
    PhotoJson {
        id: p.id,
        sha256: p.sha256.clone(),
        content_type: p.content_type.clone(),
        size: p.size,
        href: format!("{base}/photos/{}", p.id),
    }
}

/// The photos of a proposal.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/photos", tag = "proposals", security((), ("bearer" = [])),
    params(IdPath), responses((status = 200, body = Vec<PhotoJson>)))]
async fn photos(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Json<Vec<PhotoJson>>> {
    let id = parse_id(&id)?;
    if ctx.state.store.proposal(id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(Json(
        ctx.state.store.photos(id).await?.iter().map(|p| photo_json(&format!("/api/v1/proposals/{id}"), p)).collect(),
    ))
}

/// Adds a photo (the request body is the JPEG or PNG file itself, at most 5 MB; its type is
/// judged by its content). Allowed where the proposal could be raised, while that forum is open.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/photos", tag = "proposals", security(("bearer" = [])),
    params(IdPath), request_body(content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))),
    responses((status = 201, body = PhotoJson)))]
async fn add_photo(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>, body: axum::body::Bytes) -> AppResult<Response> {
    ctx.require_user()?;
    let id = parse_id(&id)?;
    let photo = ctx.state.store.attach_photo(&ctx.actor(), id, body, OffsetDateTime::now_utc()).await?;
    Ok((StatusCode::CREATED, Json(photo_json(&format!("/api/v1/proposals/{id}"), &photo))).into_response())
}

/// One photo's bytes.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/photos/{photo}", tag = "proposals", security((), ("bearer" = [])),
    params(PhotoPath), responses((status = 200, content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png")))))]
async fn photo(ctx: ApiCtx, Path(PhotoPath { id, photo }): Path<PhotoPath>) -> AppResult<Response> {
    crate::views::proposals::photo_response(&ctx.state, &id, &photo).await
}

/// The people at a forum: at least one, at most `musrenbang::ATTENDEES_MAX`.
fn attendees() -> utoipa::openapi::Array {
    utoipa::openapi::ArrayBuilder::new()
        .items(<AttendeeJson as utoipa::PartialSchema>::schema())
        .min_items(Some(1))
        .max_items(Some(domain::musrenbang::ATTENDEES_MAX))
        .build()
}

schema::shapes! { Attendees => attendees }
