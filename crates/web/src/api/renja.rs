//! The forum OPD, the Renja and the RKPD: an OPD's decisions on what reached it, its Renja lines
//! and their figures per stage, its berita acara and finalising within its pagu indikatif; the
//! OPD ceilings; the RKPD with its musrenbang and adoption; and lineage both ways (a line's items
//! with every stage's record, a proposal's line in `GET /api/v1/proposals/{id}`). Reads are public.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::renja::{LineContent, LineFlag, LineInput, LineText};
use domain::views::{LineSummary, LineView, RenjaView, RkpdView};
use domain::{Command, Event, RenjaCommand, RkpdCommand, ScheduleCommand, ScheduleEvent};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::ApiJson;
use super::cycles::amount_text;
use super::proposals::{MinutesJson, ProposalJson, ProposalSummaryJson, StageRecordJson, proposal_json};
use super::schema::{self, IdPath, RenjaPath};
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::renja::{flags_of, opd_decision};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(renja))
        .routes(routes!(save_line))
        .routes(routes!(get_line))
        .routes(routes!(decide))
        .routes(routes!(minutes))
        .routes(routes!(finalise))
        .routes(routes!(set_opd_ceiling))
        .routes(routes!(rkpd))
        .routes(routes!(renja_pdf))
        .routes(routes!(rkpd_pdf))
        .routes(routes!(rkpd_musrenbang))
        .routes(routes!(adopt))
}

fn parse_id(text: &str) -> AppResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| AppError::NotFound)
}

