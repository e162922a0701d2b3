//! Applying the musrenbang part's events (proposals, stage records, forums, supports, photos) to the current-state tables.

use domain::cycle::Stage;
use domain::kamus::Bidang;
use domain::planning::{Figures, Origin, StageRecord, Status, Track, forum_region_of, street_key};
use domain::search::fold;
use domain::{MusrenbangEvent, RegionCode};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{forum, photo, proposal, proposal_stage, support};
use crate::{Result, StoreError};

/// Writes one musrenbang event; reads nothing to learn what to write.
pub(crate) async fn apply(txn: &DatabaseTransaction, event: &MusrenbangEvent, now: OffsetDateTime) -> Result<()> {
    match event {
        // `apply::apply` takes every submission before it reaches here and writes each run of
        // them with one `insert_proposals`.
        MusrenbangEvent::ProposalSubmitted { .. } => {}
        MusrenbangEvent::ProposalDecided { proposal_id, record } => update_record(txn, *proposal_id, record).await?,
        MusrenbangEvent::ForumRanked { forum: key, order } => {
            proposal_stage::Entity::update_many()
                .col_expr(proposal_stage::Column::Rank, Option::<i32>::None.into())
                .filter(proposal_stage::Column::CycleId.eq(key.cycle_id))
                .filter(proposal_stage::Column::Stage.eq(key.stage.as_str()))
                .filter(proposal_stage::Column::ForumRegion.eq(key.region.to_string()))
                .exec(txn)
                .await?;
            // A few hundred ranks per statement (`CASE proposal_id WHEN … THEN rank`): a forum
            // ranks all its proposals at once, and one statement each cost a round trip each.
            const RANKS_PER_STATEMENT: usize = 200;
            for (chunk_index, chunk) in order.chunks(RANKS_PER_STATEMENT).enumerate() {
                let mut ranks = CaseStatement::new();
                for (offset, id) in chunk.iter().enumerate() {
                    let rank = i32::try_from(chunk_index * RANKS_PER_STATEMENT + offset + 1)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    ranks = ranks.case(proposal_stage::Column::ProposalId.eq(*id), rank);
                }
                proposal_stage::Entity::update_many()
                    .col_expr(proposal_stage::Column::Rank, ranks.into())
                    .filter(proposal_stage::Column::ProposalId.is_in(chunk.to_vec()))
                    .filter(proposal_stage::Column::Stage.eq(key.stage.as_str()))
                    .exec(txn)
                    .await?;
            }
        }
        MusrenbangEvent::MeetingRecorded { forum: key, meeting } => {
            let meeting = serde_json::to_string(meeting).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            upsert_forum(txn, key.cycle_id, key.stage, key.region.as_str(), Some(meeting), None).await?;
        }
        MusrenbangEvent::ForumClosed { forum: key, not_forwarded, .. } => {
            upsert_forum(txn, key.cycle_id, key.stage, key.region.as_str(), None, Some(true)).await?;
            for chunk in not_forwarded.chunks(crate::IN_LIST_MAX) {
                proposal_stage::Entity::update_many()
                    .col_expr(proposal_stage::Column::Status, Status::NotForwarded.as_str().into())
                    .filter(proposal_stage::Column::ProposalId.is_in(chunk.to_vec()))
                    .filter(proposal_stage::Column::Stage.eq(key.stage.as_str()))
                    .exec(txn)
                    .await?;
                proposal::Entity::update_many()
                    .col_expr(proposal::Column::CurrentStatus, Status::NotForwarded.as_str().into())
                    .filter(proposal::Column::Id.is_in(chunk.to_vec()))
                    .filter(proposal::Column::CurrentStage.eq(key.stage.as_str()))
                    .exec(txn)
                    .await?;
            }
        }
        MusrenbangEvent::ProposalsForwarded { to, proposals, cycle_id, figures, .. } => {
            if proposals.len() != figures.len() {
                return Err(StoreError::Corrupt(format!(
                    "{} forwarded with {} figures",
                    proposals.len(),
                    figures.len()
                )));
            }
            let next_rows: Vec<_> = proposals
                .iter()
                .zip(figures)
                .map(|(id, figures)| {
                    stage_row(*id, *cycle_id, &StageRecord::entering(*to, Status::Pending, figures.clone()))
                })
                .collect();
            for (ids, rows) in proposals.chunks(crate::IN_LIST_MAX).zip(next_rows.chunks(crate::IN_LIST_MAX)) {
                proposal_stage::Entity::insert_many(rows.to_vec()).exec(txn).await?;
                // Only the stage and status move: the figures forwarded are those of the record
                // at the forum that closed, which its row already shows (`set_current` ran when
                // that record was made or decided).
                proposal::Entity::update_many()
                    .col_expr(proposal::Column::CurrentStage, to.as_str().into())
                    .col_expr(proposal::Column::CurrentStatus, Status::Pending.as_str().into())
                    .filter(proposal::Column::Id.is_in(ids.to_vec()))
                    .exec(txn)
                    .await?;
            }
        }
        MusrenbangEvent::PhotoAttached { proposal_id, photo: attached } => {
            insert_photo(txn, *proposal_id, attached, now).await?;
        }
        MusrenbangEvent::ProposalSupported { proposal_id, user_id } => {
            support::Entity::insert(support::ActiveModel { proposal_id: Set(*proposal_id), user_id: Set(*user_id) })
                .exec(txn)
                .await?;
            proposal::Entity::update_many()
                .col_expr(proposal::Column::SupportCount, Expr::col(proposal::Column::SupportCount).add(Expr::val(1)))
                .filter(proposal::Column::Id.eq(*proposal_id))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}

/// A proposal as it enters: a resident's or forum's (musrenbang) or a member's pokir (dprd).
pub(super) struct NewProposal<'a> {
    pub proposal_id: Uuid,
    pub cycle_id: Uuid,
    pub origin: Origin,
    pub title: &'a str,
    pub problem: &'a str,
    pub bidang: Bidang,
    pub fisik: bool,
    pub track: Track,
    pub stage: Stage,
    pub status: Status,
    pub figures: &'a Figures,
    pub priority: Option<&'a String>,
}

/// The proposal a submission brings, `None` for any other event.
pub(super) fn submitted(event: &MusrenbangEvent) -> Option<NewProposal<'_>> {
    let MusrenbangEvent::ProposalSubmitted {
        proposal_id,
        cycle_id,
        origin,
        title,
        problem,
        bidang,
        fisik,
        track,
        stage,
        status,
        figures,
        priority,
    } = event
    else {
        return None;
    };
    Some(NewProposal {
        proposal_id: *proposal_id,
        cycle_id: *cycle_id,
        origin: *origin,
        title,
        problem,
        bidang: *bidang,
        fisik: *fisik,
        track: *track,
        stage: *stage,
        status: *status,
        figures,
        priority: priority.as_ref(),
    })
}

