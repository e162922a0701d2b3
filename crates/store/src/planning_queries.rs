//! Reads of cycles, master data, proposals and forums. Lists are scoped by pemda or cycle and
//! paginated by key.

use std::collections::HashMap;

use domain::cycle::{CycleFacts, Stage};
use domain::journal::JournalEntry;
use domain::masterdata::{KamusItem, Opd};
use domain::planning::{FlagCandidate, ForumFacts, ForumKey, Origin, PhotoRef, StageRecord, Status, Track};
use domain::{RegionCode, masterdata::Bidang};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{ceiling, cycle, journal, journal_subject, kamus_item, opd, photo, proposal, proposal_stage};
use crate::facts::{cycle_facts, forum_facts, parse_code, to_kamus, to_record};
use crate::{Result, Store, StoreError};

/// A proposal as lists show it: where it stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalSummary {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub title: String,
    pub origin: Origin,
    pub stage: Stage,
    pub status: Status,
    pub lingkungan: RegionCode,
    pub kamus_code: String,
    pub opd_code: String,
    pub cost: i64,
    pub supports: i32,
    pub created_at: OffsetDateTime,
}

/// A proposal whole: what it is, who raised it, and every stage's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDetail {
    pub summary: ProposalSummary,
    pub problem: String,
    pub bidang: Bidang,
    pub fisik: bool,
    pub track: Track,
    pub proposer: String,
    pub records: Vec<StageRecord>,
}

/// Which proposals a list shows. Every field narrows; `region` may be any level.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    pub pemda: Option<RegionCode>,
    pub cycle: Option<Uuid>,
    pub region: Option<RegionCode>,
    pub stage: Option<Stage>,
    pub status: Option<Status>,
    pub origin: Option<Origin>,
    pub opd: Option<String>,
}

/// A forum with its proposals, each with its record at the forum's stage, in rank order then
/// in the order they arrived.
#[derive(Debug, Clone)]
pub struct ForumView {
    pub facts: ForumFacts,
    pub items: Vec<(ProposalSummary, StageRecord)>,
}

fn to_summary(row: &proposal::Model) -> Result<ProposalSummary> {
    Ok(ProposalSummary {
        id: row.id,
        cycle_id: row.cycle_id,
        title: row.title.clone(),
        origin: Origin::parse(&row.origin).ok_or_else(|| StoreError::Corrupt(row.origin.clone()))?,
        stage: Stage::parse(&row.current_stage).ok_or_else(|| StoreError::Corrupt(row.current_stage.clone()))?,
        status: Status::parse(&row.current_status).ok_or_else(|| StoreError::Corrupt(row.current_status.clone()))?,
        lingkungan: parse_code(&row.lingkungan_code)?,
        kamus_code: row.kamus_code.clone(),
        opd_code: row.opd_code.clone(),
        cost: row.cost,
        supports: row.support_count,
        created_at: row.created_at,
    })
}

