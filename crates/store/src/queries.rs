//! Reads of the current state. Every query is scoped by pemda or by a code that belongs to one.

use domain::journal::{ChainReport, ChainVerifier, JournalEntry};
use domain::{Grant, Region, RegionCode, RegionLevel, UserActor};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{app_user, chain_checkpoint, chain_head, journal, pemda, region, user_grant};
use crate::rows::{to_entry, to_grant, to_region};
use crate::{Result, Store};

/// A user's row and grants as the record the web layer reads; a row whose pemda code does not
/// parse is left out, as a user that cannot be placed.
pub(crate) fn to_user_record(user: app_user::Model, grants: Vec<&user_grant::Model>) -> Option<UserRecord> {
    Some(UserRecord {
        id: user.id,
        pemda: RegionCode::parse(&user.pemda_code).ok()?,
        grants: grants.into_iter().filter_map(to_grant).collect(),
        username: user.username,
        name: user.name,
        disabled: user.disabled,
        created_at: user.created_at,
    })
}

/// Regions read from committed rows and kept, the most recently asked at most
/// [`KnownRegions::MAX`]: a region's row is only ever inserted (with its pemda, or as a
/// lingkungan added later), never changed or deleted, so nothing kept goes stale, on this server
/// or beside others on the same database. A code not found is not kept, as it may be added.
/// Every forum, list and proposal page names its regions; a city has a few thousand.
#[derive(Debug, Clone)]
pub(crate) struct KnownRegions(std::sync::Arc<std::sync::Mutex<hashlink::LruCache<RegionCode, Region>>>);

impl Default for KnownRegions {
    fn default() -> Self {
        KnownRegions(std::sync::Arc::new(std::sync::Mutex::new(hashlink::LruCache::new(KnownRegions::MAX))))
    }
}

impl KnownRegions {
    /// About 3 MB when full, by its entries' sizes: a few large kabupaten, or the most visited
    /// regions of many pemda.
    const MAX: usize = 16_384;

    /// The regions of `codes` kept, and the codes not kept (each once).
    fn split(&self, codes: &[RegionCode]) -> (std::collections::HashMap<RegionCode, Region>, Vec<RegionCode>) {
        let mut found = std::collections::HashMap::with_capacity(codes.len());
        let mut missing = std::collections::HashSet::new();
        let Ok(mut known) = self.0.lock() else { return (found, codes.to_vec()) };
        for code in codes {
            match known.get(code) {
                Some(region) => {
                    found.insert(code.clone(), region.clone());
                }
                None => {
                    missing.insert(code.clone());
                }
            }
        }
        (found, missing.into_iter().collect())
    }