async fn cycle_of(ctx: &ApiCtx, id: &str) -> AppResult<domain::cycle::CycleFacts> {
    ctx.state.store.cycle(parse_id(id)?).await?.ok_or(AppError::NotFound)
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorJson {
    pub description: String,
    /// As written in Indonesian (`12,5`).
    pub target: String,
    pub unit: String,
}

/// A line's figures at one stage.
#[derive(Serialize, ToSchema)]
pub struct LineStageJson {
    /// `forum_opd`, `musrenbang_rkpd` or `rancangan_akhir`.
    pub stage: &'static str,
    pub sub_kegiatan: String,
    /// Kecamatan or kelurahan codes; empty for the whole pemda.
    pub locations: Vec<String>,
    pub output: IndicatorJson,
    pub outcome: IndicatorJson,
    /// Whole rupiah.
    pub pagu: i64,
    pub funding: &'static str,
    /// Whole rupiah, for the year after.
    pub prakiraan_maju: i64,
    pub priority: Option<String>,
    pub saved_by: String,
    pub saved_at: String,
}

fn indicator(i: &domain::renja::Indicator) -> IndicatorJson {
    IndicatorJson {
        description: i.description.clone(),
        target: domain::money::format_volume(i.target),
        unit: i.unit.clone(),
    }
}

fn stage_json(stage: &domain::views::LineStage) -> LineStageJson {
    let c: &LineContent = &stage.content;
    LineStageJson {
        stage: stage.stage.as_str(),
        sub_kegiatan: c.sub_kegiatan.clone(),
        locations: c.locations.iter().map(ToString::to_string).collect(),
        output: indicator(&c.output),
        outcome: indicator(&c.outcome),
        pagu: c.pagu,
        funding: c.funding.as_str(),
        prakiraan_maju: c.prakiraan_maju,
        priority: c.priority.clone(),
        saved_by: stage.saved_by.clone(),
        saved_at: stage.saved_at.clone(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct LineJson {
    #[schema(value_type = String, format = Uuid)]
    pub id: Uuid,
    #[schema(value_type = String, format = Uuid)]
    pub cycle_id: Uuid,
    pub opd_code: String,
    /// The stage that created it.
    pub first_stage: &'static str,
    /// Its figures at each stage that saved any, in stage order; a stage without its own shows
    /// the stage before's.
    pub stages: Vec<LineStageJson>,
    /// How many proposals and pokir it carries; 0 is the OPD's own initiative.
    pub sources: u64,
    /// What Bappeda and the public should look at (never blocking).
    #[schema(value_type = Vec<Object>)]
    pub red_flags: Vec<LineFlag>,
}

fn line_json(line: &LineSummary) -> LineJson {
    LineJson {
        id: line.id,
        cycle_id: line.cycle_id,
        opd_code: line.opd_code.clone(),
        first_stage: line.first_stage.as_str(),
        stages: line.stages.iter().map(stage_json).collect(),
        sources: line.sources,
        red_flags: flags_of(line),
    }
}

/// An item a line carries, with every stage's record: the way back to who raised it.
#[derive(Serialize, ToSchema)]
pub struct LineSourceJson {
    pub proposal: ProposalSummaryJson,
    pub stages: Vec<StageRecordJson>,
}

#[derive(Serialize, ToSchema)]
pub struct LineViewJson {
    #[serde(flatten)]
    pub line: LineJson,
    pub carries: Vec<LineSourceJson>,
}

fn line_view_json(view: &LineView) -> LineViewJson {
    LineViewJson {
        line: line_json(&view.line),
        carries: view
            .sources
            .iter()
            .map(|s| LineSourceJson {
                proposal: ProposalSummaryJson::from(&s.summary),
                stages: s.records.iter().map(StageRecordJson::from).collect(),
            })
            .collect(),
    }
}

/// An item that reached the OPD, with its record at the forum OPD.
#[derive(Serialize, ToSchema)]
pub struct OpdItemJson {
    pub proposal: ProposalSummaryJson,
    pub record: StageRecordJson,
}

#[derive(Serialize, ToSchema)]
pub struct RenjaJson {
    #[schema(value_type = String, format = Uuid)]
    pub cycle_id: Uuid,
    pub opd_code: String,
    /// Whether the OPD finalised its Renja (its forum OPD is closed).
    pub finalised: bool,
    /// The OPD's pagu indikatif (whole rupiah), `null` while not set.
    pub ceiling: Option<i64>,
    /// The sum of its lines' pagu at the forum OPD; `null` only if it would not fit.
    pub total: Option<i64>,
    /// Items waiting for its decision.
    pub pending: usize,
    /// The berita acara, once recorded.
    #[schema(value_type = Option<Object>)]
    pub minutes: Option<domain::planning::Meeting>,
    pub lines: Vec<LineJson>,
    /// What reached it (`offset`, `limit`), pending first, and how many in all.
    pub items: Vec<OpdItemJson>,
    pub items_total: u64,
    pub offset: u64,
}

fn renja_json(view: &RenjaView) -> RenjaJson {
    RenjaJson {
        cycle_id: view.facts.cycle_id,
        opd_code: view.facts.opd_code.clone(),
        finalised: view.facts.finalised,
        ceiling: view.facts.ceiling,
        total: domain::money::sum(view.facts.line_pagu.iter().copied()).ok(),
        pending: view.facts.pending,
        minutes: view.facts.meeting.clone(),
        lines: view.lines.iter().map(line_json).collect(),
        items: view
            .items
            .iter()
            .map(|(s, r)| OpdItemJson { proposal: ProposalSummaryJson::from(s), record: StageRecordJson::from(r) })
            .collect(),
        items_total: view.items_total,
        offset: view.offset,
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items to skip; past the end gives the last page.
    #[serde(default)]
    #[param(value_type = schema::PageOffset, inline, required = false)]
    offset: u64,
    #[serde(default)]
    #[param(value_type = schema::PageLimit, inline)]
    limit: Option<u64>,
}

/// An OPD's forum and Renja in a cycle: its lines, its totals against its pagu indikatif, and a
/// page of the items that reached it. Public.
#[utoipa::path(get, path = "/api/v1/cycles/{cycle}/renja/{opd_code}", tag = "renja", security((), ("bearer" = [])),
    params(RenjaPath, PageQuery), responses((status = 200, body = RenjaJson)))]
async fn renja(
    ctx: ApiCtx,
    Path(RenjaPath { cycle, opd_code }): Path<RenjaPath>,
    Query(page): Query<PageQuery>,
) -> AppResult<Json<RenjaJson>> {
    let cycle = cycle_of(&ctx, &cycle).await?;
    if !ctx.state.store.opds(&cycle.pemda).await?.iter().any(|o| o.code == opd_code) {
        return Err(AppError::NotFound);
    }
    let limit = page.limit.unwrap_or(100).min(store::PAGE_MAX);
    let view = ctx.state.store.renja(cycle.id, &opd_code, page.offset, limit).await?;
    Ok(Json(renja_json(&view)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    #[schema(value_type = schema::IndicatorText, inline)]
    description: String,
    /// A number above zero, at most three decimals.
    #[schema(value_type = schema::Volume, inline)]
    target: String,
    #[schema(value_type = schema::IndicatorUnit, inline)]
    unit: String,
}

/// A Renja line as sent: a new one without `id` (or with an id not used yet), else that line's
/// figures at `stage`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInputJson {
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    id: Option<Uuid>,
    #[schema(value_type = String, format = Uuid)]
    cycle_id: Uuid,
    #[schema(value_type = schema::Code, inline)]
    opd_code: String,
    /// `forum_opd` (the OPD's operator, while its forum is open), or `musrenbang_rkpd` and
    /// `rancangan_akhir` (Bappeda, while those stages are open).
    #[schema(value_type = schema::LineStage, inline)]
    stage: String,
    /// A sub kegiatan of the nomenclature of the cycle's tahun anggaran.
    #[schema(value_type = schema::SubKegiatan, inline)]
    sub_kegiatan: String,
    #[serde(default)]
    #[schema(value_type = schema::Locations, inline)]
    locations: Vec<String>,
    output: IndicatorInput,
    outcome: IndicatorInput,
    /// Whole rupiah, above zero.
    #[schema(value_type = schema::Amount, inline, required = true)]
    #[serde(default)]
    pagu: serde_json::Value,
    #[schema(value_type = schema::Funding, inline)]
    funding: String,
    /// Whole rupiah for the year after (0 when none).
    #[schema(value_type = schema::Amount, inline, required = true)]
    #[serde(default)]
    prakiraan_maju: serde_json::Value,
    /// The code of the RPJMD priority it serves, or empty.
    #[serde(default)]
    #[schema(value_type = schema::OptionalCode, inline)]
    priority: String,
}

/// Creates a Renja line, or saves a line's figures at a stage. 201 when it created the line.
#[utoipa::path(post, path = "/api/v1/renja/lines", tag = "renja", security(("bearer" = [])),
    request_body = LineInputJson, responses((status = 200, body = LineViewJson), (status = 201, body = LineViewJson), (status = 404, description = "The member, cycle or parent it names is not there.", body = super::Problem)))]
async fn save_line(ctx: ApiCtx, ApiJson(input): ApiJson<LineInputJson>) -> AppResult<Response> {
    ctx.require_user()?;
    let line_id = input.id.unwrap_or_else(Uuid::now_v7);
    let stage = domain::cycle::Stage::parse(input.stage.trim());
    let command = Command::Renja(RenjaCommand::SaveLine(LineInput {
        line_id,
        cycle_id: input.cycle_id,
        opd_code: input.opd_code,
        stage,
        text: LineText {
            sub_kegiatan: input.sub_kegiatan,
            locations: input.locations.join(","),
            output_description: input.output.description,
            output_target: input.output.target,
            output_unit: input.output.unit,
            outcome_description: input.outcome.description,
            outcome_target: input.outcome.target,
            outcome_unit: input.outcome.unit,
            pagu: amount_text(&input.pagu),
            funding: input.funding,
            prakiraan_maju: amount_text(&input.prakiraan_maju),
            priority: input.priority,
        },
    }));
    let events = ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let created = events.iter().any(|e| matches!(e, Event::Renja(domain::RenjaEvent::LineSaved { first: true, .. })));
    let view =
        ctx.state.store.renja_line(line_id).await?.ok_or_else(|| AppError::broken("a saved line was not found"))?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(line_view_json(&view))).into_response())
}

