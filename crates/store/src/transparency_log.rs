//! The transparency log of each pemda's journal (`domain::transparency`): its Merkle tree's
//! hashes, grown from the journal when a checkpoint is issued; the signed checkpoints; the
//! witnesses and their cosignatures. The write path of a change never touches the tree: a
//! checkpoint, issued every few minutes, adds what the journal gained since the last one.

use domain::RegionCode;
use domain::journal::{ChainReport, ChainVerifier, JournalEntry};
use domain::transparency::{self, Hash, KnownHashes, LogKey, TreeGrowth, TreeRead, WitnessVerifier};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use time::OffsetDateTime;

use crate::entity::{chain_head, journal, tlog_checkpoint, tlog_cosignature, tlog_hash, tlog_witness};
use crate::queries::{journal_rows, walk_end};
use crate::rows::to_entry;
use crate::{Result, Store, StoreError};

/// The most leaves one checkpoint adds: the first checkpoint of a long journal is issued in
/// steps, each its own short transaction, so that no writer waits long behind it.
const LEAVES_PER_CHECKPOINT: i64 = 20_000;

/// A checkpoint as kept, with what witnesses said of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub pemda: String,
    pub size: i64,
    /// Hex SHA-256 of the tree's root.
    pub root: String,
    /// The signed note, as issued (without cosignatures).
    pub note: String,
    pub issued_at: String,
    pub cosignatures: Vec<Cosignature>,
}

impl StoredCheckpoint {
    /// The note with every cosignature line appended: what a reader who trusts a witness checks.
    pub fn cosigned_note(&self) -> String {
        let mut note = self.note.clone();
        for c in &self.cosignatures {
            note.push_str(&c.line);
            note.push('\n');
        }
        note
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    pub witness: String,
    pub line: String,
    pub signed_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    pub name: String,
    pub verifier_key: String,
    pub added_at: String,
}

/// What the public check found, anchored on the latest checkpoint.
#[derive(Debug, Clone)]
pub struct AnchoredCheck {
    pub report: ChainReport,
    pub checkpoint: StoredCheckpoint,
}

fn to_hash(bytes: &[u8]) -> Result<Hash> {
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| StoreError::Corrupt("a tree hash is not 32 bytes".into()))?;
    Ok(Hash(bytes))
}

fn to_checkpoint(row: tlog_checkpoint::Model, cosignatures: Vec<Cosignature>) -> StoredCheckpoint {
    StoredCheckpoint {
        pemda: row.pemda_code,
        size: row.size,
        root: row.root,
        note: row.note,
        issued_at: row.issued_at,
        cosignatures,
    }
}

fn index(i: u64) -> Result<i64> {
    i64::try_from(i).map_err(|_| StoreError::Corrupt("a stored hash index beyond i64".into()))
}

/// Reads the stored hashes at `indexes` of `pemda`'s tree.
async fn hashes_at(db: &impl ConnectionTrait, pemda: &str, indexes: &[u64]) -> Result<KnownHashes> {
    let mut known = KnownHashes::default();
    for chunk in indexes.chunks(crate::IN_LIST_MAX) {
        let wanted = chunk.iter().map(|i| index(*i)).collect::<Result<Vec<_>>>()?;
        let rows = tlog_hash::Entity::find()
            .filter(tlog_hash::Column::PemdaCode.eq(pemda))
            .filter(tlog_hash::Column::Idx.is_in(wanted))
            .all(db)
            .await?;
        for row in rows {
            let i = u64::try_from(row.idx).map_err(|_| StoreError::Corrupt("a negative tree index".into()))?;
            known.insert(i, to_hash(&row.hash)?);
        }
    }
    Ok(known)
}

impl Store {
    /// Grows `pemda`'s tree to its chain's head and signs a checkpoint for each step of at most
    /// [`LEAVES_PER_CHECKPOINT`] leaves. Returns the checkpoints issued: none when the journal
    /// has not grown since the last. A chain that does not verify from the last checkpoint on,
    /// or whose entry at the last checkpoint no longer matches its leaf, is not signed.
    pub async fn issue_checkpoints(
        &self,
        pemda: &RegionCode,
        key: &LogKey,
        installation: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<StoredCheckpoint>> {
        let mut issued = Vec::new();
        loop {
            match self.issue_one_checkpoint(pemda, key, installation, now).await {
                Ok(Some(checkpoint)) => issued.push(checkpoint),
                Ok(None) => return Ok(issued),
                // Another process (a CLI round beside `serve`, a second app server) signed the
                // same step first: its checkpoint stands, and this round has nothing left to add.
                Err(StoreError::Database(error))
                    if matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) =>
                {
                    return Ok(issued);
                }
                Err(other) => return Err(other),
            }
        }
    }

