//! Regions as pages and API both answer them.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::RegionCode;
use reports::lingkungan_csv;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The pemda a public page shows to a reader who is not signed in: the only one this server
/// holds. A server of several pemda names none, and the page is not found.
pub async fn public_pemda(state: &AppState) -> AppResult<RegionCode> {
    match state.store.all_pemda().await?.as_slice() {
        [only] => Ok(only.code.clone()),
        _ => Err(AppError::NotFound),
    }
}

/// The cycle `asked`, or the newest cycle of the pemda a public page shows.
pub async fn cycle_or_newest_public(
    state: &AppState,
    asked: Option<uuid::Uuid>,
) -> AppResult<domain::cycle::CycleFacts> {
    match asked {
        Some(id) => state.store.cycle(id).await?.ok_or(AppError::NotFound),
        None => {
            let pemda = public_pemda(state).await?;
            state.store.cycles(&pemda).await?.into_iter().next().ok_or(AppError::NotFound)
        }
    }
}

/// The lingkungan at or below a region, as the CSV that the upload takes.
pub async fn lingkungan_csv_response(state: &AppState, code: &str) -> AppResult<Response> {
    let code = RegionCode::parse(code).map_err(|_| AppError::NotFound)?;
    if state.store.region(&code).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let text = lingkungan_csv::write(&state.store.lingkungan_within(&code).await?);
    let disposition = format!("attachment; filename=\"lingkungan-{code}.csv\"");
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        text,
    )
        .into_response())
}