/// Writes new proposals' rows and their records at the stage they enter: a run of submissions
/// (a forum's, decided together) in a few statements rather than two each.
pub(super) async fn insert_proposals(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    new: &[NewProposal<'_>],
    actor: &domain::Actor,
    now: OffsetDateTime,
) -> Result<()> {
    // Below SQLite's 32,766 bound values for the widest row (26 columns).
    const ROWS_PER_INSERT: usize = 500;
    let proposer = actor.journal_name();
    for chunk in new.chunks(ROWS_PER_INSERT) {
        let mut proposals = Vec::with_capacity(chunk.len());
        let mut records = Vec::with_capacity(chunk.len());
        for new in chunk {
            let figures = new.figures;
            let lingkungan = &figures.location.lingkungan;
            let ancestor = |stage: Stage| forum_region_of(lingkungan, stage).map(|c| c.to_string()).unwrap_or_default();
            proposals.push(proposal::ActiveModel {
                id: Set(new.proposal_id),
                cycle_id: Set(new.cycle_id),
                pemda_code: Set(pemda.to_string()),
                origin: Set(new.origin.as_str().to_string()),
                title: Set(new.title.to_string()),
                problem: Set(new.problem.to_string()),
                bidang: Set(new.bidang.as_str().to_string()),
                fisik: Set(new.fisik),
                track: Set(new.track.as_str().to_string()),
                proposer: Set(proposer.clone()),
                created_at: Set(now),
                lingkungan_code: Set(lingkungan.to_string()),
                kelurahan_code: Set(ancestor(Stage::MusrenbangKelurahan)),
                kecamatan_code: Set(ancestor(Stage::MusrenbangKecamatan)),
                current_stage: Set(new.stage.as_str().to_string()),
                current_status: Set(new.status.as_str().to_string()),
                kamus_code: Set(figures.kamus_code.clone()),
                opd_code: Set(figures.opd_code.clone()),
                cost: Set(figures.cost),
                support_count: Set(0),
                street_key: Set(street_key(&figures.location.address)),
                lat_e6: Set(figures.location.point.map(|p| p.lat_e6)),
                lon_e6: Set(figures.location.point.map(|p| p.lon_e6)),
                priority_code: Set(new.priority.cloned()),
                title_folded: Set(fold(new.title)),
                address_folded: Set(fold(&figures.location.address)),
            });
            let record = StageRecord::entering(new.stage, new.status, figures.clone());
            records.push(stage_row(new.proposal_id, new.cycle_id, &record));
        }
        proposal::Entity::insert_many(proposals).exec(txn).await?;
        proposal_stage::Entity::insert_many(records).exec(txn).await?;
    }
    Ok(())
}

/// Records a stored photo of `subject`: a proposal, or a reses (ids never collide).
pub(super) async fn insert_photo(
    txn: &DatabaseTransaction,
    subject: Uuid,
    attached: &domain::planning::PhotoRef,
    now: OffsetDateTime,
) -> Result<()> {
    photo::Entity::insert(photo::ActiveModel {
        id: Set(attached.id),
        proposal_id: Set(subject),
        sha256: Set(attached.sha256.clone()),
        content_type: Set(attached.content_type.clone()),
        size: Set(i64::try_from(attached.size).unwrap_or(i64::MAX)),
        created_at: Set(now),
    })
    .exec(txn)
    .await?;
    Ok(())
}

/// Writes a decided record over the proposal's record at its stage, and shows it as current.
pub(super) async fn update_record(txn: &DatabaseTransaction, proposal_id: Uuid, record: &StageRecord) -> Result<()> {
    // Every column of the record but its cycle, which a decision never changes.
    let mut row = stage_row(proposal_id, Uuid::nil(), record);
    row.cycle_id = NotSet;
    let updated = proposal_stage::Entity::update_many()
        .set(row)
        .filter(proposal_stage::Column::ProposalId.eq(proposal_id))
        .filter(proposal_stage::Column::Stage.eq(record.stage.as_str()))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(StoreError::Corrupt(format!("no {} record of {proposal_id}", record.stage.as_str())));
    }
    set_current(txn, proposal_id, record).await
}

