//! Applying the dprd part's events (dapil, members, reses, pokir) to the current-state tables.

use domain::cycle::Stage;
use domain::planning::{Origin, StageRecord, Status};
use domain::{Actor, DprdEvent, RegionCode};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use time::OffsetDateTime;

use super::musrenbang::{NewProposal, insert_photo, insert_proposals, insert_record};
use crate::entity::{dapil, dprd_member, pokir, reses};
use crate::{Result, StoreError};

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Writes one dprd event; reads nothing to learn what to write.
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    event: &DprdEvent,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
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
        DprdEvent::ResesRecorded { reses: r } => {
            reses::Entity::insert(reses::ActiveModel {
                id: Set(r.id),
                pemda_code: Set(pemda.to_string()),
                cycle_id: Set(r.cycle_id),
                member_id: Set(r.member),
                held_on: Set(r.date.clone()),
                place: Set(r.place.clone()),
                kelurahan_code: Set(r.kelurahan.to_string()),
                attendees: Set(i32::try_from(r.attendees).unwrap_or(i32::MAX)),
                minutes: Set(r.minutes.clone()),
                aspirations: Set(json(&r.aspirations)?),
                entered_by: Set(actor.journal_name()),
            })
            .exec(txn)
            .await?;
        }
        DprdEvent::ResesPhotoAttached { reses_id, photo: attached } => {
            // Kept beside the proposals' photos, under the reses's id.
            insert_photo(txn, *reses_id, attached, now).await?;
        }
        DprdEvent::PokirSubmitted {
            proposal_id,
            cycle_id,
            member,
            dapil,
            reses_id,
            aspiration,
            title,
            problem,
            bidang,
            fisik,
            track,
            figures,
            priority,
        } => {
            let new = NewProposal {
                proposal_id: *proposal_id,
                cycle_id: *cycle_id,
                origin: Origin::Pokir,
                title,
                problem,
                bidang: *bidang,
                fisik: *fisik,
                track: *track,
                stage: Stage::Pokir,
                // Entered by the member as their own: there is no forum at this stage.
                status: Status::Accepted,
                figures,
                priority: priority.as_ref(),
            };
            insert_proposals(txn, pemda, &[new], actor, now).await?;
            // A pokir goes to the OPD it names at once, to wait for that OPD's forum.
            let at_opd = StageRecord::entering(Stage::ForumOpd, Status::Pending, figures.clone());
            insert_record(txn, *proposal_id, *cycle_id, &at_opd).await?;
            pokir::Entity::insert(pokir::ActiveModel {
                proposal_id: Set(*proposal_id),
                cycle_id: Set(*cycle_id),
                member_id: Set(*member),
                dapil: Set(dapil.clone()),
                reses_id: Set(*reses_id),
                aspiration: Set(i32::try_from(*aspiration).unwrap_or(i32::MAX)),
            })
            .exec(txn)
            .await?;
        }
    }
    Ok(())
}