    async fn issue_one_checkpoint(
        &self,
        pemda: &RegionCode,
        key: &LogKey,
        installation: &str,
        now: OffsetDateTime,
    ) -> Result<Option<StoredCheckpoint>> {
        let code = pemda.to_string();
        let txn = self.write.begin().await?;
        let head = chain_head::Entity::find_by_id(code.clone()).one(&txn).await?.map(|h| h.seq).unwrap_or(0);
        let size = latest_size(&txn, &code).await?;
        if head <= size {
            return Ok(None);
        }
        let target = head.min(size + LEAVES_PER_CHECKPOINT);
        let size_u = u64::try_from(size).unwrap_or(0);
        let mut growth = TreeGrowth::new(size_u, hashes_at(&txn, &code, &TreeGrowth::edge_indexes(size_u)).await?);
        let mut verifier = ChainVerifier::default();
        if size > 0 {
            let anchor = journal::Entity::find_by_id((code.clone(), size))
                .one(&txn)
                .await?
                .ok_or(StoreError::BrokenChain { first_broken: size })?;
            let stored_leaf = hashes_at(&txn, &code, &[transparency::leaf_index(size_u - 1)]).await?;
            let leaf = transparency::leaf_hash(&anchor.hash)?;
            if !matches_leaf(&stored_leaf, size_u - 1, leaf) {
                return Err(StoreError::BrokenChain { first_broken: size });
            }
            verifier = ChainVerifier::resume(size, &anchor.hash);
        }
        let mut after = size;
        while after < target {
            let rows = journal_rows(&txn, &code, after, target, 2_000).await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for row in rows {
                let entry = to_entry(row);
                verifier.push(&entry);
                growth.push(transparency::leaf_hash(&entry.hash)?)?;
            }
        }
        let report = verifier.finish(None);
        if let Some(first_broken) = report.first_broken {
            return Err(StoreError::BrokenChain { first_broken });
        }
        if report.events != target {
            return Err(StoreError::BrokenChain { first_broken: report.events + 1 });
        }
        let root = growth.root()?;
        let rows: Vec<tlog_hash::ActiveModel> = growth
            .take_added()
            .into_iter()
            .map(|(i, hash)| {
                Ok(tlog_hash::ActiveModel {
                    pemda_code: Set(code.clone()),
                    idx: Set(index(i)?),
                    hash: Set(hash.0.to_vec()),
                })
            })
            .collect::<Result<_>>()?;
        for chunk in rows.chunks(1_000) {
            tlog_hash::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
        }
        let origin = transparency::origin(installation, &code);
        let note = key.sign_checkpoint(&origin, growth.size(), root)?;
        let row = tlog_checkpoint::ActiveModel {
            pemda_code: Set(code),
            size: Set(target),
            root: Set(transparency::hash_hex(&root)),
            note: Set(note),
            issued_at: Set(domain::journal_time(now)),
        };
        let row = tlog_checkpoint::Entity::insert(row).exec_with_returning(&txn).await?;
        txn.commit().await?;
        self.record_version.committed();
        Ok(Some(to_checkpoint(row, Vec::new())))
    }

    /// The newest checkpoint of `pemda`, with its cosignatures.
    pub async fn latest_checkpoint(&self, pemda: &RegionCode) -> Result<Option<StoredCheckpoint>> {
        Ok(self.checkpoints(pemda, None, 1).await?.pop())
    }

