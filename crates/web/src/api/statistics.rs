//! A cycle's statistics as JSON: the figures the statistics page draws, public.

use axum::Json;
use axum::extract::Query;
use domain::statistics::{LEVELS, Levels, Outcome, amount};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::ctx::ApiCtx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::statistics::{self, Group};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(cycle_statistics)).routes(routes!(rekapitulasi_pdf))
}

#[derive(Deserialize, IntoParams)]
pub struct StatisticsQuery {
    /// The cycle; without it, the newest cycle of the pemda this server shows in public.
    cycle: Option<Uuid>,
}

/// What one forum level decided.
#[derive(Serialize, ToSchema)]
pub struct OutcomeJson {
    /// The stage of the level: `rembuk_warga`, `musrenbang_kelurahan`, `musrenbang_kecamatan`
    /// or `forum_opd`.
    stage: &'static str,
    /// Accepted, with or without changes.
    accepted: u64,
    /// Rejected, or accepted at a rembuk warga but ranked below what it may forward.
    rejected: u64,
    /// Not decided yet.
    pending: u64,
    /// The accepted proposals' cost in rupiah at this level; null when the sum is beyond the
    /// largest amount Rencana keeps.
    accepted_cost: Option<i64>,
}

/// A kecamatan or an OPD.
#[derive(Serialize, ToSchema)]
pub struct GroupJson {
    code: String,
    name: String,
    /// For a kecamatan, its pagu for the musrenbang kecamatan; for an OPD, its pagu indikatif.
    pagu: Option<i64>,
    levels: Vec<OutcomeJson>,
}

#[derive(Serialize, ToSchema)]
pub struct KeyedJson {
    /// The bidang or the origin.
    key: &'static str,
    levels: Vec<OutcomeJson>,
}

#[derive(Serialize, ToSchema)]
pub struct OwnLinesJson {
    /// Renja lines with no proposal behind them.
    count: u64,
    /// Their pagu at the stage that created them; null beyond the largest amount.
    pagu: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct StatisticsJson {
    cycle: Uuid,
    tahun_anggaran: i32,
    total: Vec<OutcomeJson>,
    by_kecamatan: Vec<GroupJson>,
    by_opd: Vec<GroupJson>,
    by_bidang: Vec<KeyedJson>,
    by_origin: Vec<KeyedJson>,
    /// The OPD's own Renja lines, the origin that is not a proposal.
    opd_own_lines: OwnLinesJson,
}

fn levels_json(levels: &Levels) -> Vec<OutcomeJson> {
    LEVELS
        .iter()
        .zip(levels.iter())
        .map(|(stage, o): (_, &Outcome)| OutcomeJson {
            stage: stage.as_str(),
            accepted: o.accepted,
            rejected: o.rejected,
            pending: o.pending,
            accepted_cost: amount(o.accepted_cost),
        })
        .collect()
}

fn group_json(group: &Group) -> GroupJson {
    GroupJson {
        code: group.code.clone(),
        name: group.name.clone(),
        pagu: group.pagu,
        levels: levels_json(&group.levels),
    }
}

/// The rekapitulasi of a cycle as a PDF (A4): each forum level's accepted, rejected and pending
/// proposals and accepted cost; each kecamatan and each OPD against its pagu. Journaled by its
/// SHA-256 like every print (`X-Document-Code`, checkable at `/d/{code}`). Public.
#[utoipa::path(get, path = "/api/v1/statistics.pdf", tag = "statistics", security((), ("bearer" = [])),
    params(StatisticsQuery),
    responses(
        (status = 200, description = "The PDF.", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such cycle.", body = super::Problem),
        (status = 503, body = super::Problem, description = "Two documents are being typeset already; try again after `Retry-After`.")))]
async fn rekapitulasi_pdf(ctx: ApiCtx, Query(query): Query<StatisticsQuery>) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let (document, subject) = crate::views::print::rekapitulasi(&ctx.state, &ctx.tr, query.cycle).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

/// A cycle's proposals counted at each forum level (accepted, rejected, pending, accepted cost),
/// whole and per kecamatan, OPD, bidang and origin, with the pagu each is held against. Public.
#[utoipa::path(get, path = "/api/v1/statistics", tag = "statistics", security((), ("bearer" = [])),
    params(StatisticsQuery),
    responses(
        (status = 200, description = "The cycle's figures.", body = StatisticsJson),
        (status = 404, description = "No such cycle.", body = super::Problem)))]
async fn cycle_statistics(ctx: ApiCtx, Query(query): Query<StatisticsQuery>) -> AppResult<Json<StatisticsJson>> {
    let view = statistics::load(&ctx.state, query.cycle).await?;
    Ok(Json(StatisticsJson {
        cycle: view.cycle.id,
        tahun_anggaran: view.cycle.tahun_anggaran,
        total: levels_json(&view.total),
        by_kecamatan: view.kecamatan.iter().map(group_json).collect(),
        by_opd: view.opd.iter().map(group_json).collect(),
        by_bidang: view.bidang.iter().map(|(b, l)| KeyedJson { key: b.as_str(), levels: levels_json(l) }).collect(),
        by_origin: view.origin.iter().map(|(o, l)| KeyedJson { key: o.as_str(), levels: levels_json(l) }).collect(),
        opd_own_lines: OwnLinesJson { count: view.own_lines.0, pagu: amount(view.own_lines.1) },
    }))
}
