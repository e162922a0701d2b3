//! Applying events to the current-state tables, in the transaction that journals them.

use domain::cycle::Stage;
use domain::planning::{ForumKey, StageRecord, Status, forum_region_of, street_key};
use domain::{Actor, Event, Grant, Region, RegionCode, RegionLevel, Scope};
use sea_orm::sea_query::OnConflict;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{
    app_user, ceiling, cycle, cycle_stage, forum, kamus_item, opd, pemda, photo, proposal, proposal_stage, region,
    support, user_grant, web_session,
};
use crate::{Result, StoreError};

fn region_row(pemda: &RegionCode, region: &Region) -> region::ActiveModel {
    region::ActiveModel {
        code: Set(region.code.to_string()),
        pemda_code: Set(pemda.to_string()),
        parent_code: Set(region.code.parent().map(|p| p.to_string()).unwrap_or_default()),
        name: Set(region.name.clone()),
        level: Set(region.level.as_str().to_string()),
    }
}

fn grant_rows(user_id: Uuid, grants: &[Grant]) -> Vec<user_grant::ActiveModel> {
    grants
        .iter()
        .map(|grant| {
            let kind = match grant.scope {
                Scope::Pemda => "pemda",
                Scope::Region(_) => "region",
                Scope::Opd(_) => "opd",
            };
            user_grant::ActiveModel {
                user_id: Set(user_id),
                role: Set(grant.role.as_str().to_string()),
                scope_kind: Set(kind.to_string()),
                scope_code: Set(grant.scope.code().to_string()),
                ..Default::default()
            }
        })
        .collect()
}