    /// `pemda`'s checkpoints, newest first, at most `limit` below size `before`.
    pub async fn checkpoints(
        &self,
        pemda: &RegionCode,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<StoredCheckpoint>> {
        let mut query =
            tlog_checkpoint::Entity::find().filter(tlog_checkpoint::Column::PemdaCode.eq(pemda.to_string()));
        if let Some(before) = before {
            query = query.filter(tlog_checkpoint::Column::Size.lt(before));
        }
        let rows = query
            .order_by_desc(tlog_checkpoint::Column::Size)
            .limit(limit.min(crate::PAGE_MAX))
            .all(&self.read)
            .await?;
        let sizes: Vec<i64> = rows.iter().map(|r| r.size).collect();
        let mut cosignatures = tlog_cosignature::Entity::find()
            .filter(tlog_cosignature::Column::PemdaCode.eq(pemda.to_string()))
            .filter(tlog_cosignature::Column::Size.is_in(sizes))
            .order_by_asc(tlog_cosignature::Column::Witness)
            .all(&self.read)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let size = row.size;
                let own = cosignatures
                    .extract_if(.., |c| c.size == size)
                    .map(|c| Cosignature { witness: c.witness, line: c.line, signed_at: c.signed_at })
                    .collect();
                to_checkpoint(row, own)
            })
            .collect())
    }

    /// The checkpoint of `pemda` at exactly `size`.
    pub async fn checkpoint_at(&self, pemda: &RegionCode, size: i64) -> Result<Option<StoredCheckpoint>> {
        Ok(self.checkpoints(pemda, Some(size.saturating_add(1)), 1).await?.pop().filter(|c| c.size == size))
    }

    /// Answers a read of `pemda`'s tree (a root or a proof) from its stored hashes. The sizes
    /// asked must be within the tree grown so far (the latest checkpoint's).
    pub async fn tree_read(&self, pemda: &RegionCode, read: TreeRead) -> Result<Vec<Hash>> {
        let known = hashes_at(&self.read, pemda.as_str(), &read.indexes()).await?;
        Ok(read.answer(&known)?)
    }

    /// The journal of a pemda in `seq` order, at most `limit` entries after `after`.
    pub async fn journal_after(&self, pemda: &RegionCode, after: i64, limit: u64) -> Result<Vec<JournalEntry>> {
        let rows = journal_rows(&self.read, pemda.as_str(), after, i64::MAX, limit.min(10_000)).await?;
        Ok(rows.into_iter().map(to_entry).collect())
    }

    /// One journal entry.
    pub async fn journal_entry(&self, pemda: &RegionCode, seq: i64) -> Result<Option<JournalEntry>> {
        Ok(journal::Entity::find_by_id((pemda.to_string(), seq)).one(&self.read).await?.map(to_entry))
    }

    /// The public check, answered from the latest checkpoint: the entry it ends with must still
    /// be its last leaf, its stored tree must give its root, and the entries since must chain
    /// on from it. What it costs grows with what came after the checkpoint (a few minutes of
    /// events), not with the history. `None` before the first checkpoint.
    pub async fn verify_since_log_checkpoint(&self, pemda: &RegionCode) -> Result<Option<AnchoredCheck>> {
        let Some(checkpoint) = self.latest_checkpoint(pemda).await? else { return Ok(None) };
        let (head_seq, head_hash) = self.chain_head_of(pemda).await?;
        let size = checkpoint.size;
        let size_u = u64::try_from(size).unwrap_or(0);
        let broken = |first_broken: i64| ChainReport {
            valid: false,
            events: head_seq,
            head: head_hash.clone(),
            first_broken: Some(first_broken),
        };
        if head_seq < size {
            return Ok(Some(AnchoredCheck { report: broken(head_seq + 1), checkpoint }));
        }
        let anchor = self.journal_entry(pemda, size).await?;
        let mut indexes = TreeRead::Root { size: size_u }.indexes();
        indexes.push(transparency::leaf_index(size_u - 1));
        let known = hashes_at(&self.read, pemda.as_str(), &indexes).await?;
        let root_matches = transparency::root(size_u, &known).ok().map(|r| transparency::hash_hex(&r)).as_deref()
            == Some(checkpoint.root.as_str());
        let Some(anchor) = anchor.filter(|a| {
            root_matches && transparency::leaf_hash(&a.hash).is_ok_and(|leaf| matches_leaf(&known, size_u - 1, leaf))
        }) else {
            return Ok(Some(AnchoredCheck { report: broken(size), checkpoint }));
        };
        let report =
            self.walk_chain(pemda, ChainVerifier::resume(size, &anchor.hash), size, head_seq, &head_hash).await?;
        Ok(Some(AnchoredCheck { report, checkpoint }))
    }

    /// Walks `pemda`'s whole journal up to `head_seq`: the chain, each entry against the leaf
    /// the tree keeps for it, and the tree rebuilt from the journal against every checkpoint's
    /// signed root. A history edited and re-chained after a checkpoint keeps a valid chain but
    /// breaks the leaf and the root; the first entry that can be told broken is named.
    pub(crate) async fn audit_whole(&self, pemda: &RegionCode, head_seq: i64, head_hash: &str) -> Result<ChainReport> {
        let code = pemda.to_string();
        let checkpoints: Vec<(u64, Hash)> = tlog_checkpoint::Entity::find()
            .filter(tlog_checkpoint::Column::PemdaCode.eq(code.clone()))
            .order_by_asc(tlog_checkpoint::Column::Size)
            .all(&self.read)
            .await?
            .into_iter()
            .filter_map(|c| Some((u64::try_from(c.size).ok()?, transparency::hash_from_hex(&c.root)?)))
            .collect();
        let mut audit = transparency::LogAudit::new(checkpoints.clone());
        let mut leaf_mismatch: Option<i64> = None;
        let mut after = 0_i64;
        loop {
            let rows = journal_rows(&self.read, &code, after, walk_end(head_seq), 2_000).await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            if leaf_mismatch.is_none() {
                let indexes: Vec<u64> =
                    rows.iter().filter_map(|r| u64::try_from(r.seq - 1).ok()).map(transparency::leaf_index).collect();
                let stored = hashes_at(&self.read, &code, &indexes).await?;
                leaf_mismatch = rows.iter().find_map(|r| {
                    let kept = stored.get(transparency::leaf_index(u64::try_from(r.seq - 1).ok()?))?;
                    (transparency::leaf_hash(&r.hash).ok() != Some(kept)).then_some(r.seq)
                });
            }
            for row in rows {
                audit.push(&to_entry(row));
            }
        }
        let found = audit.finish(Some((head_seq, head_hash)));
        // A root that no longer matches says only that something up to its size changed since
        // the checkpoint before it, which did match: a leaf that differs names the entry.
        let root_mismatch = found.first_mismatch.map(|size| {
            let before = checkpoints.iter().map(|c| c.0).filter(|s| *s < size).max().unwrap_or(0);
            i64::try_from(before).unwrap_or(0) + 1
        });
        let mut report = found.chain;
        report.first_broken = [report.first_broken, leaf_mismatch.or(root_mismatch)].into_iter().flatten().min();
        report.valid = report.first_broken.is_none();
        Ok(report)
    }

    /// Registers a witness whose cosignatures will be accepted (the CLI).
    pub async fn add_witness(&self, verifier_key: &str, now: OffsetDateTime) -> Result<Witness> {
        let witness = WitnessVerifier::parse(verifier_key)?;
        let row = tlog_witness::ActiveModel {
            name: Set(witness.name().to_string()),
            verifier_key: Set(witness.to_text()),
            added_at: Set(domain::journal_time(now)),
        };
        tlog_witness::Entity::insert(row)
            .on_conflict(
                OnConflict::column(tlog_witness::Column::Name)
                    .update_columns([tlog_witness::Column::VerifierKey, tlog_witness::Column::AddedAt])
                    .to_owned(),
            )
            .exec(&self.write)
            .await?;
        Ok(Witness {
            name: witness.name().to_string(),
            verifier_key: witness.to_text(),
            added_at: domain::journal_time(now),
        })
    }

    pub async fn witnesses(&self) -> Result<Vec<Witness>> {
        let rows = tlog_witness::Entity::find().order_by_asc(tlog_witness::Column::Name).all(&self.read).await?;
        Ok(rows
            .into_iter()
            .map(|r| Witness { name: r.name, verifier_key: r.verifier_key, added_at: r.added_at })
            .collect())
    }

    /// Keeps a cosignature of `pemda`'s checkpoint at `size` when it is a known witness's and
    /// verifies over that checkpoint's body. Returns the witness's name, or `None` when the line
    /// is no known witness's valid cosignature.
    pub async fn add_cosignature(
        &self,
        pemda: &RegionCode,
        size: i64,
        body: &str,
        line: &str,
    ) -> Result<Option<String>> {
        let line = line.trim_end();
        for witness in self.witnesses().await? {
            let Ok(verifier) = WitnessVerifier::parse(&witness.verifier_key) else { continue };
            let Some(signed_at) = verifier.check(body, line) else { continue };
            let row = tlog_cosignature::ActiveModel {
                pemda_code: Set(pemda.to_string()),
                size: Set(size),
                witness: Set(witness.name.clone()),
                line: Set(line.to_string()),
                signed_at: Set(i64::try_from(signed_at).unwrap_or(i64::MAX)),
            };
            tlog_cosignature::Entity::insert(row)
                .on_conflict(
                    OnConflict::columns([
                        tlog_cosignature::Column::PemdaCode,
                        tlog_cosignature::Column::Size,
                        tlog_cosignature::Column::Witness,
                    ])
                    .update_columns([tlog_cosignature::Column::Line, tlog_cosignature::Column::SignedAt])
                    .to_owned(),
                )
                .exec(&self.write)
                .await?;
            return Ok(Some(witness.name));
        }
        Ok(None)
    }
}

fn matches_leaf(known: &KnownHashes, i: u64, leaf: Hash) -> bool {
    known.get(transparency::leaf_index(i)) == Some(leaf)
}

async fn latest_size(db: &impl ConnectionTrait, pemda: &str) -> Result<i64> {
    let latest = tlog_checkpoint::Entity::find()
        .filter(tlog_checkpoint::Column::PemdaCode.eq(pemda))
        .order_by_desc(tlog_checkpoint::Column::Size)
        .one(db)
        .await?;
    Ok(latest.map(|c| c.size).unwrap_or(0))
}
