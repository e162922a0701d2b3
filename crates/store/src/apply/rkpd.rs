//! Applying the rkpd part's events: the musrenbang RKPD and the adoption.

use domain::RkpdEvent;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};

use crate::entity::rkpd;
use crate::{Result, StoreError};

/// Writes one rkpd event; reads nothing to learn what to write.
pub(crate) async fn apply(txn: &DatabaseTransaction, event: &RkpdEvent) -> Result<()> {
    let row = match event {
        RkpdEvent::MusrenbangRkpdRecorded { cycle_id, meeting, priorities } => rkpd::ActiveModel {
            cycle_id: Set(*cycle_id),
            musrenbang: Set(Some(serde_json::to_string(meeting).map_err(|e| StoreError::Corrupt(e.to_string()))?)),
            priorities: Set(Some(serde_json::to_string(priorities).map_err(|e| StoreError::Corrupt(e.to_string()))?)),
            ..Default::default()
        },
        RkpdEvent::RkpdAdopted { cycle_id, number, date, lines, total } => rkpd::ActiveModel {
            cycle_id: Set(*cycle_id),
            perkada_number: Set(Some(number.clone())),
            perkada_date: Set(Some(date.clone())),
            adopted_lines: Set(Some(i32::try_from(*lines).unwrap_or(i32::MAX))),
            adopted_total: Set(Some(*total)),
            ..Default::default()
        },
    };
    let columns: &[rkpd::Column] = match event {
        RkpdEvent::MusrenbangRkpdRecorded { .. } => &[rkpd::Column::Musrenbang, rkpd::Column::Priorities],
        RkpdEvent::RkpdAdopted { .. } => &[
            rkpd::Column::PerkadaNumber,
            rkpd::Column::PerkadaDate,
            rkpd::Column::AdoptedLines,
            rkpd::Column::AdoptedTotal,
        ],
    };
    rkpd::Entity::insert(row)
        .on_conflict(OnConflict::column(rkpd::Column::CycleId).update_columns(columns.iter().copied()).to_owned())
        .exec(txn)
        .await?;
    Ok(())
}
