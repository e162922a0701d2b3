//! The one write path: load facts, decide, append to the journal, apply — in one transaction.

use domain::journal::{GENESIS_HASH, JournalEntry};
use domain::{Actor, Command, DomainError, Entity, Event, RegionCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, SqlErr, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{chain_head, journal, journal_subject};
use crate::security::SecurityEvent;
use crate::{Result, Store, StoreError};

/// How many writes may be admitted at once (running or waiting for the writer). Beyond it a
/// write is refused before anything is read or written, with a time to retry: a queue this long
/// already takes seconds to drain (about a hundred commits a second on SQLite), and a caller
/// told "busy" can retry safely, where one left waiting past its patience would retry a write
/// that may have landed.
pub const WRITE_QUEUE_MAX: usize = 256;
/// What a refused writer is told to wait, in seconds.
const BUSY_RETRY_AFTER: u64 = 2;

/// A place in the write queue, given back when the write ends however it ends.
struct WriteSlot(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for WriteSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

impl Store {
    /// A place in the write queue, or `Busy` when it is full.
    fn admit_writer(&self) -> Result<WriteSlot> {
        let before = self.writers.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        let slot = WriteSlot(self.writers.clone());
        if before >= WRITE_QUEUE_MAX {
            return Err(StoreError::Busy { retry_after: BUSY_RETRY_AFTER });
        }
        Ok(slot)
    }

    /// Begins the write transaction; a connection that could not be had in time means nothing
    /// was written, which the caller hears as `Busy`.
    async fn begin_write(&self) -> Result<DatabaseTransaction> {
        self.write.begin().await.map_err(|error| match error {
            DbErr::ConnectionAcquire(_) => StoreError::Busy { retry_after: BUSY_RETRY_AFTER },
            other => other.into(),
        })
    }

    /// Decides `command` for `actor` at `now` and commits what it causes. Returns the events,
    /// which are empty when the command changed nothing. A refusal by the access policy is
    /// written to the security log.
    ///
    /// Once admitted, a write runs to its end and its caller hears the outcome of its commit:
    /// the web layer puts no timeout on writes (only on reads), so a change that landed is never
    /// reported as failed.
    pub async fn execute(&self, actor: &Actor, command: &Command, now: OffsetDateTime) -> Result<Vec<Event>> {
        let _slot = self.admit_writer()?;
        let result = self.decide_and_commit(actor, command, now).await;
        match result {
            Err(StoreError::Database(error))
                if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
            {
                // Two writers raced for the same unique value; the loser hears what a check
                // inside the transaction would have told it.
                Err(StoreError::Conflict)
            }
            Err(StoreError::Domain(DomainError::Denied(denied))) => {
                if let Actor::User(user) = actor {
                    let detail = format!("{} refused", command.name());
                    self.log_security(
                        SecurityEvent::AccessDenied,
                        &user.username,
                        Some(user.pemda.as_str()),
                        &detail,
                        now,
                    )
                    .await?;
                }
                Err(DomainError::Denied(denied).into())
            }
            other => other,
        }
    }

    /// Decides and commits several commands in one transaction: all of them or none (an import,
    /// a seed). Each is decided on the state the ones before it left, and all must act in the
    /// same pemda.
    pub async fn execute_batch(&self, actor: &Actor, commands: &[Command], now: OffsetDateTime) -> Result<Vec<Event>> {
        let _slot = self.admit_writer()?;
        let txn = self.begin_write().await?;
        let mut all = Vec::new();
        let mut batch_pemda = None;
        for command in commands {
            let pemda = crate::facts::resolve_pemda(&txn, command).await?;
            if batch_pemda.get_or_insert_with(|| pemda.clone()) != &pemda {
                return Err(DomainError::field("commands", domain::Rule::UnknownRegion).into());
            }
            all.extend(commit_in(&txn, &pemda, actor, command, now).await?);
        }
        txn.commit().await?;
        Ok(all)
    }

    async fn decide_and_commit(&self, actor: &Actor, command: &Command, now: OffsetDateTime) -> Result<Vec<Event>> {
        // The pemda of a command that names a user, cycle or proposal is found before the
        // transaction; everything is read again under the lock, so the decision sees the state it
        // changes.
        let pemda = crate::facts::resolve_pemda(&self.read, command).await?;
        let txn = self.begin_write().await?;
        let events = commit_in(&txn, &pemda, actor, command, now).await?;
        txn.commit().await?;
        Ok(events)
    }
}

/// Locks the pemda's chain, reads the facts, decides, journals and applies: everything of one
/// command but the transaction's begin and commit.
async fn commit_in(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    actor: &Actor,
    command: &Command,
    now: OffsetDateTime,
) -> Result<Vec<Event>> {
    {
        if matches!(command, Command::CreatePemda(_)) {
            chain_head::Entity::insert(chain_head::ActiveModel {
                pemda_code: Set(pemda.to_string()),
                seq: Set(0),
                hash: Set(GENESIS_HASH.to_string()),
            })
            .on_conflict_do_nothing()
            .exec(txn)
            .await?;
        }
        // Every writer of this pemda queues here: a write to the head row takes PostgreSQL's row
        // lock and SQLite's write lock at the start, before anything is read, so the decision
        // below sees the state it changes and SQLite never has to upgrade a read to a write.
        chain_head::Entity::update_many()
            .col_expr(chain_head::Column::Seq, Expr::col(chain_head::Column::Seq))
            .filter(chain_head::Column::PemdaCode.eq(pemda.to_string()))
            .exec(txn)
            .await?;
        let head = chain_head::Entity::find_by_id(pemda.to_string()).one(txn).await?;
        let facts = crate::facts::load(txn, command, pemda, actor, now).await?;
        let events = domain::decide(&facts, command, actor)?;
        if events.is_empty() {
            return Ok(events);
        }
        let Some(head) = head else {
            return Err(DomainError::NotFound(Entity::Pemda, pemda.to_string()).into());
        };
        let (mut seq, mut prev_hash) = (head.seq, head.hash);
        let at = domain::journal_time(now);
        let actor_name = actor.journal_name();
        let mut rows = Vec::with_capacity(events.len());
        for event in &events {
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
        for chunk in rows.chunks(500) {
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
        for chunk in subjects.chunks(500) {
            journal_subject::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
        }
        chain_head::Entity::update(chain_head::ActiveModel {
            pemda_code: Set(pemda.to_string()),
            seq: Set(seq),
            hash: Set(prev_hash),
        })
        .exec(txn)
        .await?;
        crate::apply::apply(txn, pemda, &events, actor, now).await?;
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use domain::command::AddLingkungan;

    use super::*;

    #[tokio::test]
    async fn a_full_write_queue_refuses_before_anything_is_written() {
        let db = crate::testing::database().await.unwrap();
        let store = &db.store;
        let system = Actor::System { label: "test".into() };
        let now = OffsetDateTime::now_utc();
        store.add_official_pemda("12.71", &system, now).await.unwrap();
        let add = |number: &str| {
            Command::AddLingkungan(AddLingkungan {
                kelurahan: "12.71.01.1001".into(),
                number: number.into(),
                name: format!("Lingkungan {number}"),
            })
        };
        let head = store.verify_chain(&RegionCode::parse("12.71").unwrap()).await.unwrap().events;
        store.writers.store(WRITE_QUEUE_MAX, Ordering::SeqCst);
        let refused = store.execute(&system, &add("1"), now).await;
        assert!(matches!(refused, Err(StoreError::Busy { retry_after }) if retry_after > 0), "{refused:?}");
        let refused = store.execute_batch(&system, &[add("1")], now).await;
        assert!(matches!(refused, Err(StoreError::Busy { .. })), "{refused:?}");
        assert_eq!(store.writers.load(Ordering::SeqCst), WRITE_QUEUE_MAX, "a refusal gives its place back");
        assert_eq!(store.verify_chain(&RegionCode::parse("12.71").unwrap()).await.unwrap().events, head);
        store.writers.store(0, Ordering::SeqCst);
        store.execute(&system, &add("1"), now).await.unwrap();
        assert_eq!(store.writers.load(Ordering::SeqCst), 0, "a write gives its place back when done");
    }
}