/// Brings the current-state tables up to date with `events`, in the journal's transaction. It
/// decides nothing and reads no rows: everything it writes is in the events.
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    events: &[Event],
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
    for event in events {
        match event {
            Event::CycleCreated { cycle_id, tahun_anggaran } => {
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
            Event::StageWindowSet { cycle_id, stage, window } => {
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
            Event::CycleSettingsSet { cycle_id, caps, online_proposals } => {
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
            Event::OpdCreated { code, name } => {
                opd::Entity::insert(opd::ActiveModel {
                    pemda_code: Set(pemda.to_string()),
                    code: Set(code.clone()),
                    name: Set(name.clone()),
                })
                .exec(txn)
                .await?;
            }
            Event::KamusUpserted { tahun_anggaran, items } => {
                let codes: Vec<String> = items.iter().map(|i| i.code.clone()).collect();
                for chunk in codes.chunks(500) {
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
                    })
                    .collect();
                for chunk in rows.chunks(300) {
                    kamus_item::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
                }
            }
            Event::CeilingSet { cycle_id, kecamatan, amount } => {
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
            Event::ProposalSubmitted {
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
            } => {
                let lingkungan = &figures.location.lingkungan;
                let ancestor =
                    |stage: Stage| forum_region_of(lingkungan, stage).map(|c| c.to_string()).unwrap_or_default();
                proposal::Entity::insert(proposal::ActiveModel {
                    id: Set(*proposal_id),
                    cycle_id: Set(*cycle_id),
                    pemda_code: Set(pemda.to_string()),
                    origin: Set(origin.as_str().to_string()),
                    title: Set(title.clone()),
                    problem: Set(problem.clone()),
                    bidang: Set(bidang.as_str().to_string()),
                    fisik: Set(*fisik),
                    track: Set(track.as_str().to_string()),
                    proposer: Set(actor.journal_name()),
                    created_at: Set(now),
                    lingkungan_code: Set(lingkungan.to_string()),
                    kelurahan_code: Set(ancestor(Stage::MusrenbangKelurahan)),
                    kecamatan_code: Set(ancestor(Stage::MusrenbangKecamatan)),
                    current_stage: Set(stage.as_str().to_string()),
                    current_status: Set(status.as_str().to_string()),
                    kamus_code: Set(figures.kamus_code.clone()),
                    opd_code: Set(figures.opd_code.clone()),
                    cost: Set(figures.cost),
                    support_count: Set(0),
                    street_key: Set(street_key(&figures.location.address)),
                    lat_e6: Set(figures.location.point.map(|p| p.lat_e6)),
                    lon_e6: Set(figures.location.point.map(|p| p.lon_e6)),
                })
                .exec(txn)
                .await?;
                let record = StageRecord {
                    stage: *stage,
                    status: *status,
                    rank: None,
                    figures: figures.clone(),
                    reason: None,
                    decided_by: None,
                    decided_at: None,
                };
                proposal_stage::Entity::insert(stage_row(*proposal_id, *cycle_id, &record)).exec(txn).await?;
            }
            Event::ProposalDecided { proposal_id, record } => {
                // Every column of the record but its cycle, which a decision never changes.
                let mut row = stage_row(*proposal_id, Uuid::nil(), record);
                row.cycle_id = NotSet;
                let updated = proposal_stage::Entity::update_many()
                    .set(row)
                    .filter(proposal_stage::Column::ProposalId.eq(*proposal_id))
                    .filter(proposal_stage::Column::Stage.eq(record.stage.as_str()))
                    .exec(txn)
                    .await?;
                if updated.rows_affected != 1 {
                    return Err(StoreError::Corrupt(format!("no {} record of {proposal_id}", record.stage.as_str())));
                }
                set_current(txn, *proposal_id, record).await?;
            }
            Event::ForumRanked { forum: key, order } => {
                proposal_stage::Entity::update_many()
                    .col_expr(proposal_stage::Column::Rank, Option::<i32>::None.into())
                    .filter(proposal_stage::Column::CycleId.eq(key.cycle_id))
                    .filter(proposal_stage::Column::Stage.eq(key.stage.as_str()))
                    .filter(proposal_stage::Column::ForumRegion.eq(key.region.to_string()))
                    .exec(txn)
                    .await?;
                for (position, id) in order.iter().enumerate() {
                    proposal_stage::Entity::update_many()
                        .col_expr(proposal_stage::Column::Rank, i32::try_from(position + 1).ok().into())
                        .filter(proposal_stage::Column::ProposalId.eq(*id))
                        .filter(proposal_stage::Column::Stage.eq(key.stage.as_str()))
                        .exec(txn)
                        .await?;
                }
            }
            Event::MeetingRecorded { forum: key, meeting } => {
                let meeting = serde_json::to_string(meeting).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                upsert_forum(txn, key, Some(meeting), None).await?;
            }
            Event::ForumClosed { forum: key, not_forwarded, .. } => {
                upsert_forum(txn, key, None, Some(true)).await?;
                for chunk in not_forwarded.chunks(500) {
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
            Event::ProposalsForwarded { to, proposals, cycle_id, figures, .. } => {
                if proposals.len() != figures.len() {
                    return Err(StoreError::Corrupt(format!(
                        "{} forwarded with {} figures",
                        proposals.len(),
                        figures.len()
                    )));
                }
                let mut next_rows = Vec::with_capacity(proposals.len());
                for (proposal_id, figures) in proposals.iter().zip(figures) {
                    let record = StageRecord {
                        stage: *to,
                        status: Status::Pending,
                        rank: None,
                        figures: figures.clone(),
                        reason: None,
                        decided_by: None,
                        decided_at: None,
                    };
                    set_current(txn, *proposal_id, &record).await?;
                    next_rows.push(stage_row(*proposal_id, *cycle_id, &record));
                }
                for chunk in next_rows.chunks(500) {
                    proposal_stage::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
                }
            }
            Event::PhotoAttached { proposal_id, photo: attached } => {
                photo::Entity::insert(photo::ActiveModel {
                    id: Set(attached.id),
                    proposal_id: Set(*proposal_id),
                    sha256: Set(attached.sha256.clone()),
                    content_type: Set(attached.content_type.clone()),
                    size: Set(i64::try_from(attached.size).unwrap_or(i64::MAX)),
                    created_at: Set(now),
                })
                .exec(txn)
                .await?;
            }
            Event::ProposalSupported { proposal_id, user_id } => {
                support::Entity::insert(support::ActiveModel {
                    proposal_id: Set(*proposal_id),
                    user_id: Set(*user_id),
                })
                .exec(txn)
                .await?;
                proposal::Entity::update_many()
                    .col_expr(
                        proposal::Column::SupportCount,
                        Expr::col(proposal::Column::SupportCount).add(Expr::val(1)),
                    )
                    .filter(proposal::Column::Id.eq(*proposal_id))
                    .exec(txn)
                    .await?;
            }
            Event::PemdaCreated { code, name, level, regions, .. } => {
                pemda::Entity::insert(pemda::ActiveModel {
                    code: Set(code.to_string()),
                    name: Set(name.clone()),
                    level: Set(level.as_str().to_string()),
                    created_at: Set(now),
                })
                .exec(txn)
                .await?;
                let rows: Vec<_> = regions.iter().map(|r| region_row(code, r)).collect();
                for chunk in rows.chunks(500) {
                    region::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
                }
            }
            Event::LingkunganAdded { code, name } => {
                let region = Region { code: code.clone(), name: name.clone(), level: RegionLevel::Lingkungan };
                region::Entity::insert(region_row(pemda, &region)).exec(txn).await?;
            }
            Event::UserCreated { user_id, username, name, grants, password_hash } => {
                app_user::Entity::insert(app_user::ActiveModel {
                    id: Set(*user_id),
                    pemda_code: Set(pemda.to_string()),
                    username: Set(username.clone()),
                    name: Set(name.clone()),
                    password_hash: Set(password_hash.clone()),
                    disabled: Set(false),
                    created_at: Set(now),
                })
                .exec(txn)
                .await?;
                let rows = grant_rows(*user_id, grants);
                if !rows.is_empty() {
                    user_grant::Entity::insert_many(rows).exec(txn).await?;
                }
            }
            Event::PasswordChanged { user_id, password_hash } => {
                app_user::Entity::update_many()
                    .col_expr(app_user::Column::PasswordHash, password_hash.clone().into())
                    .filter(app_user::Column::Id.eq(*user_id))
                    .exec(txn)
                    .await?;
                end_sessions(txn, *user_id).await?;
            }
            Event::UserGrantsChanged { user_id, grants } => {
                user_grant::Entity::delete_many().filter(user_grant::Column::UserId.eq(*user_id)).exec(txn).await?;
                let rows = grant_rows(*user_id, grants);
                if !rows.is_empty() {
                    user_grant::Entity::insert_many(rows).exec(txn).await?;
                }
            }
            Event::UserDisabled { user_id } | Event::UserEnabled { user_id } => {
                let disabled = matches!(event, Event::UserDisabled { .. });
                app_user::Entity::update_many()
                    .col_expr(app_user::Column::Disabled, disabled.into())
                    .filter(app_user::Column::Id.eq(*user_id))
                    .exec(txn)
                    .await?;
                if disabled {
                    // In the same transaction: a disabled account has no session left to use.
                    end_sessions(txn, *user_id).await?;
                }
            }
        }
    }
    Ok(())
}

async fn end_sessions(txn: &DatabaseTransaction, user_id: Uuid) -> Result<()> {
    web_session::Entity::delete_many().filter(web_session::Column::UserId.eq(user_id)).exec(txn).await?;
    Ok(())
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
        .col_expr(proposal::Column::LatE6, figures.location.point.map(|p| p.lat_e6).into())
        .col_expr(proposal::Column::LonE6, figures.location.point.map(|p| p.lon_e6).into())
        .filter(proposal::Column::Id.eq(proposal_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Writes a forum's minutes or its closing, creating its row the first time: one statement that
/// updates only the column the event is about.
async fn upsert_forum(
    txn: &DatabaseTransaction,
    key: &ForumKey,
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
        cycle_id: Set(key.cycle_id),
        stage: Set(key.stage.as_str().to_string()),
        region_code: Set(key.region.to_string()),
        closed: Set(closed.unwrap_or(false)),
        meeting: Set(meeting),
    })
    .on_conflict(on_conflict)
    .exec(txn)
    .await?;
    Ok(())
}