    /// `regions` were read from committed rows.
    fn keep(&self, regions: &[Region]) {
        if let Ok(mut known) = self.0.lock() {
            for region in regions {
                known.insert(region.code.clone(), region.clone());
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemdaSummary {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionCounts {
    pub kecamatan: u64,
    pub kelurahan: u64,
    pub desa: u64,
    pub lingkungan: u64,
}

/// An account as administrators see it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: Uuid,
    pub pemda: RegionCode,
    pub username: String,
    pub name: String,
    pub disabled: bool,
    pub created_at: OffsetDateTime,
    pub grants: Vec<Grant>,
}

impl UserRecord {
    pub fn actor(&self) -> UserActor {
        UserActor {
            id: self.id,
            username: self.username.clone(),
            pemda: self.pemda.clone(),
            grants: self.grants.clone(),
        }
    }
}

/// The most rows a list returns at once.
pub const PAGE_MAX: u64 = 500;

/// The most lingkungan one export carries: far above any city's count.
const LINGKUNGAN_EXPORT_MAX: u64 = 100_000;

impl<R: crate::Reads> Store<R> {
    pub async fn pemda(&self, code: &RegionCode) -> Result<Option<PemdaSummary>> {
        let row = pemda::Entity::find_by_id(code.to_string()).one(&self.read).await?;
        Ok(row.and_then(|row| {
            Some(PemdaSummary {
                code: RegionCode::parse(&row.code).ok()?,
                name: row.name,
                level: RegionLevel::parse(&row.level)?,
            })
        }))
    }

    pub async fn all_pemda(&self) -> Result<Vec<PemdaSummary>> {
        let rows = pemda::Entity::find().order_by_asc(pemda::Column::Code).all(&self.read).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(PemdaSummary {
                    code: RegionCode::parse(&row.code).ok()?,
                    name: row.name,
                    level: RegionLevel::parse(&row.level)?,
                })
            })
            .collect())
    }

    /// A region of any level, pemda included.
    pub async fn region(&self, code: &RegionCode) -> Result<Option<Region>> {
        if code.level().is_pemda() {
            return Ok(self.pemda(code).await?.map(|p| Region { code: p.code, name: p.name, level: p.level }));
        }
        Ok(self.regions(std::slice::from_ref(code)).await?.remove(code))
    }

    /// The names of the regions named, by code (those that exist).
    pub async fn region_names(&self, codes: &[RegionCode]) -> Result<std::collections::HashMap<RegionCode, String>> {
        Ok(self.regions(codes).await?.into_iter().map(|(code, region)| (code, region.name)).collect())
    }

    /// The regions named (below the pemda), by code: those kept first, the rest read in chunks
    /// and kept.
    async fn regions(&self, codes: &[RegionCode]) -> Result<std::collections::HashMap<RegionCode, Region>> {
        let (mut found, missing) = self.known_regions.split(codes);
        let wanted: Vec<String> = missing.iter().map(ToString::to_string).collect();
        for chunk in wanted.chunks(crate::IN_LIST_MAX) {
            let rows =
                region::Entity::find().filter(region::Column::Code.is_in(chunk.to_vec())).all(&self.read).await?;
            let read: Vec<Region> = rows.iter().filter_map(to_region).collect();
            self.known_regions.keep(&read);
            found.extend(read.into_iter().map(|region| (region.code.clone(), region)));
        }
        Ok(found)
    }

    /// The names of these lingkungan and of the kelurahan and kecamatan that hold them, in one
    /// read: what a list of proposals names each one's place by.
    pub async fn place_names<'a>(
        &self,
        lingkungan: impl IntoIterator<Item = &'a RegionCode>,
    ) -> Result<std::collections::HashMap<RegionCode, String>> {
        let mut codes: Vec<RegionCode> = Vec::new();
        for code in lingkungan {
            codes.push(code.clone());
            codes.extend(code.at_depth(4));
            codes.extend(code.at_depth(3));
        }
        codes.sort();
        codes.dedup();
        self.region_names(&codes).await
    }

    /// The regions directly below `code`, in code order, at most [`PAGE_MAX`] after `after`.
    pub async fn children(&self, code: &RegionCode, after: Option<&str>) -> Result<Vec<Region>> {
        let mut query = region::Entity::find().filter(region::Column::ParentCode.eq(code.to_string()));
        if let Some(after) = after {
            query = query.filter(region::Column::Code.gt(after.to_string()));
        }
        let rows = query.order_by_asc(region::Column::Code).limit(PAGE_MAX).all(&self.read).await?;
        Ok(rows.iter().filter_map(to_region).collect())
    }

    /// Every lingkungan at or below `code`, in code order (a city has a few thousand).
    pub async fn lingkungan_within(&self, code: &RegionCode) -> Result<Vec<Region>> {
        let mut query = region::Entity::find().filter(region::Column::Level.eq(RegionLevel::Lingkungan.as_str()));
        query = match code.pemda() {
            Some(pemda) if &pemda == code => query.filter(region::Column::PemdaCode.eq(code.to_string())),
            _ => query.filter(region::Column::Code.starts_with(format!("{code}."))),
        };
        let rows = query.order_by_asc(region::Column::Code).limit(LINGKUNGAN_EXPORT_MAX).all(&self.read).await?;
        Ok(rows.iter().filter_map(to_region).collect())
    }

    pub async fn region_counts(&self, pemda: &RegionCode) -> Result<RegionCounts> {
        let count = |level: RegionLevel| {
            region::Entity::find()
                .filter(region::Column::PemdaCode.eq(pemda.to_string()))
                .filter(region::Column::Level.eq(level.as_str()))
                .count(&self.read)
        };
        Ok(RegionCounts {
            kecamatan: count(RegionLevel::Kecamatan).await?,
            kelurahan: count(RegionLevel::Kelurahan).await?,
            desa: count(RegionLevel::Desa).await?,
            lingkungan: count(RegionLevel::Lingkungan).await?,
        })
    }

    async fn grants_of(&self, ids: &[Uuid]) -> Result<Vec<user_grant::Model>> {
        Ok(user_grant::Entity::find()
            .filter(user_grant::Column::UserId.is_in(ids.to_vec()))
            .order_by_asc(user_grant::Column::Id)
            .all(&self.read)
            .await?)
    }