/// Adds a proposal's record at a further stage, and shows it as current.
pub(super) async fn insert_record(
    txn: &DatabaseTransaction,
    proposal_id: Uuid,
    cycle_id: Uuid,
    record: &StageRecord,
) -> Result<()> {
    proposal_stage::Entity::insert(stage_row(proposal_id, cycle_id, record)).exec(txn).await?;
    set_current(txn, proposal_id, record).await
}

/// The forum a stage's record belongs to: the region at the stage's level, or for the OPD stage
/// the OPD.
fn forum_of(record: &StageRecord) -> String {
    match forum_region_of(&record.figures.location.lingkungan, record.stage) {
        Some(region) => region.to_string(),
        None => record.figures.opd_code.clone(),
    }
}

fn stage_row(proposal_id: Uuid, cycle_id: Uuid, record: &StageRecord) -> proposal_stage::ActiveModel {
    let figures = &record.figures;
    proposal_stage::ActiveModel {
        proposal_id: Set(proposal_id),
        stage: Set(record.stage.as_str().to_string()),
        cycle_id: Set(cycle_id),
        forum_region: Set(forum_of(record)),
        status: Set(record.status.as_str().to_string()),
        rank: Set(record.rank.and_then(|r| i32::try_from(r).ok())),
        kamus_code: Set(figures.kamus_code.clone()),
        unit: Set(figures.unit.clone()),
        unit_price: Set(figures.unit_price),
        volume: Set(figures.volume),
        cost: Set(figures.cost),
        opd_code: Set(figures.opd_code.clone()),
        lingkungan_code: Set(figures.location.lingkungan.to_string()),
        address: Set(figures.location.address.clone()),
        lat_e6: Set(figures.location.point.map(|p| p.lat_e6)),
        lon_e6: Set(figures.location.point.map(|p| p.lon_e6)),
        reason: Set(record.reason.clone()),
        decided_by: Set(record.decided_by.clone()),
        decided_at: Set(record.decided_at.clone()),
    }
}