/// A Renja line with its figures per stage and the items it carries, each with every stage's
/// record (the way back to the residents' request or the member's reses). Public.
#[utoipa::path(get, path = "/api/v1/renja/lines/{id}", tag = "renja", security((), ("bearer" = [])),
    params(IdPath), responses((status = 200, body = LineViewJson)))]
async fn get_line(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Json<LineViewJson>> {
    let view = ctx.state.store.renja_line(parse_id(&id)?).await?.ok_or(AppError::NotFound)?;
    Ok(Json(line_view_json(&view)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpdDecisionJson {
    /// `accept` and `accept_with_changes` place it in `line_id`; `reject` and `redirect` need a
    /// reason; `redirect` names the OPD that decides it instead.
    #[schema(value_type = schema::OpdDecision, inline)]
    decision: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    line_id: Option<Uuid>,
    /// For `accept_with_changes`: the volume agreed (empty keeps it).
    #[serde(default)]
    #[schema(value_type = schema::OptionalVolume, inline)]
    volume: String,
    /// For `redirect`.
    #[serde(default)]
    #[schema(value_type = schema::OptionalCode, inline)]
    opd_code: String,
    #[serde(default)]
    #[schema(value_type = schema::LongText, inline)]
    reason: String,
}

/// The forum OPD of the OPD that holds a proposal or pokir decides it. Its operator only.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/opd-decisions", tag = "renja", security(("bearer" = [])),
    params(IdPath), request_body = OpdDecisionJson, responses((status = 200, body = ProposalJson)))]
async fn decide(
    ctx: ApiCtx,
    Path(IdPath { id }): Path<IdPath>,
    ApiJson(input): ApiJson<OpdDecisionJson>,
) -> AppResult<Json<ProposalJson>> {
    ctx.require_user()?;
    let proposal_id = parse_id(&id)?;
    let line = input.line_id.map(|l| l.to_string()).unwrap_or_default();
    let decision = opd_decision(&input.decision, &line, input.volume, input.reason, input.opd_code)?;
    let command = Command::Renja(RenjaCommand::Decide { proposal_id, decision });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let detail = ctx.state.store.proposal(proposal_id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(proposal_json(&ctx.state, &detail, ctx.user.as_ref()).await?))
}

/// Records the forum OPD's berita acara (date, place, chair, attendees, the kecamatan delegates).
#[utoipa::path(put, path = "/api/v1/cycles/{cycle}/renja/{opd_code}/minutes", tag = "renja", security(("bearer" = [])),
    params(RenjaPath), request_body = MinutesJson, responses((status = 204)))]
