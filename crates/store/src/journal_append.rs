//! Appending to a pemda's journal: each event becomes the next entry of its hash chain, with the
//! proposals it concerns indexed for their timelines, and the chain's new head answered. One job, in the
//! transaction of the change it records; the transparency log (a Merkle tree over these entries)
//! will grow from here.

use domain::journal::JournalEntry;
use domain::{Actor, Event, RegionCode};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::Result;
use crate::entity::{chain_head, journal, journal_subject};

/// Appends `events` after `head` (read under the chain's lock) and answers the chain's new head,
/// which the caller writes back before it commits (once for all the commands of a transaction).
pub(crate) async fn append(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    head: chain_head::Model,
    events: &[Event],
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<chain_head::Model> {
    let (mut seq, mut prev_hash) = (head.seq, head.hash);
    let at = domain::journal_time(now);
    let actor_name = actor.journal_name();
    let mut rows = Vec::with_capacity(events.len());
    for event in events {
        seq += 1;
        let mut entry = JournalEntry {
            pemda: pemda.to_string(),
            seq,
            event_id: Uuid::now_v7().to_string(),
            kind: event.kind().to_string(),
            actor: actor_name.clone(),
            at: at.clone(),
            payload: event.payload(),
            prev_hash: prev_hash.clone(),
            hash: String::new(),
        };
        entry.hash = entry.recompute_hash();
        prev_hash = entry.hash.clone();
        rows.push(journal::ActiveModel {
            pemda_code: Set(entry.pemda),
            seq: Set(entry.seq),
            event_id: Set(entry.event_id),
            kind: Set(entry.kind),
            actor: Set(entry.actor),
            at: Set(entry.at),
            payload: Set(entry.payload),
            prev_hash: Set(entry.prev_hash),
            hash: Set(entry.hash),
        });
    }
    for chunk in rows.chunks(crate::IN_LIST_MAX) {
        journal::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    // Each proposal's timeline is read from the journal through this index.
    let subjects: Vec<journal_subject::ActiveModel> = events
        .iter()
        .zip(head.seq + 1..)
        .flat_map(|(event, seq)| {
            let pemda = pemda.to_string();
            event.proposals().into_iter().map(move |proposal_id| journal_subject::ActiveModel {
                proposal_id: Set(proposal_id),
                pemda_code: Set(pemda.clone()),
                seq: Set(seq),
            })
        })
        .collect();
    for chunk in subjects.chunks(crate::IN_LIST_MAX) {
        journal_subject::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    Ok(chain_head::Model { pemda_code: pemda.to_string(), seq, hash: prev_hash })
}
