//! Applying the schedule part's events (cycles, windows, settings, ceilings) to the current-state tables.

use domain::{RegionCode, ScheduleEvent};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use crate::Result;
use crate::entity::{ceiling, cycle, cycle_stage, opd_ceiling};

/// Writes one schedule event; reads nothing to learn what to write.
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    event: &ScheduleEvent,
    now: OffsetDateTime,
) -> Result<()> {
    match event {
        ScheduleEvent::CycleCreated { cycle_id, tahun_anggaran } => {
            cycle::Entity::insert(cycle::ActiveModel {
                id: Set(*cycle_id),
                pemda_code: Set(pemda.to_string()),
                tahun_anggaran: Set(*tahun_anggaran),
                cap_rembuk_warga: Set(None),
                cap_musrenbang_kelurahan: Set(None),
                cap_musrenbang_kecamatan: Set(None),
                online_proposals: Set(false),
                created_at: Set(now),
            })
            .exec(txn)
            .await?;
        }
        ScheduleEvent::StageWindowSet { cycle_id, stage, window } => {
            cycle_stage::Entity::delete_many()
                .filter(cycle_stage::Column::CycleId.eq(*cycle_id))
                .filter(cycle_stage::Column::Stage.eq(stage.as_str()))
                .exec(txn)
                .await?;
            cycle_stage::Entity::insert(cycle_stage::ActiveModel {
                cycle_id: Set(*cycle_id),
                stage: Set(stage.as_str().to_string()),
                opens: Set(window.opens),
                closes: Set(window.closes),
            })
            .exec(txn)
            .await?;
        }
        ScheduleEvent::CycleSettingsSet { cycle_id, caps, online_proposals } => {
            let cap = |value: Option<u32>| value.and_then(|v| i32::try_from(v).ok());
            cycle::Entity::update_many()
                .col_expr(cycle::Column::CapRembukWarga, cap(caps.rembuk_warga).into())
                .col_expr(cycle::Column::CapMusrenbangKelurahan, cap(caps.musrenbang_kelurahan).into())
                .col_expr(cycle::Column::CapMusrenbangKecamatan, cap(caps.musrenbang_kecamatan).into())
                .col_expr(cycle::Column::OnlineProposals, (*online_proposals).into())
                .filter(cycle::Column::Id.eq(*cycle_id))
                .exec(txn)
                .await?;
        }
        ScheduleEvent::CeilingSet { cycle_id, kecamatan, amount } => {
            ceiling::Entity::delete_many()
                .filter(ceiling::Column::CycleId.eq(*cycle_id))
                .filter(ceiling::Column::KecamatanCode.eq(kecamatan.to_string()))
                .exec(txn)
                .await?;
            ceiling::Entity::insert(ceiling::ActiveModel {
                cycle_id: Set(*cycle_id),
                kecamatan_code: Set(kecamatan.to_string()),
                amount: Set(*amount),
            })
            .exec(txn)
            .await?;
        }
        ScheduleEvent::OpdCeilingSet { cycle_id, opd_code, amount } => {
            opd_ceiling::Entity::insert(opd_ceiling::ActiveModel {
                cycle_id: Set(*cycle_id),
                opd_code: Set(opd_code.clone()),
                amount: Set(*amount),
            })
            .on_conflict(
                OnConflict::columns([opd_ceiling::Column::CycleId, opd_ceiling::Column::OpdCode])
                    .update_column(opd_ceiling::Column::Amount)
                    .to_owned(),
            )
            .exec(txn)
            .await?;
        }
    }
    Ok(())
}
