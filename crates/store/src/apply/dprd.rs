//! Applying the dprd part's events (dapil, members) to the current-state tables.

use domain::{DprdEvent, RegionCode};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};

use crate::entity::{dapil, dprd_member};
use crate::{Result, StoreError};

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Writes one dprd event; reads nothing to learn what to write.
pub(crate) async fn apply(txn: &DatabaseTransaction, pemda: &RegionCode, event: &DprdEvent) -> Result<()> {
    match event {
        DprdEvent::DapilSaved { dapil: saved } => {
            dapil::Entity::delete_by_id((pemda.to_string(), saved.code.clone())).exec(txn).await?;
            dapil::Entity::insert(dapil::ActiveModel {
                pemda_code: Set(pemda.to_string()),
                code: Set(saved.code.clone()),
                name: Set(saved.name.clone()),
                kecamatan: Set(json(&saved.kecamatan)?),
            })
            .exec(txn)
            .await?;
        }
        DprdEvent::MemberSaved { member } => {
            dprd_member::Entity::delete_by_id(member.user_id).exec(txn).await?;
            dprd_member::Entity::insert(dprd_member::ActiveModel {
                user_id: Set(member.user_id),
                pemda_code: Set(pemda.to_string()),
                dapil: Set(member.dapil.clone()),
                fraksi: Set(member.fraksi.clone()),
                komisi: Set(member.komisi.clone()),
                assistants: Set(json(&member.assistants)?),
            })
            .exec(txn)
            .await?;
        }
    }
    Ok(())
}