    async fn with_grants(&self, users: Vec<app_user::Model>) -> Result<Vec<UserRecord>> {
        let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
        let grants = self.grants_of(&ids).await?;
        Ok(users
            .into_iter()
            .filter_map(|user| {
                let own: Vec<&user_grant::Model> = grants.iter().filter(|g| g.user_id == user.id).collect();
                to_user_record(user, own)
            })
            .collect())
    }

    /// The users a query finds, each with its grants, in one statement (the grants joined): for
    /// queries without a limit, as a limit would count a user's grants, not the users.
    async fn users_joined(
        &self,
        query: Select<app_user::Entity>,
    ) -> Result<Vec<(app_user::Model, Vec<user_grant::Model>)>> {
        Ok(query.find_with_related(user_grant::Entity).order_by_asc(user_grant::Column::Id).all(&self.read).await?)
    }

    /// A user with their grants: one statement, as every signed-in request asks it.
    pub async fn user(&self, id: Uuid) -> Result<Option<UserRecord>> {
        let found = self.users_joined(app_user::Entity::find_by_id(id)).await?;
        Ok(found.into_iter().find_map(|(user, grants)| to_user_record(user, grants.iter().collect())))
    }

    /// The users named, those that exist, with their grants: one statement however many names.
    pub async fn users_named(&self, usernames: &[String]) -> Result<Vec<UserRecord>> {
        if usernames.is_empty() {
            return Ok(Vec::new());
        }
        let found = self
            .users_joined(app_user::Entity::find().filter(app_user::Column::Username.is_in(usernames.to_vec())))
            .await?;
        Ok(found.into_iter().filter_map(|(user, grants)| to_user_record(user, grants.iter().collect())).collect())
    }

    /// The user and their password hash, for logging in.
    pub async fn credentials(&self, username: &str) -> Result<Option<(UserRecord, String)>> {
        let found = self.users_joined(app_user::Entity::find().filter(app_user::Column::Username.eq(username))).await?;
        Ok(found.into_iter().find_map(|(user, grants)| {
            let hash = user.password_hash.clone();
            to_user_record(user, grants.iter().collect()).map(|record| (record, hash))
        }))
    }

    /// The users of a pemda in username order, at most [`PAGE_MAX`] after `after`.
    pub async fn users(&self, pemda: &RegionCode, after: Option<&str>) -> Result<Vec<UserRecord>> {
        let mut query = app_user::Entity::find().filter(app_user::Column::PemdaCode.eq(pemda.to_string()));
        if let Some(after) = after {
            query = query.filter(app_user::Column::Username.gt(after.to_string()));
        }
        let users = query.order_by_asc(app_user::Column::Username).limit(PAGE_MAX).all(&self.read).await?;
        self.with_grants(users).await
    }

    /// Where the record stands, for a reader's copy of a page: every pemda's head and its latest
    /// signed checkpoint, summed (it grows with every change anywhere, and with every checkpoint,
    /// which pages that show inclusion proofs depend on), and when the latest head was written.
    ///
    /// It runs on every anonymous page request, and reads a row per pemda (8 ms over 514), so it
    /// is kept for up to [`RecordVersion::KEPT_FOR`]: forgotten at once when this process
    /// commits, so what a server writes shows on its next page; what another server writes to
    /// the same PostgreSQL shows within that second.
    pub async fn record_version(&self) -> Result<(i64, Option<OffsetDateTime>)> {
        let commits = self.record_version.commits();
        if let Some(kept) = self.record_version.kept(commits) {
            return Ok(kept);
        }
        let read = self.read_record_version().await?;
        self.record_version.keep(commits, read);
        Ok(read)
    }

