//! Reads of the forum OPD and the Renja (an OPD's lines and what reached it, a line with the
//! items it carries), of the RKPD (every line of the cycle with its items' origins) and of a
//! proposal's line. An OPD's Renja grows with that OPD's lines; the RKPD with the cycle's lines.

use std::collections::HashMap;

use domain::cycle::Stage;
use domain::planning::Status;
use domain::renja::{LineContent, LineFacts};
use domain::views::{Adoption, LineSource, LineStage, LineSummary, LineView, RenjaView, RkpdView, SourceFigure};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::{forum, opd_ceiling, proposal, proposal_stage, renja_line, renja_line_stage, renja_source, rkpd};
use crate::facts::renja_facts;
use crate::rows::to_record;
use crate::{Result, Store, StoreError};

fn to_stage(row: &renja_line_stage::Model) -> Result<LineStage> {
    Ok(LineStage {
        stage: Stage::parse(&row.stage).ok_or_else(|| StoreError::Corrupt(row.stage.clone()))?,
        content: serde_json::from_str::<LineContent>(&row.content)
            .map_err(|e| StoreError::Corrupt(format!("renja line {}: {e}", row.line_id)))?,
        saved_by: row.saved_by.clone(),
        saved_at: row.saved_at.clone(),
    })
}

/// Lines with their stages and source counts, in sub kegiatan order.
async fn summaries(db: &impl ConnectionTrait, lines: Vec<renja_line::Model>) -> Result<Vec<LineSummary>> {
    let ids: Vec<Uuid> = lines.iter().map(|l| l.id).collect();
    let mut stages: HashMap<Uuid, Vec<LineStage>> = HashMap::new();
    let mut sources: HashMap<Uuid, u64> = HashMap::new();
    for chunk in ids.chunks(crate::IN_LIST_MAX) {
        for row in renja_line_stage::Entity::find()
            .filter(renja_line_stage::Column::LineId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            stages.entry(row.line_id).or_default().push(to_stage(&row)?);
        }
        for row in
            renja_source::Entity::find().filter(renja_source::Column::LineId.is_in(chunk.to_vec())).all(db).await?
        {
            *sources.entry(row.line_id).or_default() += 1;
        }
    }
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let mut line_stages = stages.remove(&line.id).unwrap_or_default();
        line_stages.sort_by_key(|s| s.stage);
        out.push(LineSummary {
            id: line.id,
            cycle_id: line.cycle_id,
            opd_code: line.opd_code.clone(),
            first_stage: Stage::parse(&line.first_stage)
                .ok_or_else(|| StoreError::Corrupt(line.first_stage.clone()))?,
            stages: line_stages,
            sources: sources.get(&line.id).copied().unwrap_or(0),
        });
    }
    out.sort_by(|a, b| {
        let code = |l: &LineSummary| l.latest().map(|c| c.sub_kegiatan.clone()).unwrap_or_default();
        (a.opd_code.as_str(), code(a), a.id).cmp(&(b.opd_code.as_str(), code(b), b.id))
    });
    Ok(out)
}

