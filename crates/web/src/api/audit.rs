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
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(verify))
}

#[derive(Deserialize, IntoParams)]
struct PemdaParam {
    /// The pemda's code, e.g. 12.71.
    pemda: Option<String>,
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
}

impl From<ChainReport> for Verification {
    fn from(report: ChainReport) -> Self {
        Verification {
            valid: report.valid,
            events: report.events,
            head: report.head,
            first_broken: report.first_broken,
        }
    }
}

/// Recomputes a pemda's hash-chained journal. Public: anyone may check that the record was not
/// quietly rewritten.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", params(PemdaParam),
    responses((status = 200, body = Verification), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn verify(ctx: ApiCtx, Query(param): Query<PemdaParam>) -> AppResult<Json<Verification>> {
    let text = param.pemda.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(AppError::invalid("pemda", domain::Rule::Required));
    }
    let code = RegionCode::parse(&text).map_err(|e| AppError::invalid("pemda", e.into()))?;
    if ctx.state.store.pemda(&code).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(Json(ctx.state.store.verify_chain(&code).await?.into()))
}
