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
    for (event, seq) in events.iter().zip(first_seq..) {
        match event {
            Event::Regions(e) => regions::apply(txn, pemda, e, now).await?,
            Event::Accounts(e) => accounts::apply(txn, pemda, e, now).await?,
            Event::Schedule(e) => schedule::apply(txn, pemda, e, now).await?,
            Event::MasterData(e) => masterdata::apply(txn, pemda, e).await?,
            Event::Musrenbang(e) => musrenbang::apply(txn, pemda, e, actor, now).await?,
            Event::Dprd(e) => dprd::apply(txn, pemda, e, actor, now).await?,
            Event::Renja(e) => renja::apply(txn, pemda, e, actor, now).await?,
            Event::Rkpd(e) => rkpd::apply(txn, e).await?,
            Event::Documents(e) => documents::apply(txn, pemda, e, seq, actor, now).await?,
        }
    }
    Ok(())
}