/// A line as the rules see it.
pub(crate) async fn line_facts(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<LineFacts>> {
    let Some(line) = renja_line::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let mut stages = std::collections::BTreeMap::new();
    for row in renja_line_stage::Entity::find().filter(renja_line_stage::Column::LineId.eq(id)).all(db).await? {
        let stage = to_stage(&row)?;
        stages.insert(stage.stage, stage.content);
    }
    Ok(Some(LineFacts { id, cycle_id: line.cycle_id, opd_code: line.opd_code, stages }))
}

impl<R: crate::Reads> Store<R> {
    /// The pagu indikatif of each OPD in a cycle.
    pub async fn opd_ceilings(&self, cycle_id: Uuid) -> Result<HashMap<String, i64>> {
        Ok(opd_ceiling::Entity::find()
            .filter(opd_ceiling::Column::CycleId.eq(cycle_id))
            .all(&self.read)
            .await?
            .into_iter()
            .map(|c| (c.opd_code, c.amount))
            .collect())
    }

    /// An OPD's forum and Renja: its facts (with what is pending and its lines' pagu), its
    /// lines, and `limit` of what reached it after the first `offset`, pending first.
    pub async fn renja(&self, cycle_id: Uuid, opd_code: &str, offset: u64, limit: u64) -> Result<RenjaView> {
        let facts = renja_facts(&self.read, cycle_id, opd_code, true).await?;
        let lines = renja_line::Entity::find()
            .filter(renja_line::Column::CycleId.eq(cycle_id))
            .filter(renja_line::Column::OpdCode.eq(opd_code))
            .all(&self.read)
            .await?;
        let lines = summaries(&self.read, lines).await?;
        let at_opd = || {
            proposal_stage::Entity::find()
                .filter(proposal_stage::Column::CycleId.eq(cycle_id))
                .filter(proposal_stage::Column::Stage.eq(Stage::ForumOpd.as_str()))
                .filter(proposal_stage::Column::ForumRegion.eq(opd_code))
        };
        let items_total = at_opd().count(&self.read).await?;
        // An offset past the end shows the last page (and never reaches the database as more
        // than it can bind).
        let limit = limit.min(crate::PAGE_MAX);
        let offset =
            if offset >= items_total && limit > 0 { items_total.saturating_sub(1) / limit * limit } else { offset };
        let pending = facts.pending as u64;
        let mut rows = Vec::new();
        if offset < pending {
            rows = at_opd()
                .filter(proposal_stage::Column::Status.eq(Status::Pending.as_str()))
                .order_by_asc(proposal_stage::Column::ProposalId)
                .offset(offset)
                .limit(limit)
                .all(&self.read)
                .await?;
        }
        let wanted = limit.saturating_sub(rows.len() as u64);
        if wanted > 0 {
            rows.extend(
                at_opd()
                    .filter(proposal_stage::Column::Status.ne(Status::Pending.as_str()))
                    .order_by_asc(proposal_stage::Column::ProposalId)
                    .offset(offset.saturating_sub(pending))
                    .limit(wanted)
                    .all(&self.read)
                    .await?,
            );
        }
        let items = crate::planning_queries::with_summaries(&self.read, &rows).await?;
        Ok(RenjaView { facts, lines, items, items_total, offset })
    }

    /// A Renja line with the items it carries, each with every stage's record.
    pub async fn renja_line(&self, id: Uuid) -> Result<Option<LineView>> {
        let Some(line) = renja_line::Entity::find_by_id(id).one(&self.read).await? else { return Ok(None) };
        let line = summaries(&self.read, vec![line]).await?.remove(0);
        let ids: Vec<Uuid> = renja_source::Entity::find()
            .filter(renja_source::Column::LineId.eq(id))
            .all(&self.read)
            .await?
            .into_iter()
            .map(|s| s.proposal_id)
            .collect();
        let mut records: HashMap<Uuid, Vec<domain::planning::StageRecord>> = HashMap::new();
        for chunk in ids.chunks(crate::IN_LIST_MAX) {
            for row in proposal_stage::Entity::find()
                .filter(proposal_stage::Column::ProposalId.is_in(chunk.to_vec()))
                .all(&self.read)
                .await?
            {
                records.entry(row.proposal_id).or_default().push(to_record(&row)?);
            }
        }
        let mut sources: Vec<LineSource> = crate::planning_queries::summaries_by_id(&self.read, &ids)
            .await?
            .into_values()
            .map(|summary| {
                let mut kept = records.remove(&summary.id).unwrap_or_default();
                kept.sort_by_key(|r| r.stage);
                LineSource { summary, records: kept }
            })
            .collect();
        sources.sort_by_key(|s| (s.summary.origin.as_str(), s.summary.id));
        Ok(Some(LineView { line, sources }))
    }

    /// The OPD that finalised their Renja in a cycle.
    pub async fn finalised_renja(&self, cycle_id: Uuid) -> Result<Vec<String>> {
        Ok(forum::Entity::find()
            .filter(forum::Column::CycleId.eq(cycle_id))
            .filter(forum::Column::Stage.eq(Stage::ForumOpd.as_str()))
            .filter(forum::Column::Closed.eq(true))
            .all(&self.read)
            .await?
            .into_iter()
            .map(|f| f.region_code)
            .collect())
    }

    /// The line that carries a proposal, if any.
    pub async fn line_of_proposal(&self, proposal_id: Uuid) -> Result<Option<Uuid>> {
        Ok(renja_source::Entity::find_by_id(proposal_id).one(&self.read).await?.map(|s| s.line_id))
    }

    /// The lines that carry these proposals, each with its (latest) sub kegiatan, by proposal:
    /// read by key, without the items each line carries.
    pub async fn lines_of_proposals(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, (Uuid, String)>> {
        let mut line_of = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(crate::IN_LIST_MAX) {
            line_of.extend(
                renja_source::Entity::find()
                    .filter(renja_source::Column::ProposalId.is_in(chunk.to_vec()))
                    .all(&self.read)
                    .await?
                    .into_iter()
                    .map(|s| (s.proposal_id, s.line_id)),
            );
        }
        let line_ids: Vec<Uuid> = line_of.values().copied().collect();
        let mut codes = HashMap::new();
        for chunk in line_ids.chunks(crate::IN_LIST_MAX) {
            for line in
                renja_line::Entity::find().filter(renja_line::Column::Id.is_in(chunk.to_vec())).all(&self.read).await?
            {
                codes.insert(line.id, line.sub_kegiatan);
            }
        }
        Ok(line_of
            .into_iter()
            .filter_map(|(proposal, line)| Some((proposal, (line, codes.get(&line)?.clone()))))
            .collect())
    }

    /// The cycle's RKPD: every line, the items they carry, the musrenbang and the adoption.
    pub async fn rkpd(&self, cycle_id: Uuid) -> Result<RkpdView> {
        let lines = renja_line::Entity::find().filter(renja_line::Column::CycleId.eq(cycle_id)).all(&self.read).await?;
        let lines = summaries(&self.read, lines).await?;
        let row = rkpd::Entity::find_by_id(cycle_id).one(&self.read).await?;
        let mut sources = Vec::new();
        let ids: Vec<Uuid> = lines.iter().map(|l| l.id).collect();
        for chunk in ids.chunks(crate::IN_LIST_MAX) {
            let carried = renja_source::Entity::find()
                .filter(renja_source::Column::LineId.is_in(chunk.to_vec()))
                .all(&self.read)
                .await?;
            let line_of: HashMap<Uuid, Uuid> = carried.iter().map(|s| (s.proposal_id, s.line_id)).collect();
            let proposal_ids: Vec<Uuid> = line_of.keys().copied().collect();
            for ids in proposal_ids.chunks(crate::IN_LIST_MAX) {
                // Only the four columns the totals count: a proposal's texts stay unread.
                let rows: Vec<(Uuid, String, String, i64)> = proposal::Entity::find()
                    .select_only()
                    .column(proposal::Column::Id)
                    .column(proposal::Column::Origin)
                    .column(proposal::Column::KecamatanCode)
                    .column(proposal::Column::Cost)
                    .filter(proposal::Column::Id.is_in(ids.to_vec()))
                    .into_tuple()
                    .all(&self.read)
                    .await?;
                for (id, origin, kecamatan, cost) in rows {
                    sources.push(SourceFigure {
                        line_id: line_of[&id],
                        origin: domain::planning::Origin::parse(&origin).ok_or(StoreError::Corrupt(origin))?,
                        kecamatan,
                        cost,
                    });
                }
            }
        }
        let (musrenbang, priorities, adoption) = match row {
            Some(row) => (
                row.musrenbang.as_deref().and_then(|m| serde_json::from_str(m).ok()),
                row.priorities.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or_default(),
                match (row.perkada_number, row.perkada_date, row.adopted_lines, row.adopted_total) {
                    (Some(number), Some(date), Some(lines), Some(total)) => {
                        Some(Adoption { number, date, lines: u32::try_from(lines).unwrap_or(0), total })
                    }
                    _ => None,
                },
            ),
            None => (None, Vec::new(), None),
        };
        Ok(RkpdView { cycle_id, musrenbang, priorities, adoption, lines, sources })
    }
}