async fn minutes(
    ctx: ApiCtx,
    Path(RenjaPath { cycle, opd_code }): Path<RenjaPath>,
    ApiJson(input): ApiJson<MinutesJson>,
) -> AppResult<StatusCode> {
    ctx.require_user()?;
    let cycle_id = parse_id(&cycle)?;
    let command = Command::Renja(RenjaCommand::RecordMeeting { cycle_id, opd_code, meeting: input.into_meeting() });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Finalises the OPD's Renja: refused (409, with the amounts in `context`) while an item is
/// undecided, the berita acara is missing, no pagu indikatif is set, or the lines' pagu passes it.
#[utoipa::path(post, path = "/api/v1/cycles/{cycle}/renja/{opd_code}/finalise", tag = "renja", security(("bearer" = [])),
    params(RenjaPath), responses((status = 200, body = RenjaJson)))]
async fn finalise(ctx: ApiCtx, Path(RenjaPath { cycle, opd_code }): Path<RenjaPath>) -> AppResult<Json<RenjaJson>> {
    ctx.require_user()?;
    let cycle_id = parse_id(&cycle)?;
    let command = Command::Renja(RenjaCommand::Finalise { cycle_id, opd_code: opd_code.clone() });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    Ok(Json(renja_json(&ctx.state.store.renja(cycle_id, &opd_code, 0, 100).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct OpdCeilingInput {
    /// Whole rupiah: a number or text as people type it (`"2.500.000"`).
    #[schema(value_type = schema::Amount, inline, required = true)]
    #[serde(default)]
    amount: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct OpdCeilingJson {
    pub opd_code: String,
    pub amount: i64,
}

/// Sets an OPD's pagu indikatif for the cycle, which its Renja must fit. Bappeda admins only.
#[utoipa::path(put, path = "/api/v1/cycles/{cycle}/opd-ceilings/{opd_code}", tag = "renja", security(("bearer" = [])),
    params(RenjaPath), request_body = OpdCeilingInput, responses((status = 200, body = OpdCeilingJson)))]
async fn set_opd_ceiling(
    ctx: ApiCtx,
    Path(RenjaPath { cycle, opd_code }): Path<RenjaPath>,
    ApiJson(input): ApiJson<OpdCeilingInput>,
) -> AppResult<Json<OpdCeilingJson>> {
    ctx.require_user()?;
    let cycle_id = parse_id(&cycle)?;
    let command =
        Command::Schedule(ScheduleCommand::SetOpdCeiling { cycle_id, opd_code, amount: amount_text(&input.amount) });
    let events = ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    match events.into_iter().next() {
        Some(Event::Schedule(ScheduleEvent::OpdCeilingSet { opd_code, amount, .. })) => {
            Ok(Json(OpdCeilingJson { opd_code, amount }))
        }
        _ => Err(AppError::broken("setting an OPD ceiling produced no event")),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AdoptionJson {
    pub perkada_number: String,
    /// `YYYY-MM-DD`.
    pub perkada_date: String,
    pub lines: u32,
    /// Whole rupiah at the rancangan akhir.
    pub total: i64,
}

/// What a line carries from one origin and kecamatan, counted: the RKPD's totals per origin and
/// kecamatan add these up. Each item is in `GET /api/v1/renja/lines/{id}`.
#[derive(Serialize, ToSchema)]
pub struct CarriedJson {
    #[schema(value_type = String, format = Uuid)]
    pub line_id: Uuid,
    /// `lingkungan`, `kelurahan`, `kecamatan` or `pokir`.
    pub origin: &'static str,
    pub kecamatan: String,
    pub count: u64,
    /// Their cost at the forum OPD, whole rupiah; `null` only if the sum would not fit.
    pub cost: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct RkpdJson {
    #[schema(value_type = String, format = Uuid)]
    pub cycle_id: Uuid,
    /// The musrenbang RKPD's berita acara, once recorded, and the priorities it agreed.
    #[schema(value_type = Option<Object>)]
    pub musrenbang: Option<domain::planning::Meeting>,
    pub agreed_priorities: Vec<String>,
    pub adoption: Option<AdoptionJson>,
    /// The sum of every line's latest pagu; `null` only if it would not fit.
    pub total: Option<i64>,
    pub lines: Vec<LineJson>,
    pub carried: Vec<CarriedJson>,
}

/// The items of each line counted by origin and kecamatan, in line order.
fn carried(view: &RkpdView) -> Vec<CarriedJson> {
    let mut groups: std::collections::BTreeMap<(Uuid, &'static str, &str), (u64, Option<i64>)> = Default::default();
    for s in &view.sources {
        let entry = groups.entry((s.line_id, s.origin.as_str(), s.kecamatan.as_str())).or_insert((0, Some(0)));
        entry.0 += 1;
        entry.1 = entry.1.and_then(|sum| domain::money::sum([sum, s.cost]).ok());
    }
    groups
        .into_iter()
        .map(|((line_id, origin, kecamatan), (count, cost))| CarriedJson {
            line_id,
            origin,
            kecamatan: kecamatan.to_string(),
            count,
            cost,
        })
        .collect()
}

fn rkpd_json(view: &RkpdView) -> RkpdJson {
    RkpdJson {
        cycle_id: view.cycle_id,
        musrenbang: view.musrenbang.clone(),
        agreed_priorities: view.priorities.clone(),
        adoption: view.adoption.as_ref().map(|a| AdoptionJson {
            perkada_number: a.number.clone(),
            perkada_date: a.date.clone(),
            lines: a.lines,
            total: a.total,
        }),
        total: domain::money::sum(view.lines.iter().filter_map(|l| l.latest()).map(|c| c.pagu)).ok(),
        lines: view.lines.iter().map(line_json).collect(),
        carried: carried(view),
    }
}

/// The cycle's RKPD: every Renja line (by OPD and sub kegiatan) with its figures per stage and
/// flags, the items they carry, the musrenbang RKPD and the adoption. Public.
#[utoipa::path(get, path = "/api/v1/cycles/{id}/rkpd", tag = "renja", security((), ("bearer" = [])),
    params(IdPath), responses((status = 200, body = RkpdJson)))]
async fn rkpd(ctx: ApiCtx, Path(IdPath { id }): Path<IdPath>) -> AppResult<Json<RkpdJson>> {
    let cycle = cycle_of(&ctx, &id).await?;
    Ok(Json(rkpd_json(&ctx.state.store.rkpd(cycle.id).await?)))
}

#[derive(Deserialize, IntoParams)]
pub struct OpdPrintPath {
    #[param(value_type = String, format = Uuid)]
    cycle: String,
    #[param(value_type = schema::Code, inline)]
    opd_code: String,
    /// `berita-acara.pdf` (the forum OPD's), `daftar-prioritas.pdf` or `renja.pdf` (landscape).
    #[param(value_type = schema::OpdPrint, inline)]
    document: String,
}

/// An OPD's print as a PDF (A4): its forum's berita acara, its daftar usulan prioritas, or its
/// Renja in the standard columns. Journaled by its SHA-256 (`X-Document-Sha256`; its code in
/// `X-Document-Code`, checkable at `/d/{code}`). Public.
#[utoipa::path(get, path = "/api/v1/cycles/{cycle}/renja/{opd_code}/{document}", tag = "renja", security((), ("bearer" = [])),
    params(OpdPrintPath),
    responses((status = 200, description = "The PDF.", content_type = "application/pdf", body = Vec<u8>),
        (status = 503, body = super::Problem, description = "Two documents are being typeset already; try again after `Retry-After`.")))]
async fn renja_pdf(ctx: ApiCtx, Path(path): Path<OpdPrintPath>) -> AppResult<Response> {
    let cycle = cycle_of(&ctx, &path.cycle).await?;
    let (document, subject) =
        crate::views::print::opd_document(&ctx.state, &ctx.tr, &cycle, &path.opd_code, &path.document).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct RkpdPrintPath {
    #[param(value_type = String, format = Uuid)]
    id: String,
    /// `berita-acara.pdf` (the musrenbang RKPD's) or `rkpd.pdf` (landscape).
    #[param(value_type = schema::RkpdPrint, inline)]
    document: String,
}

/// The RKPD's print as a PDF (A4): the musrenbang RKPD's berita acara, or the RKPD in the
/// standard columns with each OPD's total. Journaled like every print. Public.
#[utoipa::path(get, path = "/api/v1/cycles/{id}/rkpd/{document}", tag = "renja", security((), ("bearer" = [])),
    params(RkpdPrintPath),
    responses((status = 200, description = "The PDF.", content_type = "application/pdf", body = Vec<u8>),
        (status = 503, body = super::Problem, description = "Two documents are being typeset already; try again after `Retry-After`.")))]
async fn rkpd_pdf(ctx: ApiCtx, Path(path): Path<RkpdPrintPath>) -> AppResult<Response> {
    let cycle = cycle_of(&ctx, &path.id).await?;
    let (document, subject) = crate::views::print::rkpd_document(&ctx.state, &ctx.tr, &cycle, &path.document).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct RkpdMusrenbangJson {
    #[serde(flatten)]
    minutes: MinutesJson,
    /// Codes of the RPJMD priorities it agreed (at least one).
    #[serde(default)]
    #[schema(value_type = Vec<schema::Code>, min_items = 1)]
    priorities: Vec<String>,
}

/// Records the musrenbang RKPD: its berita acara and the priorities it agreed. Bappeda only.
#[utoipa::path(put, path = "/api/v1/cycles/{id}/rkpd/musrenbang", tag = "renja", security(("bearer" = [])),
    params(IdPath), request_body = RkpdMusrenbangJson, responses((status = 204)))]
async fn rkpd_musrenbang(
    ctx: ApiCtx,
    Path(IdPath { id }): Path<IdPath>,
    ApiJson(input): ApiJson<RkpdMusrenbangJson>,
) -> AppResult<StatusCode> {
    ctx.require_user()?;
    let cycle_id = parse_id(&id)?;
    let command = Command::Rkpd(RkpdCommand::RecordMusrenbang {
        cycle_id,
        meeting: input.minutes.into_meeting(),
        priorities: input.priorities,
    });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptJson {
    #[schema(value_type = schema::Name, inline)]
    perkada_number: String,
    /// `YYYY-MM-DD`, not after today.
    #[schema(format = Date)]
    perkada_date: String,
}

/// Adopts the RKPD by Perkada: refused (409) before the musrenbang RKPD, with no line, or while
/// an OPD's Renja is not final. Afterwards nothing of the cycle changes. Bappeda only.
#[utoipa::path(post, path = "/api/v1/cycles/{id}/rkpd/adoption", tag = "renja", security(("bearer" = [])),
    params(IdPath), request_body = AdoptJson, responses((status = 200, body = RkpdJson)))]
async fn adopt(
    ctx: ApiCtx,
    Path(IdPath { id }): Path<IdPath>,
    ApiJson(input): ApiJson<AdoptJson>,
) -> AppResult<Json<RkpdJson>> {
    ctx.require_user()?;
    let cycle_id = parse_id(&id)?;
    let command =
        Command::Rkpd(RkpdCommand::Adopt { cycle_id, number: input.perkada_number, date: input.perkada_date });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    Ok(Json(rkpd_json(&ctx.state.store.rkpd(cycle_id).await?)))
}