/// The proposal's row shows where it stands now: the latest stage it reached and its figures
/// there, with where they are (lists filter by it, the duplicate check searches by it).
async fn set_current(txn: &DatabaseTransaction, proposal_id: Uuid, record: &StageRecord) -> Result<()> {
    let figures = &record.figures;
    let lingkungan = &figures.location.lingkungan;
    let ancestor = |stage: Stage| forum_region_of(lingkungan, stage).map(|c| c.to_string()).unwrap_or_default();
    proposal::Entity::update_many()
        .col_expr(proposal::Column::CurrentStage, record.stage.as_str().into())
        .col_expr(proposal::Column::CurrentStatus, record.status.as_str().into())
        .col_expr(proposal::Column::KamusCode, figures.kamus_code.clone().into())
        .col_expr(proposal::Column::OpdCode, figures.opd_code.clone().into())
        .col_expr(proposal::Column::Cost, figures.cost.into())
        .col_expr(proposal::Column::LingkunganCode, lingkungan.to_string().into())
        .col_expr(proposal::Column::KelurahanCode, ancestor(Stage::MusrenbangKelurahan).into())
        .col_expr(proposal::Column::KecamatanCode, ancestor(Stage::MusrenbangKecamatan).into())
        .col_expr(proposal::Column::StreetKey, street_key(&figures.location.address).into())
        .col_expr(proposal::Column::AddressFolded, fold(&figures.location.address).into())
        .col_expr(proposal::Column::LatE6, figures.location.point.map(|p| p.lat_e6).into())
        .col_expr(proposal::Column::LonE6, figures.location.point.map(|p| p.lon_e6).into())
        .filter(proposal::Column::Id.eq(proposal_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Writes a forum's minutes or its closing, creating its row the first time: one statement that
/// updates only the column the event is about. A forum is named by its region, or for the forum
/// OPD by the OPD's code.
pub(super) async fn upsert_forum(
    txn: &DatabaseTransaction,
    cycle_id: Uuid,
    stage: Stage,
    forum_code: &str,
    meeting: Option<String>,
    closed: Option<bool>,
) -> Result<()> {
    let mut on_conflict =
        OnConflict::columns([forum::Column::CycleId, forum::Column::Stage, forum::Column::RegionCode]);
    if meeting.is_some() {
        on_conflict.update_column(forum::Column::Meeting);
    }
    if closed.is_some() {
        on_conflict.update_column(forum::Column::Closed);
    }
    forum::Entity::insert(forum::ActiveModel {
        cycle_id: Set(cycle_id),
        stage: Set(stage.as_str().to_string()),
        region_code: Set(forum_code.to_string()),
        closed: Set(closed.unwrap_or(false)),
        meeting: Set(meeting),
    })
    .on_conflict(on_conflict)
    .exec(txn)
    .await?;
    Ok(())
}
