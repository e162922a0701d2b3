//! Years and cycles as pages and API both read them.

use domain::{RegionCode, Rule};
use time::OffsetDateTime;

use crate::error::{AppError, AppResult};
use crate::i18n::WIB;
use crate::state::AppState;

/// The tahun anggaran a new cycle most likely plans: next year, in WIB.
pub(crate) fn next_year() -> i32 {
    OffsetDateTime::now_utc().to_offset(WIB).year() + 1
}

/// A year typed in a form or a query; anything but a number is named as `tahun_anggaran`.
pub(crate) fn parse_year(text: &str) -> AppResult<i32> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid("tahun_anggaran", Rule::Required));
    }
    text.parse().map_err(|_| AppError::invalid("tahun_anggaran", Rule::Format { expected: "year" }))
}

/// The tahun anggaran a kamus list shows when none is asked for: the newest cycle's, or next
/// year's when there is no cycle yet.
pub(crate) async fn default_year(state: &AppState, pemda: &RegionCode) -> AppResult<i32> {
    Ok(state.store.cycles(pemda).await?.first().map(|c| c.tahun_anggaran).unwrap_or_else(next_year))
}

/// The year a query names, or the default one.
pub(crate) async fn year_of(state: &AppState, pemda: &RegionCode, asked: Option<&str>) -> AppResult<i32> {
    match asked.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => parse_year(text),
        None => default_year(state, pemda).await,
    }
}
