//! Open data through the API: a cycle's proposals whole, as CSV or JSON, streamed.

use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::schema::Object;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::schema::{enumeration, shapes};
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::open_data::{self, Format, ProposalRow};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(proposals))
}

fn data_format() -> Object {
    enumeration(["csv", "json"])
}

shapes! { DataFormat => data_format }

#[derive(Deserialize, IntoParams)]
pub struct DatasetQuery {
    /// The cycle whose proposals are given.
    cycle: Uuid,
    /// `csv` (a header row, text cells guarded against spreadsheet formulas) or `json` (one
    /// array of objects, numbers as numbers).
    #[param(value_type = DataFormat, inline)]
    format: String,
}

/// Every proposal of a cycle, public, one row or object each, in the order they were raised;
/// the columns are described on the data dictionary page (`/data`). The data is under CC BY 4.0,
/// the region names and codes under ODbL 1.0 (idn-area-data).
#[utoipa::path(get, path = "/api/v1/open-data/proposals", tag = "open-data", security((), ("bearer" = [])),
    params(DatasetQuery),
    responses(
        (status = 200, description = "The file, streamed: CSV with a header row, or one JSON array.",
            content((String = "text/csv"), (Vec<ProposalRow> = "application/json"))),
        (status = 404, description = "No such cycle.", body = super::Problem)))]
async fn proposals(ctx: ApiCtx, Query(query): Query<DatasetQuery>) -> AppResult<Response> {
    let format = Format::parse(&query.format)
        .ok_or_else(|| AppError::invalid("format", domain::Rule::Format { expected: "data_format" }))?;
    let cycle = ctx.state.store.cycle(query.cycle).await?.ok_or(AppError::NotFound)?;
    open_data::proposals(&ctx.state.store, &cycle, format).await
}