impl Store {
    pub async fn cycles(&self, pemda: &RegionCode) -> Result<Vec<CycleFacts>> {
        let rows = cycle::Entity::find()
            .filter(cycle::Column::PemdaCode.eq(pemda.to_string()))
            .order_by_desc(cycle::Column::TahunAnggaran)
            .all(&self.read)
            .await?;
        let mut cycles = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(facts) = cycle_facts(&self.read, row.id).await? {
                cycles.push(facts);
            }
        }
        Ok(cycles)
    }

    pub async fn cycle(&self, id: Uuid) -> Result<Option<CycleFacts>> {
        cycle_facts(&self.read, id).await
    }

    pub async fn opds(&self, pemda: &RegionCode) -> Result<Vec<Opd>> {
        Ok(opd::Entity::find()
            .filter(opd::Column::PemdaCode.eq(pemda.to_string()))
            .order_by_asc(opd::Column::Code)
            .all(&self.read)
            .await?
            .into_iter()
            .map(|o| Opd { code: o.code, name: o.name })
            .collect())
    }

    /// The kamus of one tahun anggaran, in code order.
    pub async fn kamus(&self, pemda: &RegionCode, tahun_anggaran: i32) -> Result<Vec<KamusItem>> {
        Ok(kamus_item::Entity::find()
            .filter(kamus_item::Column::PemdaCode.eq(pemda.to_string()))
            .filter(kamus_item::Column::TahunAnggaran.eq(tahun_anggaran))
            .order_by_asc(kamus_item::Column::Code)
            .limit(5_000)
            .all(&self.read)
            .await?
            .into_iter()
            .filter_map(to_kamus)
            .collect())
    }

    pub async fn ceilings(&self, cycle_id: Uuid) -> Result<HashMap<RegionCode, i64>> {
        let rows = ceiling::Entity::find().filter(ceiling::Column::CycleId.eq(cycle_id)).all(&self.read).await?;
        let mut ceilings = HashMap::with_capacity(rows.len());
        for row in rows {
            ceilings.insert(parse_code(&row.kecamatan_code)?, row.amount);
        }
        Ok(ceilings)
    }

    /// Proposals matching `filter`, in the order they were raised, `limit` after `after`.
    pub async fn proposals(
        &self,
        filter: &ProposalFilter,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<ProposalSummary>> {
        let mut query = proposal::Entity::find();
        if let Some(pemda) = &filter.pemda {
            query = query.filter(proposal::Column::PemdaCode.eq(pemda.to_string()));
        }
        if let Some(cycle) = filter.cycle {
            query = query.filter(proposal::Column::CycleId.eq(cycle));
        }
        if let Some(region) = &filter.region {
            query = match region.depth() {
                2 => query.filter(proposal::Column::PemdaCode.eq(region.to_string())),
                3 => query.filter(proposal::Column::KecamatanCode.eq(region.to_string())),
                4 => query.filter(proposal::Column::KelurahanCode.eq(region.to_string())),
                5 => query.filter(proposal::Column::LingkunganCode.eq(region.to_string())),
                _ => query.filter(proposal::Column::PemdaCode.starts_with(region.to_string())),
            };
        }
        if let Some(stage) = filter.stage {
            query = query.filter(proposal::Column::CurrentStage.eq(stage.as_str()));
        }
        if let Some(status) = filter.status {
            query = query.filter(proposal::Column::CurrentStatus.eq(status.as_str()));
        }
        if let Some(origin) = filter.origin {
            query = query.filter(proposal::Column::Origin.eq(origin.as_str()));
        }
        if let Some(opd) = &filter.opd {
            query = query.filter(proposal::Column::OpdCode.eq(opd.clone()));
        }
        if let Some(after) = after {
            query = query.filter(proposal::Column::Id.gt(after));
        }
        let rows = query.order_by_asc(proposal::Column::Id).limit(limit.min(crate::PAGE_MAX)).all(&self.read).await?;
        rows.iter().map(to_summary).collect()
    }

    pub async fn proposal(&self, id: Uuid) -> Result<Option<ProposalDetail>> {
        let Some(row) = proposal::Entity::find_by_id(id).one(&self.read).await? else { return Ok(None) };
        let mut records = Vec::new();
        for stage_row in
            proposal_stage::Entity::find().filter(proposal_stage::Column::ProposalId.eq(id)).all(&self.read).await?
        {
            records.push(to_record(&stage_row)?);
        }
        records.sort_by_key(|r| r.stage);
        Ok(Some(ProposalDetail {
            summary: to_summary(&row)?,
            problem: row.problem.clone(),
            bidang: Bidang::parse(&row.bidang).ok_or_else(|| StoreError::Corrupt(row.bidang.clone()))?,
            fisik: row.fisik,
            track: Track::parse(&row.track).ok_or_else(|| StoreError::Corrupt(row.track.clone()))?,
            proposer: row.proposer.clone(),
            records,
        }))
    }

    /// The journal entries about one proposal, oldest first: its timeline.
    pub async fn proposal_history(&self, id: Uuid) -> Result<Vec<JournalEntry>> {
        let subjects = journal_subject::Entity::find()
            .filter(journal_subject::Column::ProposalId.eq(id))
            .order_by_asc(journal_subject::Column::Seq)
            .limit(1_000)
            .all(&self.read)
            .await?;
        let Some(first) = subjects.first() else { return Ok(Vec::new()) };
        let pemda = first.pemda_code.clone();
        let seqs: Vec<i64> = subjects.iter().map(|s| s.seq).collect();
        let rows = journal::Entity::find()
            .filter(journal::Column::PemdaCode.eq(pemda))
            .filter(journal::Column::Seq.is_in(seqs))
            .order_by_asc(journal::Column::Seq)
            .all(&self.read)
            .await?;
        Ok(rows.into_iter().map(crate::queries::to_entry).collect())
    }

    /// A forum with its proposals at its stage.
    pub async fn forum(&self, key: &ForumKey) -> Result<ForumView> {
        let facts = forum_facts(&self.read, key, true).await?;
        let stage_rows = proposal_stage::Entity::find()
            .filter(proposal_stage::Column::CycleId.eq(key.cycle_id))
            .filter(proposal_stage::Column::Stage.eq(key.stage.as_str()))
            .filter(proposal_stage::Column::ForumRegion.eq(key.region.to_string()))
            .all(&self.read)
            .await?;
        let ids: Vec<Uuid> = stage_rows.iter().map(|r| r.proposal_id).collect();
        let mut summaries = HashMap::new();
        for chunk in ids.chunks(500) {
            for row in
                proposal::Entity::find().filter(proposal::Column::Id.is_in(chunk.to_vec())).all(&self.read).await?
            {
                summaries.insert(row.id, to_summary(&row)?);
            }
        }
        let mut items = Vec::with_capacity(stage_rows.len());
        for row in &stage_rows {
            if let Some(summary) = summaries.remove(&row.proposal_id) {
                items.push((summary, to_record(row)?));
            }
        }
        items.sort_by_key(|(summary, record)| (record.rank.unwrap_or(u32::MAX), summary.id));
        Ok(ForumView { facts, items })
    }

    /// Every proposal of the cycle in `area` (a kecamatan) with one of these kamus items, with
    /// its latest figures: the neighbours the duplicate check compares against. Duplicates are
    /// looked for within one kecamatan: the same street of one kelurahan always is, and 100 m
    /// across a kecamatan border is the one case this leaves out, for a check that reads a
    /// twentieth of a city's proposals instead of all of them.
    pub async fn flag_candidates(
        &self,
        cycle_id: Uuid,
        kamus_codes: &[String],
        area: &RegionCode,
    ) -> Result<Vec<FlagCandidate>> {
        let mut latest: HashMap<Uuid, StageRecord> = HashMap::new();
        for chunk in kamus_codes.chunks(200) {
            let rows = proposal_stage::Entity::find()
                .filter(proposal_stage::Column::CycleId.eq(cycle_id))
                .filter(proposal_stage::Column::KamusCode.is_in(chunk.to_vec()))
                .filter(proposal_stage::Column::LingkunganCode.starts_with(format!("{area}.")))
                .limit(50_000)
                .all(&self.read)
                .await?;
            for row in rows {
                let record = to_record(&row)?;
                let newer = latest.get(&row.proposal_id).is_none_or(|known| known.stage < record.stage);
                if newer {
                    latest.insert(row.proposal_id, record);
                }
            }
        }
        Ok(latest.iter().map(|(id, record)| FlagCandidate::of(*id, &record.figures)).collect())
    }

    /// The photos of a proposal, oldest first.
    pub async fn photos(&self, proposal_id: Uuid) -> Result<Vec<PhotoRef>> {
        Ok(photo::Entity::find()
            .filter(photo::Column::ProposalId.eq(proposal_id))
            .order_by_asc(photo::Column::CreatedAt)
            .all(&self.read)
            .await?
            .into_iter()
            .map(|p| PhotoRef {
                id: p.id,
                sha256: p.sha256,
                content_type: p.content_type,
                size: u64::try_from(p.size).unwrap_or(0),
            })
            .collect())
    }

    /// Stores a photo (decoded whole as a JPEG or PNG within the bounds, and encoded anew; see
    /// [`crate::attachments::check_photo`]) and records it with the proposal, for `actor`, in
    /// the journal.
    pub async fn attach_photo(
        &self,
        actor: &domain::Actor,
        proposal_id: Uuid,
        bytes: bytes::Bytes,
        now: OffsetDateTime,
    ) -> Result<PhotoRef> {
        let attachments = self
            .attachments
            .as_ref()
            .ok_or_else(|| StoreError::Attachment("no attachment storage configured".into()))?;
        // Decoding is CPU work: off the async threads.
        let checked = tokio::task::spawn_blocking(move || crate::attachments::check_photo(&bytes))
            .await
            .map_err(|e| StoreError::Attachment(e.to_string()))?
            .map_err(|rule| domain::DomainError::field("photo", rule))?;
        let size = checked.bytes.len() as u64;
        // Stored before the record: a refused command leaves an unreferenced file, never a
        // record without its file.
        let sha256 = attachments.put(checked.bytes).await?;
        let photo = PhotoRef { id: Uuid::now_v7(), sha256, content_type: checked.content_type.to_string(), size };
        self.execute(actor, &domain::Command::AttachPhoto { proposal_id, photo: photo.clone() }, now).await?;
        Ok(photo)
    }

    /// A photo's bytes and type, if it belongs to the proposal.
    pub async fn photo_bytes(&self, proposal_id: Uuid, photo_id: Uuid) -> Result<Option<(String, bytes::Bytes)>> {
        let Some(row) = photo::Entity::find_by_id(photo_id).one(&self.read).await? else { return Ok(None) };
        if row.proposal_id != proposal_id {
            return Ok(None);
        }
        let Some(attachments) = &self.attachments else { return Ok(None) };
        Ok(attachments.get(&row.sha256).await?.map(|bytes| (row.content_type, bytes)))
    }

    /// Today's kamus prices of a tahun anggaran, for the price check.
    pub async fn kamus_prices(&self, pemda: &RegionCode, tahun_anggaran: i32) -> Result<HashMap<String, i64>> {
        Ok(self.kamus(pemda, tahun_anggaran).await?.into_iter().map(|k| (k.code, k.unit_price)).collect())
    }
}