    async fn read_record_version(&self) -> Result<(i64, Option<OffsetDateTime>)> {
        let rows = self
            .read
            .query_all_raw(sea_orm::Statement::from_string(
                self.read.get_database_backend(),
                "SELECT h.seq AS seq, j.at AS at, \
                 (SELECT MAX(c.size) FROM tlog_checkpoint c WHERE c.pemda_code = h.pemda_code) AS signed \
                 FROM chain_head h LEFT JOIN journal j ON j.pemda_code = h.pemda_code AND j.seq = h.seq",
            ))
            .await?;
        let mut version = 0_i64;
        let mut latest: Option<OffsetDateTime> = None;
        for row in rows {
            let seq: i64 = row.try_get("", "seq")?;
            let at: Option<String> = row.try_get("", "at")?;
            let signed: Option<i64> = row.try_get("", "signed")?;
            // A validator, not a figure: only that it changes matters.
            version = version.wrapping_add(seq).wrapping_add(signed.unwrap_or(0).wrapping_shl(32));
            let at = at.and_then(|at| OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339).ok());
            latest = latest.max(at);
        }
        Ok((version, latest))
    }

    /// The head the database keeps beside the chain; a pemda without one has lost its anchor,
    /// and every stored event is then unaccounted for.
    pub(crate) async fn chain_head_of(&self, pemda: &RegionCode) -> Result<(i64, String)> {
        let head = chain_head::Entity::find_by_id(pemda.to_string()).one(&self.read).await?;
        Ok(match head {
            Some(h) => (h.seq, h.hash),
            None => (0, domain::journal::GENESIS_HASH.to_string()),
        })
    }

    /// Feeds the entries after `after`, up to `head_seq`, to `verifier`, 2,000 at a time.
    pub(crate) async fn walk_chain(
        &self,
        pemda: &RegionCode,
        mut verifier: ChainVerifier,
        mut after: i64,
        head_seq: i64,
        head_hash: &str,
    ) -> Result<ChainReport> {
        loop {
            let rows = journal_rows(&self.read, pemda.as_str(), after, walk_end(head_seq), 2_000).await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for row in rows {
                verifier.push(&to_entry(row));
            }
        }
        // Entries past the head are writes that landed after it was read, not damage.
        Ok(verifier.finish(Some((head_seq, head_hash))))
    }

    /// The journal of a pemda, newest first, at most `limit` entries before `before`.
    pub async fn journal(&self, pemda: &RegionCode, before: Option<i64>, limit: u64) -> Result<Vec<JournalEntry>> {
        let mut query = journal::Entity::find().filter(journal::Column::PemdaCode.eq(pemda.to_string()));
        if let Some(before) = before {
            query = query.filter(journal::Column::Seq.lt(before));
        }
        let rows = query.order_by_desc(journal::Column::Seq).limit(limit.min(PAGE_MAX)).all(&self.read).await?;
        Ok(rows.into_iter().map(to_entry).collect())
    }
}

/// A page of `pemda`'s journal rows in `seq` order: at most `limit` after `after`, none past
/// `up_to`. Every walk of the journal (the chain check, the full audit, a checkpoint's growth,
/// the export) reads it this way.
pub(crate) async fn journal_rows(
    db: &impl sea_orm::ConnectionTrait,
    pemda: &str,
    after: i64,
    up_to: i64,
    limit: u64,
) -> Result<Vec<journal::Model>> {
    Ok(journal::Entity::find()
        .filter(journal::Column::PemdaCode.eq(pemda))
        .filter(journal::Column::Seq.gt(after))
        .filter(journal::Column::Seq.lte(up_to))
        .order_by_asc(journal::Column::Seq)
        .limit(limit)
        .all(db)
        .await?)
}

/// Where a walk to the recorded head ends: a pemda without a head row (seq 0) has every stored
/// entry walked, and fails.
pub(crate) fn walk_end(head_seq: i64) -> i64 {
    if head_seq == 0 { i64::MAX } else { head_seq }
}

/// [`Store::record_version`] as last read, and the number of this process's commits it was read
/// after: shared by every clone of the store.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordVersion {
    commits: std::sync::Arc<std::sync::atomic::AtomicU64>,
    #[allow(clippy::type_complexity)]
    kept: std::sync::Arc<std::sync::Mutex<Option<(u64, std::time::Instant, (i64, Option<OffsetDateTime>))>>>,
}

impl RecordVersion {
    /// How long a version read is kept while this process commits nothing.
    pub(crate) const KEPT_FOR: std::time::Duration = std::time::Duration::from_secs(1);

