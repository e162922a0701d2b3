//! Applying events to the current-state tables, in the transaction that journals them: one
//! module per part of the cycle, as in the domain. It decides nothing and reads no rows:
//! everything it writes is in the events.

mod accounts;
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

/// Brings the current-state tables up to date with `events`.
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    events: &[Event],
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
    for event in events {
        match event {
            Event::Regions(e) => regions::apply(txn, pemda, e, now).await?,
            Event::Accounts(e) => accounts::apply(txn, pemda, e, now).await?,
            Event::Schedule(e) => schedule::apply(txn, pemda, e, now).await?,
            Event::MasterData(e) => masterdata::apply(txn, pemda, e).await?,
            Event::Musrenbang(e) => musrenbang::apply(txn, pemda, e, actor, now).await?,
            Event::Dprd(e) => dprd::apply(txn, pemda, e, actor, now).await?,
            Event::Renja(e) => renja::apply(txn, pemda, e, actor, now).await?,
            Event::Rkpd(e) => rkpd::apply(txn, e).await?,
        }
    }
    Ok(())
}
