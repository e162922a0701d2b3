//! The one write path: load facts, decide, append to the journal, apply — in one transaction.

use domain::facts::Needs;
use domain::journal::GENESIS_HASH;
use domain::{Actor, Command, DomainError, Entity, Event, RegionCode, RegionCommand};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, SqlErr,
    TransactionTrait,
};
use time::OffsetDateTime;

use crate::entity::chain_head;
use crate::idempotency::Receipt;
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
/// The most commands one group commit takes from the queue: enough to amortise a sync of the
/// disk over many, few enough that the first in the group does not wait long for the last.
pub const GROUP_MAX: usize = 64;

/// A command waiting for the writer, and where its outcome goes.
pub(crate) struct WriteJob {
    /// The pemda the command acts in, resolved before it queued (a record's pemda never changes).
    pemda: RegionCode,
    actor: Actor,
    command: Command,
    now: OffsetDateTime,
    /// The request's idempotency key, committed with the command's changes.
    receipt: Option<Receipt>,
    outcome: Reply,
}

/// Where a command's outcome goes: to the caller waiting in [`Store::execute`].
type Reply = tokio::sync::oneshot::Sender<Result<Vec<Event>>>;

/// The writer: takes the commands waiting in its queue, up to [`GROUP_MAX`], and commits them in
/// one transaction, each decided in order on the state the ones before it left. One refused by
/// the rules writes nothing and touches none of the others; should a write fail, the group is
/// committed again with each command in a savepoint of its own ([`commit_unguarded`]). One sync
/// of the disk then makes the whole group durable. Each caller
/// hears its own outcome only after the commit, so nothing is acknowledged that a crash could
/// lose. It ends when the last handle of the store is dropped.
pub(crate) async fn write_loop(
    write: DatabaseConnection,
    mut jobs: tokio::sync::mpsc::UnboundedReceiver<WriteJob>,
    groups: std::sync::Arc<std::sync::atomic::AtomicU64>,
    record_version: crate::queries::RecordVersion,
) {
    let mut group = Vec::with_capacity(GROUP_MAX);
    while jobs.recv_many(&mut group, GROUP_MAX).await > 0 {
        commit_group(&write, std::mem::take(&mut group)).await;
        record_version.committed();
        groups.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

async fn commit_group(write: &DatabaseConnection, group: Vec<WriteJob>) {
    let group = match commit_unguarded(write, group).await {
        Ok(()) => return,
        Err(group) => group,
    };
    let txn = match begin_write(write).await {
        Ok(txn) => txn,
        Err(error) => return unbegun(group, &error),
    };
    let mut decided = Vec::with_capacity(group.len());
    let mut heads = ChainHeads::default();
    for job in group {
        let (pemda, actor, command, receipt) = (&job.pemda, &job.actor, &job.command, job.receipt.as_ref());
        let outcome = commit_in_savepoint(&txn, &mut heads, pemda, actor, command, receipt, job.now).await;
        decided.push((job.outcome, outcome));
    }
    let committed = match heads.write_back(&txn).await {
        Ok(()) => txn.commit().await.map_err(StoreError::from),
        Err(error) => Err(error),
    };
    answer(decided, committed);
}

/// Commits a group without a savepoint per command, which would cost two more statements each
/// (two more round trips on PostgreSQL, where a submission makes about ten). A command the rules
/// refuse is refused before it writes anything, so the others need no protection from it. Only
/// a statement that fails after its command began writing (a constraint, a full disk, a lost
/// connection) spoils the transaction: the group is then rolled back and handed back, untouched,
/// to be committed command by command in savepoints. A group of one is answered instead, as
/// it would fail the same way again; so is a group that could not begin.
///
/// Creating a pemda starts its chain before the rules decide, so a group holding one is handed
/// back at once.
async fn commit_unguarded(write: &DatabaseConnection, group: Vec<WriteJob>) -> std::result::Result<(), Vec<WriteJob>> {
    if group.len() > 1 && group.iter().any(|job| creates_pemda(std::slice::from_ref(&job.command))) {
        return Err(group);
    }
    let txn = match begin_write(write).await {
        Ok(txn) => txn,
        Err(error) => {
            unbegun(group, &error);
            return Ok(());
        }
    };
    let mut heads = ChainHeads::default();
    let mut outcomes = Vec::with_capacity(group.len());
    for job in &group {
        let (pemda, actor, command, receipt) = (&job.pemda, &job.actor, &job.command, job.receipt.as_ref());
        match commit_job(&txn, &mut heads, pemda, actor, command, receipt, job.now).await {
            Ok(events) => outcomes.push(Ok(events)),
            Err(Spoiled::Refused(refusal)) => outcomes.push(Err(refusal)),
            Err(Spoiled::Transaction(_)) if group.len() > 1 => {
                // Whatever the rollback's own outcome, nothing of the group is committed.
                let _ = txn.rollback().await;
                return Err(group);
            }
            Err(Spoiled::Transaction(error)) => outcomes.push(Err(error)),
        }
    }
    let committed = if outcomes.iter().all(|outcome| outcome.is_err()) {
        // Nothing to keep: whatever the rollback's own outcome, each caller hears its refusal.
        let _ = txn.rollback().await;
        Ok(())
    } else {
        match heads.write_back(&txn).await {
            Ok(()) => txn.commit().await.map_err(StoreError::from),
            Err(error) => Err(error),
        }
    };
    answer(group.into_iter().map(|job| job.outcome).zip(outcomes).collect(), committed);
    Ok(())
}

/// Tells each caller of a group whose transaction could not begin that nothing was written.
fn unbegun(group: Vec<WriteJob>, error: &StoreError) {
    let reason = error.to_string();
    for job in group {
        let _ = job.outcome.send(Err(unwritten(error, &reason)));
    }
}

/// Tells each caller of a group its outcome once the group's commit is known: a write that the
/// commit did not keep is heard as not written, a refusal as itself.
fn answer(decided: Vec<(Reply, Result<Vec<Event>>)>, committed: Result<()>) {
    match committed {
        Ok(()) => {
            for (reply, outcome) in decided {
                // A caller that stopped waiting still had its write committed.
                let _ = reply.send(outcome);
            }
        }
        Err(error) => {
            let reason = error.to_string();
            for (reply, outcome) in decided {
                let _ = reply.send(match outcome {
                    Ok(_) => Err(unwritten(&error, &reason)),
                    refused => refused,
                });
            }
        }
    }
}

/// Why a command of a group was not written: refused before it wrote anything (the transaction
/// is as it was before the command), or failed in a way that may have left part of it written
/// or the transaction unusable (PostgreSQL refuses every statement after a failed one).
enum Spoiled {
    Refused(StoreError),
    Transaction(StoreError),
}

/// One command of a group, in its own savepoint. A refused one leaves the chain heads as they
/// were before it, locks included (PostgreSQL releases a lock taken after a savepoint rolled back to).
async fn commit_in_savepoint(
    txn: &DatabaseTransaction,
    heads: &mut ChainHeads,
    pemda: &RegionCode,
    actor: &Actor,
    command: &Command,
    receipt: Option<&Receipt>,
    now: OffsetDateTime,
) -> Result<Vec<Event>> {
    let savepoint = txn.begin().await?;
    let before = heads.clone();
    match commit_job(&savepoint, heads, pemda, actor, command, receipt, now).await {
        Ok(events) => {
            savepoint.commit().await?;
            Ok(events)
        }
        Err(Spoiled::Refused(error) | Spoiled::Transaction(error)) => {
            *heads = before;
            savepoint.rollback().await?;
            Err(error)
        }
    }
}

/// One command of a group and its idempotency key, written in `txn` (the group's transaction or
/// the command's savepoint).
async fn commit_job(
    txn: &DatabaseTransaction,
    heads: &mut ChainHeads,
    pemda: &RegionCode,
    actor: &Actor,
    command: &Command,
    receipt: Option<&Receipt>,
    now: OffsetDateTime,
) -> std::result::Result<Vec<Event>, Spoiled> {
    let run = std::slice::from_ref(command);
    let decided = match decide_in(txn, heads, pemda, actor, run, &command.needs(), now).await {
        Ok(decided) => decided,
        // Only reads (and the chain's lock, kept) came before a refusal by the rules.
        Err(StoreError::Domain(refusal)) if !creates_pemda(run) => return Err(Spoiled::Refused(refusal.into())),
        Err(error) => return Err(Spoiled::Transaction(error)),
    };
    let events = record_in(txn, heads, pemda, decided, actor, now).await.map_err(Spoiled::Transaction)?;
    if let Some(receipt) = receipt {
        receipt.write(txn, now).await.map_err(Spoiled::Transaction)?;
    }
    Ok(events)
}

/// The chain heads one write transaction holds: each pemda's head is locked and read once, by
/// the first command of the transaction that acts there, carried forward in memory by every
/// command after it, and written back once before the commit. A group of commands thus pays
/// for its chain once, not once per command.
#[derive(Clone, Default)]
struct ChainHeads {
    /// By pemda code: the head where this transaction's appends have left it; `None` for a
    /// pemda with no chain (one that does not exist).
    locked: std::collections::HashMap<String, Option<chain_head::Model>>,
    /// The pemda codes whose head moved and must be written back.
    moved: std::collections::BTreeSet<String>,
}

impl ChainHeads {
    /// The pemda's head, locked for this transaction: a write to the head row takes PostgreSQL's
    /// row lock and SQLite's write lock before anything is read, so that the decision after it
    /// sees the state it changes, and SQLite never has to upgrade a read to a write.
    async fn lock(&mut self, txn: &DatabaseTransaction, pemda: &RegionCode) -> Result<Option<chain_head::Model>> {
        let code = pemda.to_string();
        if let Some(head) = self.locked.get(&code) {
            return Ok(head.clone());
        }
        let head = chain_head::Entity::update_many()
            .col_expr(chain_head::Column::Seq, Expr::col(chain_head::Column::Seq))
            .filter(chain_head::Column::PemdaCode.eq(code.clone()))
            .exec_with_returning(txn)
            .await?
            .into_iter()
            .next();
        self.locked.insert(code, head.clone());
        Ok(head)
    }

    /// A new pemda's chain starts at the genesis (kept if it exists already; the rules refuse a
    /// pemda created twice).
    async fn start(&mut self, txn: &DatabaseTransaction, pemda: &RegionCode) -> Result<()> {
        chain_head::Entity::insert(chain_head::ActiveModel {
            pemda_code: Set(pemda.to_string()),
            seq: Set(0),
            hash: Set(GENESIS_HASH.to_string()),
        })
        .on_conflict_do_nothing()
        .exec(txn)
        .await?;
        self.locked.remove(pemda.as_str());
        Ok(())
    }

    fn moved_to(&mut self, head: chain_head::Model) {
        self.moved.insert(head.pemda_code.clone());
        self.locked.insert(head.pemda_code.clone(), Some(head));
    }

    /// Writes each moved head back; to be done just before the transaction commits.
    async fn write_back(&self, txn: &DatabaseTransaction) -> Result<()> {
        for code in &self.moved {
            if let Some(Some(head)) = self.locked.get(code) {
                chain_head::Entity::update(chain_head::ActiveModel {
                    pemda_code: Set(head.pemda_code.clone()),
                    seq: Set(head.seq),
                    hash: Set(head.hash.clone()),
                })
                .exec(txn)
                .await?;
            }
        }
        Ok(())
    }
}

/// What each caller of a group hears when the group could not be begun or committed: nothing of
/// theirs was written, and a full queue or a busy database is worth retrying.
fn unwritten(error: &StoreError, reason: &str) -> StoreError {
    match error {
        StoreError::Busy { retry_after } => StoreError::Busy { retry_after: *retry_after },
        _ => StoreError::NotWritten(reason.to_string()),
    }
}

/// Begins the write transaction; a connection that could not be had in time means nothing was
/// written, which the caller hears as `Busy`.
async fn begin_write(write: &DatabaseConnection) -> Result<DatabaseTransaction> {
    write.begin().await.map_err(|error| match error {
        DbErr::ConnectionAcquire(_) => StoreError::Busy { retry_after: BUSY_RETRY_AFTER },
        other => other.into(),
    })
}

/// A place in the write queue, given back when the write ends however it ends.
struct WriteSlot(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for WriteSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// The unique constraints a rule also checks, and the field the rule names: by the name
/// PostgreSQL reports, and by the columns SQLite reports.
const UNIQUE_FIELDS: [(&str, &str, &str); 5] = [
    ("app_user_username_key", "app_user.username", "username"),
    ("ux_cycle_year", "cycle.pemda_code, cycle.tahun_anggaran", "tahun_anggaran"),
    ("opd_pkey", "opd.pemda_code, opd.code", "code"),
    ("region_pkey", "region.code", "number"),
    ("pemda_pkey", "pemda.code", "code"),
];

/// The field a unique-constraint violation concerns, from the database's message.
fn field_of_unique(message: &str) -> Option<&'static str> {
    UNIQUE_FIELDS.iter().find_map(|(constraint, columns, field)| {
        let named = message.contains(&format!("\"{constraint}\""));
        let listed = message.strip_prefix("UNIQUE constraint failed: ").is_some_and(|rest| rest.trim() == *columns);
        (named || listed).then_some(*field)
    })
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

    async fn begin_write(&self) -> Result<DatabaseTransaction> {
        begin_write(&self.write).await
    }

    /// How many groups the writer has committed (or tried to) since the store opened: with the
    /// count of writes, how much each sync of the disk was shared.
    pub fn write_groups(&self) -> u64 {
        self.groups.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Decides `command` for `actor` at `now` and commits what it causes. Returns the events,
    /// which are empty when the command changed nothing. A refusal by the access policy is
    /// written to the security log.
    ///
    /// Once admitted, a write runs to its end and its caller hears the outcome of its commit:
    /// the web layer puts no timeout on writes (only on reads), so a change that landed is never
    /// reported as failed. It is committed by the writer, with the others waiting beside it
    /// ([`write_loop`]).
    pub async fn execute(&self, actor: &Actor, command: &Command, now: OffsetDateTime) -> Result<Vec<Event>> {
        let _slot = self.admit_writer()?;
        // Resolved on the statements' pool, outside the writer: which pemda a user, proposal, reses or
        // cycle belongs to never changes.
        let pemda = crate::facts::resolve_pemda(&self.read, &command.needs(), Some(&self.cycle_years)).await?;
        let receipt = Receipt::pending();
        let (outcome, heard) = tokio::sync::oneshot::channel();
        let job =
            WriteJob { pemda, actor: actor.clone(), command: command.clone(), now, receipt: receipt.clone(), outcome };
        let result = match self.jobs.send(job) {
            Ok(()) => heard.await.unwrap_or_else(|_| Err(StoreError::NotWritten("the writer stopped".into()))),
            Err(_) => Err(StoreError::NotWritten("the writer stopped".into())),
        };
        if let (Ok(_), Some(receipt)) = (&result, &receipt) {
            receipt.mark_written();
        }
        match result {
            Err(StoreError::Database(error)) => match error.sql_err() {
                // Two writers raced for the same unique value; the loser hears what a check
                // inside the transaction would have told it.
                Some(SqlErr::UniqueConstraintViolation(message)) => {
                    Err(StoreError::Conflict { field: field_of_unique(&message) })
                }
                _ => Err(StoreError::Database(error)),
            },
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
        let mut heads = ChainHeads::default();
        let mut rest = commands;
        while !rest.is_empty() {
            let (run, needs) = apart_run(rest);
            let pemda = crate::facts::resolve_pemda(&txn, &needs, None).await?;
            if batch_pemda.get_or_insert_with(|| pemda.clone()) != &pemda {
                return Err(DomainError::field("commands", domain::Rule::UnknownRegion).into());
            }
            all.extend(commit_in(&txn, &mut heads, &pemda, actor, run, &needs, now).await?);
            rest = &rest[run.len()..];
        }
        commit_with_receipt(txn, &heads, now).await?;
        self.record_version.committed();
        Ok(all)
    }

    /// Decides several commands in one transaction and commits them only if every one passes
    /// and `commit` is set (an import; unset, it only checks): each is decided on the state the
    /// ones before it left, a refused one is rolled back to its own savepoint so that those after
    /// it are still decided, and the refusals are returned together, by position, with nothing
    /// written. `progress` hears how many were decided, every hundred.
    pub async fn execute_all_or_report(
        &self,
        actor: &Actor,
        commands: &[Command],
        now: OffsetDateTime,
        commit: bool,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<BatchOutcome> {
        let _slot = self.admit_writer()?;
        let Some(first) = commands.first() else { return Ok(BatchOutcome::Committed(Vec::new())) };
        let pemda = crate::facts::resolve_pemda(&self.read, &first.needs(), Some(&self.cycle_years)).await?;
        let txn = self.begin_write().await?;
        let mut events = Vec::new();
        let mut refused = Vec::new();
        let mut heads = ChainHeads::default();
        for (index, command) in commands.iter().enumerate() {
            match commit_in_savepoint(&txn, &mut heads, &pemda, actor, command, None, now).await {
                Ok(caused) => events.extend(caused),
                Err(StoreError::Domain(error)) => refused.push((index, error)),
                Err(other) => return Err(other),
            }
            if (index + 1) % 100 == 0 {
                progress(index + 1);
            }
        }
        progress(commands.len());
        if refused.is_empty() && commit {
            commit_with_receipt(txn, &heads, now).await?;
            self.record_version.committed();
            Ok(BatchOutcome::Committed(events))
        } else {
            txn.rollback().await?;
            Ok(BatchOutcome::Refused(refused))
        }
    }
}

/// Commits a batch's transaction with the chain heads it moved and the idempotency key of the
/// request it serves, if any.
async fn commit_with_receipt(txn: DatabaseTransaction, heads: &ChainHeads, now: OffsetDateTime) -> Result<()> {
    let receipt = Receipt::pending();
    if let Some(receipt) = &receipt {
        receipt.write(&txn, now).await?;
    }
    heads.write_back(&txn).await?;
    txn.commit().await?;
    if let Some(receipt) = receipt {
        receipt.mark_written();
    }
    Ok(())
}

/// What [`Store::execute_all_or_report`] did: committed every command, or none, with each
/// refusal by the command's position.
#[derive(Debug)]
pub enum BatchOutcome {
    Committed(Vec<Event>),
    Refused(Vec<(usize, DomainError)>),
}

/// Locks the pemda's chain, reads the facts, decides, journals and applies: everything of one
/// command but the transaction's begin and commit (and the heads' write-back before it). Also
/// of a run from [`apart_run`], with its merged `needs`: the facts read once, each command
/// decided on them, and all their events journaled and applied together (the submissions' rows
/// a few hundred per statement), the same outcome as one by one since none of them changes what
/// another reads; a refusal refuses the whole run.
async fn commit_in(
    txn: &DatabaseTransaction,
    heads: &mut ChainHeads,
    pemda: &RegionCode,
    actor: &Actor,
    run: &[Command],
    needs: &Needs,
    now: OffsetDateTime,
) -> Result<Vec<Event>> {
    let decided = decide_in(txn, heads, pemda, actor, run, needs, now).await?;
    record_in(txn, heads, pemda, decided, actor, now).await
}

/// What the rules decided for a run, and the chain's head it will be appended after.
struct Decided {
    head: Option<chain_head::Model>,
    events: Vec<Event>,
}

/// The first half of [`commit_in`]: locks the chain, reads the facts and decides. It writes
/// nothing but the lock, and the chain's start when the run creates its pemda.
async fn decide_in(
    txn: &DatabaseTransaction,
    heads: &mut ChainHeads,
    pemda: &RegionCode,
    actor: &Actor,
    run: &[Command],
    needs: &Needs,
    now: OffsetDateTime,
) -> Result<Decided> {
    let creates_pemda = creates_pemda(run);
    if creates_pemda {
        heads.start(txn, pemda).await?;
    }
    // Every writer of this pemda queues here (see `ChainHeads::lock`).
    let head = heads.lock(txn, pemda).await?;
    // A pemda has a chain exactly when it exists, but for the one being created.
    let pemda_known = (!creates_pemda).then_some(head.is_some());
    let facts = crate::facts::load(txn, needs, pemda, pemda_known, actor, now).await?;
    let mut events = Vec::new();
    for command in run {
        events.extend(domain::decide(&facts, command, actor)?);
    }
    if !events.is_empty() && head.is_none() {
        return Err(DomainError::NotFound(Entity::Pemda, pemda.to_string()).into());
    }
    Ok(Decided { head, events })
}

/// The second half of [`commit_in`]: journals and applies what was decided.
async fn record_in(
    txn: &DatabaseTransaction,
    heads: &mut ChainHeads,
    pemda: &RegionCode,
    decided: Decided,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<Vec<Event>> {
    let Decided { head, events } = decided;
    let Some(head) = head.filter(|_| !events.is_empty()) else { return Ok(events) };
    let first_seq = head.seq + 1;
    let moved = crate::journal_append::append(txn, pemda, head, &events, actor, now).await?;
    heads.moved_to(moved);
    crate::apply::apply(txn, pemda, &events, first_seq, actor, now).await?;
    Ok(events)
}

fn creates_pemda(run: &[Command]) -> bool {
    run.iter().any(|c| matches!(c, Command::Regions(RegionCommand::CreatePemda(_))))
}

/// The most commands decided on one read of facts: what they look up together stays small.
const RUN_MAX: usize = 500;

/// The first command of `commands` and those after it that can be decided with it on one read
/// of facts ([`Command::decides_apart_from_its_kind`], needs that merge), with their needs.
fn apart_run(commands: &[Command]) -> (&[Command], Needs) {
    let mut needs = commands[0].needs();
    if !commands[0].decides_apart_from_its_kind() {
        return (&commands[..1], needs);
    }
    let mut len = 1;
    for command in commands.iter().skip(1).take(RUN_MAX - 1) {
        if !command.decides_apart_from_its_kind() {
            break;
        }
        let Some(merged) = needs.merged_with(&command.needs()) else { break };
        needs = merged;
        len += 1;
    }
    (&commands[..len], needs)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    #[test]
    fn a_unique_violation_names_its_field_on_either_database() {
        let postgres = "duplicate key value violates unique constraint \"app_user_username_key\"";
        assert_eq!(super::field_of_unique(postgres), Some("username"));
        assert_eq!(super::field_of_unique("UNIQUE constraint failed: app_user.username"), Some("username"));
        let sqlite_year = "UNIQUE constraint failed: cycle.pemda_code, cycle.tahun_anggaran";
        assert_eq!(super::field_of_unique(sqlite_year), Some("tahun_anggaran"));
        assert_eq!(super::field_of_unique("UNIQUE constraint failed: journal.pemda_code, journal.seq"), None);
    }

    /// The names above are the ones this database really reports (run on both in `make test`).
    #[tokio::test]
    async fn the_database_reports_the_constraints_by_the_names_mapped() {
        let db = crate::testing::database().await.unwrap();
        let system = Actor::System { label: "test".into() };
        let now = OffsetDateTime::now_utc();
        db.store.add_official_pemda("12.71", &system, now).await.unwrap();
        let user = |id: u8| {
            format!(
                "INSERT INTO app_user (id, pemda_code, username, name, password_hash, disabled, created_at) \
                 VALUES ('00000000-0000-0000-0000-0000000000{id:02}', '12.71', 'sama', 'Sama', 'x', false, \
                 '2026-01-01T00:00:00Z')"
            )
        };
        db.tamper(&user(1)).await.unwrap();
        let twice = db.tamper(&user(2)).await;
        let Err(StoreError::Database(error)) = twice else { panic!("{twice:?}") };
        let Some(SqlErr::UniqueConstraintViolation(message)) = error.sql_err() else { panic!("{error:?}") };
        assert_eq!(super::field_of_unique(&message), Some("username"), "{message}");
        let twice = db.tamper("INSERT INTO pemda (code, name, level, created_at) VALUES ('12.71', 'X', 'kota', '2026-01-01T00:00:00Z')").await;
        let Err(StoreError::Database(error)) = twice else { panic!("{twice:?}") };
        let Some(SqlErr::UniqueConstraintViolation(message)) = error.sql_err() else { panic!("{error:?}") };
        assert_eq!(super::field_of_unique(&message), Some("code"), "{message}");
    }

    use domain::regions::AddLingkungan;

    use super::*;

    #[tokio::test]
    async fn a_full_write_queue_refuses_before_anything_is_written() {
        let db = crate::testing::database().await.unwrap();
        let store = &db.store;
        let system = Actor::System { label: "test".into() };
        let now = OffsetDateTime::now_utc();
        store.add_official_pemda("12.71", &system, now).await.unwrap();
        let add = |number: &str| {
            Command::Regions(RegionCommand::AddLingkungan(AddLingkungan {
                kelurahan: "12.71.01.1001".into(),
                number: number.into(),
                name: format!("Lingkungan {number}"),
            }))
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

    /// One group, decided without savepoints: a command the rules refuse leaves the others as
    /// they were, and a write that fails after the rules passed it (here a second command
    /// holding the same idempotency key) sends the group through savepoints, where only that
    /// command is lost. Whatever the path, the chain holds exactly the commands answered as
    /// written.
    #[tokio::test]
    async fn a_group_keeps_every_command_but_the_refused_and_the_failed() {
        let db = crate::testing::database().await.unwrap();
        let store = &db.store;
        let system = Actor::System { label: "test".into() };
        let now = OffsetDateTime::now_utc();
        store.add_official_pemda("12.71", &system, now).await.unwrap();
        let pemda = RegionCode::parse("12.71").unwrap();
        let add = |number: &str| {
            Command::Regions(RegionCommand::AddLingkungan(AddLingkungan {
                kelurahan: "12.71.01.1001".into(),
                number: number.into(),
                name: format!("Lingkungan {number}"),
            }))
        };
        let job = |number: &str, key: Option<&str>| {
            let (outcome, heard) = tokio::sync::oneshot::channel();
            let receipt = key.map(|key| Receipt::new("scope", key, number));
            let job =
                WriteJob { pemda: pemda.clone(), actor: system.clone(), command: add(number), now, receipt, outcome };
            (job, heard)
        };
        let before = store.verify_chain(&pemda).await.unwrap().events;

        // Rules only: "2" is refused (taken by the command before it), the rest are written.
        let (jobs, heard): (Vec<_>, Vec<_>) =
            [job("1", None), job("2", None), job("2", None), job("3", None)].into_iter().unzip();
        commit_group(&store.write, jobs).await;
        let mut written = Vec::new();
        for heard in heard {
            written.push(heard.await.unwrap().is_ok());
        }
        assert_eq!(written, [true, true, false, true]);
        assert_eq!(store.verify_chain(&pemda).await.unwrap().events, before + 3);

        // A failed write: the second holder of key "k" is refused by the database after the
        // rules passed it; the commands around it are written all the same.
        let (jobs, heard): (Vec<_>, Vec<_>) =
            [job("4", Some("k")), job("5", None), job("6", Some("k")), job("6", None)].into_iter().unzip();
        commit_group(&store.write, jobs).await;
        let mut outcomes = Vec::new();
        for heard in heard {
            outcomes.push(heard.await.unwrap());
        }
        assert!(outcomes[0].is_ok() && outcomes[1].is_ok() && outcomes[3].is_ok(), "{outcomes:?}");
        assert!(matches!(outcomes[2], Err(StoreError::Conflict { field: Some("idempotency_key") })), "{outcomes:?}");
        let report = store.verify_chain(&pemda).await.unwrap();
        assert!(report.valid, "{report:?}");
        assert_eq!(report.events, before + 6);
        let numbers: Vec<String> = store
            .children(&RegionCode::parse("12.71.01.1001").unwrap(), None)
            .await
            .unwrap()
            .into_iter()
            .map(|region| region.name)
            .collect();
        assert_eq!(numbers.len(), 6, "{numbers:?}");
    }

    /// A connection SQLite left inside a transaction (as a commit refused by a full disk can)
    /// is never handed to a writer again: the next write is committed for all to read, not
    /// nested in a transaction that never ends.
    #[tokio::test]
    async fn a_connection_left_in_a_transaction_is_replaced() {
        use sea_orm::ConnectionTrait;
        let db = crate::testing::database().await.unwrap();
        if db.store.backend() != crate::Backend::Sqlite {
            return;
        }
        let store = &db.store;
        let system = Actor::System { label: "test".into() };
        let now = OffsetDateTime::now_utc();
        store.add_official_pemda("12.71", &system, now).await.unwrap();
        store.write.execute_unprepared("BEGIN IMMEDIATE").await.unwrap();
        let add = Command::Regions(RegionCommand::AddLingkungan(AddLingkungan {
            kelurahan: "12.71.01.1001".into(),
            number: "7".into(),
            name: "Lingkungan 7".into(),
        }));
        store.execute(&system, &add, now).await.unwrap();
        let seen = store.children(&RegionCode::parse("12.71.01.1001").unwrap(), None).await.unwrap();
        assert_eq!(seen.len(), 1, "the write is committed where every reader sees it");
    }
}
