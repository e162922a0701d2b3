//! Applying the masterdata part's events (OPD and kamus) to the current-state tables.

use domain::{MasterDataEvent, RegionCode};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::Result;
use crate::entity::{kamus_item, nomenclature, opd, rpjmd_priority};

/// Writes one masterdata event; reads nothing to learn what to write.
pub(crate) async fn apply(txn: &DatabaseTransaction, pemda: &RegionCode, event: &MasterDataEvent) -> Result<()> {
    match event {
        MasterDataEvent::OpdCreated { code, name } => {
            opd::Entity::insert(opd::ActiveModel {
                pemda_code: Set(pemda.to_string()),
                code: Set(code.clone()),
                name: Set(name.clone()),
            })
            .exec(txn)
            .await?;
        }
        MasterDataEvent::KamusUpserted { tahun_anggaran, items } => {
            let codes: Vec<String> = items.iter().map(|i| i.code.clone()).collect();
            for chunk in codes.chunks(crate::IN_LIST_MAX) {
                kamus_item::Entity::delete_many()
                    .filter(kamus_item::Column::PemdaCode.eq(pemda.to_string()))
                    .filter(kamus_item::Column::TahunAnggaran.eq(*tahun_anggaran))
                    .filter(kamus_item::Column::Code.is_in(chunk.to_vec()))
                    .exec(txn)
                    .await?;
            }
            let rows: Vec<kamus_item::ActiveModel> = items
                .iter()
                .map(|item| kamus_item::ActiveModel {
                    pemda_code: Set(pemda.to_string()),
                    tahun_anggaran: Set(*tahun_anggaran),
                    code: Set(item.code.clone()),
                    name: Set(item.name.clone()),
                    unit: Set(item.unit.clone()),
                    unit_price: Set(item.unit_price),
                    opd_code: Set(item.opd_code.clone()),
                    bidang: Set(item.bidang.as_str().to_string()),
                    fisik: Set(item.fisik),
                    sub_kegiatan: Set(item.sub_kegiatan.clone()),
                })
                .collect();
            for chunk in rows.chunks(300) {
                kamus_item::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
            }
        }
        MasterDataEvent::PrioritySaved { priority } => {
            let sasaran = serde_json::to_string(&priority.sasaran)
                .map_err(|e| crate::StoreError::Corrupt(format!("sasaran: {e}")))?;
            rpjmd_priority::Entity::delete_by_id((pemda.to_string(), priority.code.clone())).exec(txn).await?;
            rpjmd_priority::Entity::insert(rpjmd_priority::ActiveModel {
                pemda_code: Set(pemda.to_string()),
                code: Set(priority.code.clone()),
                name: Set(priority.name.clone()),
                sasaran: Set(sasaran),
            })
            .exec(txn)
            .await?;
        }
        MasterDataEvent::NomenclatureImported { tahun_anggaran, items } => {
            let codes: Vec<String> = items.iter().map(|i| i.code.clone()).collect();
            for chunk in codes.chunks(crate::IN_LIST_MAX) {
                nomenclature::Entity::delete_many()
                    .filter(nomenclature::Column::PemdaCode.eq(pemda.to_string()))
                    .filter(nomenclature::Column::TahunAnggaran.eq(*tahun_anggaran))
                    .filter(nomenclature::Column::Code.is_in(chunk.to_vec()))
                    .exec(txn)
                    .await?;
            }
            let rows: Vec<nomenclature::ActiveModel> = items
                .iter()
                .map(|item| nomenclature::ActiveModel {
                    pemda_code: Set(pemda.to_string()),
                    tahun_anggaran: Set(*tahun_anggaran),
                    code: Set(item.code.clone()),
                    parent_code: Set(domain::nomenclature::parent_code(&item.code).unwrap_or_default()),
                    name: Set(item.name.clone()),
                    indicator: Set(item.indicator.clone()),
                    unit: Set(item.unit.clone()),
                    search: Set(domain::nomenclature::search_text(item)),
                })
                .collect();
            for chunk in rows.chunks(300) {
                nomenclature::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
            }
        }
    }
    Ok(())
}
