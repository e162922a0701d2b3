//! The public check of a pemda's journal chain.

use axum::Json;
use axum::extract::Query;
use domain::RegionCode;
use domain::journal::ChainReport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Problem;
use crate::chain_check::{ChainCheck, check_chain};
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(verify))
}

#[derive(Deserialize, IntoParams)]
struct PemdaParam {
    /// The pemda's code, e.g. 12.71.
    #[param(value_type = super::schema::RegionCode, inline)]
    pemda: Option<String>,
    /// Walk the whole chain from its first entry (auditors and Bappeda); otherwise only what
    /// was added since the last check.
    #[serde(default)]
    full: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Verification {
    valid: bool,
    /// How many events the chain holds.
    events: i64,
    /// The hash of the last event (hex SHA-256).
    head: String,
    /// The sequence number of the first event that does not verify, if any.
    first_broken: Option<i64>,
    /// The events up to this one had been verified by an earlier check: this one walked only
    /// those after it (0: the whole chain was walked).
    checked_after: i64,
    /// Whether the whole chain was walked now.
    full: bool,
}

impl From<ChainCheck> for Verification {
    fn from(check: ChainCheck) -> Self {
        let ChainReport { valid, events, head, first_broken } = check.report;
        Verification { valid, events, head, first_broken, checked_after: check.checked_after, full: check.full }
    }
}

/// Recomputes a pemda's hash-chained journal: what was added since the last check, or (with
/// `full`, for those who may read the audit trail) the whole chain. Public: anyone may check that
/// the record was not quietly rewritten; anonymous checks beyond a few at once are told to retry.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security((), ("bearer" = [])), params(PemdaParam),
    responses((status = 200, body = Verification), (status = 403, body = Problem, description = "`full` without the audit trail's permission."),
        (status = 404, body = Problem, description = "No such pemda."), (status = 503, body = Problem, description = "Too many anonymous checks at once.")))]
async fn verify(ctx: ApiCtx, Query(param): Query<PemdaParam>) -> AppResult<Json<Verification>> {
    let text = param.pemda.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(AppError::invalid("pemda", domain::Rule::Required));
    }
    let code = RegionCode::parse(&text).map_err(|e| AppError::invalid("pemda", e.into()))?;
    if ctx.state.store.pemda(&code).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(Json(check_chain(&ctx.state, &ctx.actor(), &code, param.full).await?.into()))
}