    /// Called after every commit of this process: the version kept is stale.
    pub(crate) fn committed(&self) {
        self.commits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn commits(&self) -> u64 {
        self.commits.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn kept(&self, commits: u64) -> Option<(i64, Option<OffsetDateTime>)> {
        let kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match *kept {
            Some((after, at, version)) if after == commits && at.elapsed() < Self::KEPT_FOR => Some(version),
            _ => None,
        }
    }

    /// Keeps `version`, read after `commits` commits: if one more came meanwhile, it is kept
    /// under the old count and so never served.
    fn keep(&self, commits: u64, version: (i64, Option<OffsetDateTime>)) {
        *self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some((commits, std::time::Instant::now(), version));
    }
}

/// The writes of this module, on the pool's store only (see [`crate::Reads`]).
impl Store {
    /// Recomputes the pemda's whole hash chain from its first entry, a page of entries at a time
    /// (the CLI and auditors), and holds it against the transparency log's leaves and signed
    /// roots (`audit_whole`). The head is read first and the chain checked up to it, so that
    /// events written meanwhile do not look like damage. The outcome becomes the pemda's
    /// checkpoint, from which [`Store::verify_chain_since_checkpoint`] continues.
    pub async fn verify_chain(&self, pemda: &RegionCode) -> Result<ChainReport> {
        let (head_seq, head_hash) = self.chain_head_of(pemda).await?;
        let report = self.audit_whole(pemda, head_seq, &head_hash).await?;
        self.record_checkpoint(pemda, &report).await?;
        Ok(report)
    }

    /// Checks only what was added since the pemda's last checkpoint (the public check, which
    /// anyone may ask for as often as they like: it costs what was added, not the history), and
    /// moves the checkpoint on. The checkpoint's own entry must still carry the hash it was
    /// verified with, and a break found once stays reported. An entry edited before the
    /// checkpoint is seen only by a full walk ([`Store::verify_chain`]). Returns the report and
    /// the sequence number the walk started after (0 for a walk from the start).
    pub async fn verify_chain_since_checkpoint(&self, pemda: &RegionCode) -> Result<(ChainReport, i64)> {
        let (head_seq, head_hash) = self.chain_head_of(pemda).await?;
        let checkpoint = chain_checkpoint::Entity::find_by_id(pemda.to_string()).one(&self.read).await?;
        let broken = |first_broken: i64| ChainReport {
            valid: false,
            events: head_seq,
            head: head_hash.clone(),
            first_broken: Some(first_broken),
        };
        let Some(checkpoint) = checkpoint else {
            let report = self.walk_chain(pemda, ChainVerifier::default(), 0, head_seq, &head_hash).await?;
            self.record_checkpoint(pemda, &report).await?;
            return Ok((report, 0));
        };
        if let Some(first_broken) = checkpoint.first_broken {
            return Ok((broken(first_broken), checkpoint.seq));
        }
        // A head behind what was once verified: the chain was cut short.
        if checkpoint.seq > head_seq {
            let report = broken(head_seq + 1);
            self.record_checkpoint(pemda, &report).await?;
            return Ok((report, checkpoint.seq));
        }
        if checkpoint.seq > 0 {
            let anchor = journal::Entity::find_by_id((pemda.to_string(), checkpoint.seq)).one(&self.read).await?;
            if anchor.is_none_or(|row| row.hash != checkpoint.hash) {
                let report = broken(checkpoint.seq);
                self.record_checkpoint(pemda, &report).await?;
                return Ok((report, checkpoint.seq));
            }
        }
        let verifier = ChainVerifier::resume(checkpoint.seq, &checkpoint.hash);
        let report = self.walk_chain(pemda, verifier, checkpoint.seq, head_seq, &head_hash).await?;
        if !report.valid || report.events > checkpoint.seq {
            self.record_checkpoint(pemda, &report).await?;
        }
        Ok((report, checkpoint.seq))
    }

    /// Keeps where the chain was last verified: the head when it verified, the break when not.
    async fn record_checkpoint(&self, pemda: &RegionCode, report: &ChainReport) -> Result<()> {
        let row = chain_checkpoint::ActiveModel {
            pemda_code: Set(pemda.to_string()),
            seq: Set(report.events),
            hash: Set(report.head.clone()),
            first_broken: Set(report.first_broken),
            checked_at: Set(OffsetDateTime::now_utc()),
        };
        chain_checkpoint::Entity::insert(row)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(chain_checkpoint::Column::PemdaCode)
                    .update_columns([
                        chain_checkpoint::Column::Seq,
                        chain_checkpoint::Column::Hash,
                        chain_checkpoint::Column::FirstBroken,
                        chain_checkpoint::Column::CheckedAt,
                    ])
                    .to_owned(),
            )
            .exec(&self.write)
            .await?;
        Ok(())
    }
}
