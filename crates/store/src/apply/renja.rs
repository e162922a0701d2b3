//! Applying the renja part's events: the forum OPD's decisions and redirections, the items each
//! Renja line carries, the lines' figures per stage, the forum OPD's minutes and finalising.

use domain::cycle::Stage;
use domain::{RegionCode, RenjaEvent};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use super::musrenbang::{update_record, upsert_forum};
use crate::entity::{renja_line, renja_line_stage, renja_source};
use crate::{Result, StoreError};

/// Writes one renja event; reads nothing to learn what to write.
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    event: &RenjaEvent,
    actor: &domain::Actor,
    now: OffsetDateTime,
) -> Result<()> {
    match event {
        RenjaEvent::ForumOpdDecided { proposal_id, record, line_id } => {
            update_record(txn, *proposal_id, record).await?;
            // One line carries an accepted item; a later decision moves or drops it.
            renja_source::Entity::delete_many()
                .filter(renja_source::Column::ProposalId.eq(*proposal_id))
                .exec(txn)
                .await?;
            if let Some(line_id) = line_id {
                renja_source::Entity::insert(renja_source::ActiveModel {
                    proposal_id: Set(*proposal_id),
                    line_id: Set(*line_id),
                })
                .exec(txn)
                .await?;
            }
        }
        RenjaEvent::ProposalRedirected { proposal_id, record, .. } => {
            update_record(txn, *proposal_id, record).await?;
            renja_source::Entity::delete_many()
                .filter(renja_source::Column::ProposalId.eq(*proposal_id))
                .exec(txn)
                .await?;
        }
        RenjaEvent::LineSaved { line_id, cycle_id, opd_code, stage, first, content } => {
            if *first {
                renja_line::Entity::insert(renja_line::ActiveModel {
                    id: Set(*line_id),
                    pemda_code: Set(pemda.to_string()),
                    cycle_id: Set(*cycle_id),
                    opd_code: Set(opd_code.clone()),
                    sub_kegiatan: Set(content.sub_kegiatan.clone()),
                    first_stage: Set(stage.as_str().to_string()),
                })
                .exec(txn)
                .await?;
            } else {
                renja_line::Entity::update_many()
                    .col_expr(renja_line::Column::SubKegiatan, content.sub_kegiatan.clone().into())
                    .filter(renja_line::Column::Id.eq(*line_id))
                    .exec(txn)
                    .await?;
            }
            let json = serde_json::to_string(content).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            renja_line_stage::Entity::insert(renja_line_stage::ActiveModel {
                line_id: Set(*line_id),
                stage: Set(stage.as_str().to_string()),
                cycle_id: Set(*cycle_id),
                opd_code: Set(opd_code.clone()),
                pagu: Set(content.pagu),
                prakiraan_maju: Set(content.prakiraan_maju),
                content: Set(json),
                saved_by: Set(actor.journal_name()),
                saved_at: Set(domain::journal_time(now)),
            })
            .on_conflict(
                OnConflict::columns([renja_line_stage::Column::LineId, renja_line_stage::Column::Stage])
                    .update_columns([
                        renja_line_stage::Column::Pagu,
                        renja_line_stage::Column::PrakiraanMaju,
                        renja_line_stage::Column::Content,
                        renja_line_stage::Column::SavedBy,
                        renja_line_stage::Column::SavedAt,
                    ])
                    .to_owned(),
            )
            .exec(txn)
            .await?;
        }
        RenjaEvent::ForumOpdMeetingRecorded { cycle_id, opd_code, meeting } => {
            let meeting = serde_json::to_string(meeting).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            upsert_forum(txn, *cycle_id, Stage::ForumOpd, opd_code, Some(meeting), None).await?;
        }
        RenjaEvent::RenjaFinalised { cycle_id, opd_code, .. } => {
            upsert_forum(txn, *cycle_id, Stage::ForumOpd, opd_code, None, Some(true)).await?;
        }
    }
    Ok(())
}
