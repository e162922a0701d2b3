//! The chain check pages and API share: from the latest signed checkpoint for everyone, a full
//! walk for those who may read the audit trail, and never more than a few at once.

use domain::journal::ChainReport;
use domain::{Action, Actor, RegionCode, Resource};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// What a check found, and from where it walked.
pub struct ChainCheck {
    pub report: ChainReport,
    /// The entry the walk started after: 0 for a walk from the first entry.
    pub checked_after: i64,
    pub full: bool,
    /// The signed checkpoint the check started from, when it did.
    pub checkpoint: Option<store::transparency_log::StoredCheckpoint>,
}

/// Checks `pemda`'s chain for `actor`: since the last checkpoint, or whole when `full` (which
/// needs the audit trail's permission).
pub async fn check_chain(state: &AppState, actor: &Actor, pemda: &RegionCode, full: bool) -> AppResult<ChainCheck> {
    let limits = &state.chain_checks;
    let semaphore = if full { &limits.full } else { &limits.incremental };
    if full {
        domain::authorize(actor, Action::ViewAuditTrail, &Resource::pemda(pemda.clone()))
            .map_err(domain::DomainError::from)?;
    }
    let _permit = match actor {
        Actor::Public => semaphore.try_acquire().map_err(|_| AppError::Crowded { retry_after: 1 })?,
        _ => semaphore.acquire().await.map_err(AppError::internal)?,
    };
    if full {
        let report = state.store.verify_chain(pemda).await?;
        return Ok(ChainCheck { report, checked_after: 0, full, checkpoint: None });
    }
    // From the latest signed checkpoint when there is one: its entry must still be its last leaf
    // and its stored tree give its root; then only what came after it is walked.
    if let Some(anchored) = state.store.verify_since_log_checkpoint(pemda).await? {
        let checked_after = anchored.checkpoint.size;
        return Ok(ChainCheck { report: anchored.report, checked_after, full, checkpoint: Some(anchored.checkpoint) });
    }
    let (report, checked_after) = state.store.verify_chain_since_checkpoint(pemda).await?;
    Ok(ChainCheck { report, checked_after, full, checkpoint: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn anonymous_checks_beyond_the_limit_are_told_to_retry() {
        let db = store::testing::database().await.unwrap();
        let now = time::OffsetDateTime::now_utc();
        db.store.add_official_pemda("12.71", &Actor::System { label: "test".into() }, now).await.unwrap();
        let state = AppState::for_tests(db.store.clone());
        let pemda = RegionCode::parse("12.71").unwrap();
        let held = state.chain_checks.incremental.acquire_many(2).await.unwrap();
        let refused = check_chain(&state, &Actor::Public, &pemda, false).await;
        assert!(matches!(refused, Err(AppError::Crowded { retry_after: 1 })));
        drop(held);
        assert!(check_chain(&state, &Actor::Public, &pemda, false).await.unwrap().report.valid);
        let full = check_chain(&state, &Actor::Public, &pemda, true).await;
        assert!(matches!(full, Err(AppError::LoginRequired)), "a whole walk is for auditors");
    }
}
