//! Applying the documents part's events: each recorded print, by its hash, with the journal
//! entry that records it (whose inclusion proof its public page shows); each signed scan under
//! its forum.

use domain::documents::DocumentEvent;
use domain::{Actor, RegionCode};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use time::OffsetDateTime;

use crate::Result;
use crate::entity::{document, scan};

pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    event: &DocumentEvent,
    seq: i64,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
    match event {
        DocumentEvent::DocumentRecorded { cycle_id, kind, code, sha256, title, href, pages, bytes } => {
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
        }
        DocumentEvent::ScanAttached { of, sha256, content_type, bytes } => {
            let uploaded_by = match actor {
                Actor::User(user) => Some(user.username.clone()),
                _ => None,
            };
            scan::Entity::insert(scan::ActiveModel {
                sha256: Set(sha256.clone()),
                pemda_code: Set(pemda.to_string()),
                cycle_id: Set(of.cycle_id()),
                forum: Set(of.forum()),
                content_type: Set(content_type.clone()),
                bytes: Set(i64::try_from(*bytes).unwrap_or(i64::MAX)),
                uploaded_by: Set(uploaded_by),
                seq: Set(seq),
                recorded_at: Set(domain::journal_time(now)),
            })
            .exec(txn)
            .await?;
        }
    }
    Ok(())
}
