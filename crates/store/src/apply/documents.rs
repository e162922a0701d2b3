//! Applying the documents part's events: each recorded print, by its hash, with the journal
//! entry that records it (whose inclusion proof its public page shows).

use domain::RegionCode;
use domain::documents::DocumentEvent;
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use time::OffsetDateTime;

use crate::Result;
use crate::entity::document;

pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    event: &DocumentEvent,
    seq: i64,
    now: OffsetDateTime,
) -> Result<()> {
    let DocumentEvent::DocumentRecorded { cycle_id, kind, code, sha256, title, href, pages, bytes } = event;
    document::Entity::insert(document::ActiveModel {
        sha256: Set(sha256.clone()),
        pemda_code: Set(pemda.to_string()),
        code: Set(code.clone()),
        cycle_id: Set(*cycle_id),
        kind: Set(kind.clone()),
        title: Set(title.clone()),
        href: Set(href.clone()),
        pages: Set(i32::try_from(*pages).unwrap_or(i32::MAX)),
        bytes: Set(i64::try_from(*bytes).unwrap_or(i64::MAX)),
        seq: Set(seq),
        recorded_at: Set(domain::journal_time(now)),
    })
    .exec(txn)
    .await?;
    Ok(())
}
