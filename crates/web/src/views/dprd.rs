//! What the reses and pokir page and API share: which member, and which cycle, a request is about.

use domain::views::MemberView;
use domain::{RegionCode, Rule};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The member named by username, or else the caller themself when they are one.
pub(crate) async fn member_named(
    state: &AppState,
    pemda: &RegionCode,
    username: Option<&str>,
    caller: Uuid,
) -> AppResult<MemberView> {
    let members = state.store.members(pemda).await?;
    match username.map(str::trim).filter(|u| !u.is_empty()) {
        Some(username) => members.into_iter().find(|m| m.username == username).ok_or(AppError::NotFound),
        None => {
            members.into_iter().find(|m| m.user_id == caller).ok_or_else(|| AppError::invalid("member", Rule::Required))
        }
    }
}

/// The cycle named, or else the pemda's newest.
pub(crate) async fn cycle_or_newest(state: &AppState, pemda: &RegionCode, asked: Option<Uuid>) -> AppResult<Uuid> {
    match asked {
        Some(id) => Ok(id),
        None => state.store.cycles(pemda).await?.first().map(|c| c.id).ok_or(AppError::NotFound),
    }
}
