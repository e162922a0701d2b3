//! Applying the regions part's events (pemda and regions) to the current-state tables.

use domain::{Region, RegionCode, RegionEvent, RegionLevel};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use time::OffsetDateTime;

use crate::Result;
use crate::entity::{pemda, region};

/// Writes one regions event; reads nothing to learn what to write.
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    event: &RegionEvent,
    now: OffsetDateTime,
) -> Result<()> {
    match event {
        RegionEvent::PemdaCreated { code, name, level, regions, .. } => {
            pemda::Entity::insert(pemda::ActiveModel {
                code: Set(code.to_string()),
                name: Set(name.clone()),
                level: Set(level.as_str().to_string()),
                created_at: Set(now),
            })
            .exec(txn)
            .await?;
            let rows: Vec<_> = regions.iter().map(|r| region_row(code, r)).collect();
            for chunk in rows.chunks(crate::IN_LIST_MAX) {
                region::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
            }
        }
        RegionEvent::LingkunganAdded { code, name } => {
            let region = Region { code: code.clone(), name: name.clone(), level: RegionLevel::Lingkungan };
            region::Entity::insert(region_row(pemda, &region)).exec(txn).await?;
        }
    }
    Ok(())
}

fn region_row(pemda: &RegionCode, region: &Region) -> region::ActiveModel {
    region::ActiveModel {
        code: Set(region.code.to_string()),
        pemda_code: Set(pemda.to_string()),
        parent_code: Set(region.code.parent().map(|p| p.to_string()).unwrap_or_default()),
        name: Set(region.name.clone()),
        level: Set(region.level.as_str().to_string()),
    }
}
