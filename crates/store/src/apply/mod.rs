//! Applying events to the current-state tables, in the transaction that journals them: one
//! module per part of the cycle, as in the domain. It decides nothing and reads no rows:
//! everything it writes is in the events.

mod accounts;
mod documents;
mod dprd;
mod masterdata;
mod musrenbang;
mod regions;
mod renja;
mod rkpd;
mod schedule;

use domain::{Actor, Event, RegionCode};
use sea_orm::DatabaseTransaction;
use time::OffsetDateTime;

use crate::Result;

/// Brings the current-state tables up to date with `events`, journaled from `first_seq` on.
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    events: &[Event],
    first_seq: i64,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
    // A run of submissions is written together, a few rows per statement.
    let mut submitted = Vec::new();
    for (event, seq) in events.iter().zip(first_seq..) {
        if let Event::Musrenbang(e) = event
            && let Some(new) = musrenbang::submitted(e)
        {
            submitted.push(new);
            continue;
        }
        if !submitted.is_empty() {
            musrenbang::insert_proposals(txn, pemda, &std::mem::take(&mut submitted), actor, now).await?;
        }
        match event {
            Event::Regions(e) => regions::apply(txn, pemda, e, now).await?,
            Event::Accounts(e) => accounts::apply(txn, pemda, e, now).await?,
            Event::Schedule(e) => schedule::apply(txn, pemda, e, now).await?,
            Event::MasterData(e) => masterdata::apply(txn, pemda, e).await?,
            Event::Musrenbang(e) => musrenbang::apply(txn, e, now).await?,
            Event::Dprd(e) => dprd::apply(txn, pemda, e, actor, now).await?,
            Event::Renja(e) => renja::apply(txn, pemda, e, actor, now).await?,
            Event::Rkpd(e) => rkpd::apply(txn, e).await?,
            Event::Documents(e) => documents::apply(txn, pemda, e, seq, actor, now).await?,
        }
    }
    if !submitted.is_empty() {
        musrenbang::insert_proposals(txn, pemda, &submitted, actor, now).await?;
    }
    Ok(())
}
