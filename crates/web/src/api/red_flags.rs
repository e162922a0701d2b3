//! The red-flag list as JSON, a slice of the cycle at a time, as the page reads it.

use axum::Json;
use axum::extract::Query;
use domain::planning::RedFlag;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::ctx::ApiCtx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::red_flags;
use crate::views::regions::cycle_or_newest_public;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(flagged))
}

#[derive(Deserialize, IntoParams)]
pub struct SliceQuery {
    /// The cycle; without it, the newest cycle of the pemda this server shows in public.
    cycle: Option<Uuid>,
    /// Where to go on: the `next_after` of the previous answer.
    after: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct FlaggedJson {
    id: Uuid,
    title: String,
    /// The latest stage reached and its status.
    stage: &'static str,
    status: &'static str,
    origin: &'static str,
    cost: i64,
    /// The flags, as on the proposal (`GET /api/v1/proposals/{id}`).
    #[schema(value_type = Vec<Object>)]
    red_flags: Vec<RedFlag>,
}

#[derive(Serialize, ToSchema)]
pub struct RedFlagsJson {
    cycle: Uuid,
    /// How many proposals this answer checked (at most 1,000).
    checked: usize,
    flagged: Vec<FlaggedJson>,
    /// Ask again with `after` set to this for the next slice; null at the end of the cycle.
    next_after: Option<Uuid>,
}

/// The flagged proposals among a slice of a cycle's proposals (in id order): near duplicates,
/// unit prices away from the kamus, pokir out of line with the typical cost or their member's
/// pattern. Renja and RKPD lines carry their own flags (`GET /api/v1/renja/...`). Public.
#[utoipa::path(get, path = "/api/v1/red-flags", tag = "proposals", security((), ("bearer" = [])),
    params(SliceQuery),
    responses(
        (status = 200, description = "One slice of the cycle, checked.", body = RedFlagsJson),
        (status = 404, description = "No such cycle.", body = super::Problem)))]
async fn flagged(ctx: ApiCtx, Query(query): Query<SliceQuery>) -> AppResult<Json<RedFlagsJson>> {
    let cycle = cycle_or_newest_public(&ctx.state, query.cycle).await?;
    let found = red_flags::slice(&ctx.state, &cycle, query.after).await?;
    Ok(Json(RedFlagsJson {
        cycle: cycle.id,
        checked: found.checked,
        flagged: found
            .flagged
            .into_iter()
            .map(|(summary, record, flags)| FlaggedJson {
                id: summary.id,
                title: summary.title,
                stage: record.stage.as_str(),
                status: record.status.as_str(),
                origin: summary.origin.as_str(),
                cost: record.figures.cost,
                red_flags: flags,
            })
            .collect(),
        next_after: found.next,
    }))
}
